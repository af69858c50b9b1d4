// BriefLZ decompression (Jørgen Ibsen's format), as Qakbot's loaders use it for the core DLL kept in
// resource "307": a series of chunks, each a 24-byte big-endian header (magic, version 1, packed size,
// packed CRC, depacked size, depacked CRC) and a packed block. Qakbot replaces the magic "blz\x1a" with
// 0x616cd31a. Every read and write is bounds-checked; output is capped by the caller.

const MAGICS = new Set([0x626c7a1a /* "blz\x1a" */, 0x616cd31a /* Qakbot's */]);
const HEADER_BYTES = 24;

export function isBriefLzStream(data: Uint8Array): boolean {
  if (data.length < HEADER_BYTES) return false;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return MAGICS.has(dv.getUint32(0)) && dv.getUint32(4) === 1;
}

/** The whole stream depacked; undefined when a chunk is malformed or the output would exceed maxBytes. */
export function depackStream(data: Uint8Array, maxBytes: number): Uint8Array | undefined {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const chunks: Uint8Array[] = [];
  let total = 0;
  let at = 0;
  while (at + HEADER_BYTES <= data.length) {
    if (!MAGICS.has(dv.getUint32(at)) || dv.getUint32(at + 4) !== 1) return undefined;
    const packed = dv.getUint32(at + 8);
    const depacked = dv.getUint32(at + 16);
    at += HEADER_BYTES;
    if (packed > data.length - at || total + depacked > maxBytes) return undefined;
    const out = depackBlock(data.subarray(at, at + packed), depacked);
    if (!out) return undefined;
    chunks.push(out);
    total += out.length;
    at += packed;
  }
  if (chunks.length === 0) return undefined;
  const result = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    result.set(c, o);
    o += c.length;
  }
  return result;
}

/** One block: the first byte verbatim, then 16-bit tag words whose bits choose literal (0) or match (1). */
export function depackBlock(src: Uint8Array, size: number): Uint8Array | undefined {
  if (size === 0) return new Uint8Array(0);
  if (src.length === 0) return undefined;
  const dst = new Uint8Array(size);
  let s = 0;
  let d = 0;
  let tag = 0;
  let bitsLeft = 0;
  let bad = false;
  const bit = (): number => {
    if (bitsLeft === 0) {
      if (s + 2 > src.length) {
        bad = true;
        return 0;
      }
      tag = src[s]! | (src[s + 1]! << 8);
      s += 2;
      bitsLeft = 16;
    }
    bitsLeft--;
    return (tag >> bitsLeft) & 1;
  };
  const gamma = (): number => {
    let v = 1;
    do {
      v = v * 2 + bit();
      if (v > size * 2 + 512) bad = true; // longer than any valid length or offset here
    } while (!bad && bit());
    return v;
  };
  dst[d++] = src[s++]!;
  while (d < size) {
    if (bit()) {
      const len = gamma() + 2;
      const hi = gamma() - 2;
      if (bad || s >= src.length) return undefined;
      const off = hi * 256 + src[s++]! + 1;
      if (off > d || len > size - d) return undefined;
      for (let i = 0; i < len; i++, d++) dst[d] = dst[d - off]!;
    } else {
      if (bad || s >= src.length) return undefined;
      dst[d++] = src[s++]!;
    }
    if (bad) return undefined;
  }
  return dst;
}
