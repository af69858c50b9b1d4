// Bounds-checked reads over a PE file. Every offset in a PE comes from the file itself, so every read
// returns undefined instead of throwing or reading past the end.

export class ByteView {
  readonly data: Uint8Array;
  private readonly dv: DataView;

  constructor(data: Uint8Array) {
    this.data = data;
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get length(): number {
    return this.data.length;
  }

  has(offset: number, size: number): boolean {
    return Number.isInteger(offset) && offset >= 0 && size >= 0 && offset + size <= this.data.length;
  }

  u8(offset: number): number | undefined {
    return this.has(offset, 1) ? this.data[offset] : undefined;
  }

  u16(offset: number): number | undefined {
    return this.has(offset, 2) ? this.dv.getUint16(offset, true) : undefined;
  }

  u32(offset: number): number | undefined {
    return this.has(offset, 4) ? this.dv.getUint32(offset, true) : undefined;
  }

  /** 64-bit values as numbers: exact below 2^53, which covers every offset and size we use them for. */
  u64(offset: number): number | undefined {
    if (!this.has(offset, 8)) return undefined;
    return Number(this.dv.getBigUint64(offset, true));
  }

  bytes(offset: number, size: number): Uint8Array | undefined {
    return this.has(offset, size) ? this.data.subarray(offset, offset + size) : undefined;
  }

  /** A NUL-terminated ASCII string of at most `max` bytes; undefined when it runs off the end. */
  asciiz(offset: number, max = 256): string | undefined {
    if (!this.has(offset, 1)) return undefined;
    const end = Math.min(this.data.length, offset + max);
    let i = offset;
    while (i < end && this.data[i] !== 0) i++;
    let out = '';
    for (let j = offset; j < i; j++) {
      const c = this.data[j]!;
      out += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
    }
    return out;
  }

  /** A counted UTF-16LE string (resource names). */
  utf16(offset: number, chars: number): string | undefined {
    if (!this.has(offset, chars * 2)) return undefined;
    let out = '';
    for (let i = 0; i < chars; i++) out += String.fromCharCode(this.dv.getUint16(offset + i * 2, true));
    return out;
  }
}

/** Shannon entropy in bits per byte (0 … 8). Large inputs are sampled in evenly spaced blocks so the cost stays bounded. */
export function entropy(data: Uint8Array, maxBytes = 8 * 1024 * 1024): number {
  if (data.length === 0) return 0;
  const counts = new Uint32Array(256);
  let total = 0;
  if (data.length <= maxBytes) {
    for (let i = 0; i < data.length; i++) counts[data[i]!]!++;
    total = data.length;
  } else {
    // Evenly spaced blocks from start to end, at least two.
    const block = Math.max(1, Math.min(64 * 1024, Math.floor(maxBytes / 2)));
    const blocks = Math.max(2, Math.floor(maxBytes / block));
    const stride = Math.floor((data.length - block) / (blocks - 1));
    for (let b = 0; b < blocks; b++) {
      const start = b * stride;
      for (let i = start; i < start + block; i++) counts[data[i]!]!++;
      total += block;
    }
  }
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / total;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Bytes to sample per item when `count` items (sections, resources) each want an entropy: hostile files
 * point hundreds of entries at the same megabytes, so the total work is bounded, not the per-item work.
 */
export function entropySample(count: number, totalBytes = 32 * 1024 * 1024): number {
  return Math.max(16 * 1024, Math.floor(totalBytes / Math.max(1, count)));
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

export function hex(n: number, width = 8): string {
  return `0x${n.toString(16).padStart(width, '0')}`;
}
