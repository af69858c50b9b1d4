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
