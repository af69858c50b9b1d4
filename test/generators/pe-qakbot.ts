// Builds Qakbot-format encrypted configuration and C2 blobs from the documented format (CHAIN.md §6 and the
// public analyses cited in rules/qakbot-keys.yaml), independently of the extractor under test: its own RC4,
// its own layering. A decrypted blob is SHA1(rest) followed by rest.

import { createHash, randomBytes } from 'node:crypto';

export type QakbotVariant = 'first-20-bytes' | 'powershell-path' | 'powershel1-path' | 'two-layer-muhcu' | 'two-layer-budiuy';

const KEY_STRINGS: Record<Exclude<QakbotVariant, 'first-20-bytes'>, string> = {
  'powershell-path': '\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
  'powershel1-path': '\\System32\\WindowsPowerShel1\\v1.0\\powershel1.exe',
  'two-layer-muhcu': 'Muhcu#YgcdXubYBu2@2ub4fbUhuiNhyVtcd',
  'two-layer-budiuy': 'bUdiuy81gYguty@4frdRdpfko(eKmudeuMncueaN',
};

/** Textbook RC4 (KSA + PRGA). */
export function rc4Reference(key: Uint8Array, input: Uint8Array): Uint8Array {
  const S = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + S[i]! + key[i % key.length]!) % 256;
    [S[i], S[j]] = [S[j]!, S[i]!];
  }
  const out = new Uint8Array(input.length);
  for (let n = 0, i = 0, j = 0; n < input.length; n++) {
    i = (i + 1) % 256;
    j = (j + S[i]!) % 256;
    [S[i], S[j]] = [S[j]!, S[i]!];
    out[n] = input[n]! ^ S[(S[i]! + S[j]!) % 256]!;
  }
  return out;
}

const sha1 = (b: Uint8Array) => new Uint8Array(createHash('sha1').update(b).digest());
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

export function encryptQakbotBlob(payload: Uint8Array, variant: QakbotVariant): Uint8Array {
  const inner = concat(sha1(payload), payload);
  if (variant === 'first-20-bytes') {
    const key = new Uint8Array(randomBytes(20));
    return concat(key, rc4Reference(key, inner));
  }
  const outerKey = sha1(new TextEncoder().encode(KEY_STRINGS[variant]));
  if (variant === 'powershell-path' || variant === 'powershel1-path') return rc4Reference(outerKey, inner);
  // Two layers: the outer plaintext is the outer key's hash, then the inner RC4 key, then the inner ciphertext.
  const innerKey = new Uint8Array(randomBytes(20));
  return rc4Reference(outerKey, concat(outerKey, innerKey, rc4Reference(innerKey, inner)));
}

export function configText(entries: [string, string][]): Uint8Array {
  return new TextEncoder().encode(entries.map(([k, v]) => `${k}=${v}\r\n`).join(''));
}

/** C2 records: type byte 1, IPv4 big-endian, port big-endian, and a zero byte when the record is 8 bytes. */
export function c2Records(servers: { ip: string; port: number }[], recordBytes = 7): Uint8Array {
  const out = new Uint8Array(servers.length * recordBytes);
  servers.forEach((s, i) => {
    const o = i * recordBytes;
    out[o] = 1;
    s.ip.split('.').forEach((part, k) => (out[o + 1 + k] = Number(part)));
    out[o + 5] = s.port >> 8;
    out[o + 6] = s.port & 0xff;
  });
  return out;
}

/**
 * A BriefLZ packer written from the format (first byte verbatim; 16-bit little-endian tag words, most
 * significant bit first, 0 = literal, 1 = match; gamma-coded length-2 and (offset-1)>>8 + 2, then the low
 * offset byte). Greedy matching over a small window keeps it short; the output is valid, not optimal.
 */
export function briefLzPack(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let tagAt = -1;
  let tag = 0;
  let bits = 0;
  const putBit = (b: number) => {
    if (bits === 0) {
      tagAt = out.length;
      out.push(0, 0);
    }
    tag = (tag << 1) | b;
    bits++;
    if (bits === 16) {
      out[tagAt] = tag & 0xff;
      out[tagAt + 1] = (tag >> 8) & 0xff;
      tag = 0;
      bits = 0;
    }
  };
  const putGamma = (v: number) => {
    const width = 31 - Math.clz32(v);
    for (let i = width - 1; i >= 0; i--) {
      putBit((v >> i) & 1);
      putBit(i > 0 ? 1 : 0);
    }
  };
  if (input.length === 0) return new Uint8Array(0);
  out.push(input[0]!);
  let i = 1;
  while (i < input.length) {
    let bestLen = 0;
    let bestOff = 0;
    for (let off = 1; off <= Math.min(i, 4096); off++) {
      let len = 0;
      while (i + len < input.length && input[i + len] === input[i + len - off] && len < 255) len++;
      if (len > bestLen) {
        bestLen = len;
        bestOff = off;
      }
    }
    if (bestLen >= 4) {
      putBit(1);
      putGamma(bestLen - 2);
      putGamma(((bestOff - 1) >> 8) + 2);
      out.push((bestOff - 1) & 0xff);
      i += bestLen;
    } else {
      putBit(0);
      out.push(input[i]!);
      i++;
    }
  }
  if (bits > 0) {
    tag <<= 16 - bits;
    out[tagAt] = tag & 0xff;
    out[tagAt + 1] = (tag >> 8) & 0xff;
  }
  return new Uint8Array(out);
}

/** A loader's resource "307": the core DLL in BriefLZ chunks under Qakbot's magic, then first-20-bytes RC4. */
export function qakbotLoaderResource(core: Uint8Array, chunkBytes = 0x8000): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < core.length; at += chunkBytes) {
    const block = core.subarray(at, Math.min(core.length, at + chunkBytes));
    const packed = briefLzPack(block);
    const header = new Uint8Array(24);
    const dv = new DataView(header.buffer);
    dv.setUint32(0, 0x616cd31a);
    dv.setUint32(4, 1);
    dv.setUint32(8, packed.length);
    dv.setUint32(16, block.length);
    parts.push(header, packed);
  }
  return encryptQakbotBlob(concat(...parts), 'first-20-bytes');
}
