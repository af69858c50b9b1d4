// Bytes to text for command lines and scripts: UTF-16LE when it carries a BOM or looks like it (NUL every
// other byte), UTF-8 otherwise. The length is capped by the caller's limit.

export function textOf(data: Uint8Array, maxBytes: number): { text: string; truncated: boolean } {
  const truncated = data.length > maxBytes;
  let bytes = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, maxBytes));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.subarray(2).toString('utf16le'), truncated };
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  else if (bytes.length >= 4 && bytes[1] === 0 && bytes[3] === 0 && bytes[0] !== 0) return { text: bytes.toString('utf16le'), truncated };
  return { text: bytes.toString('utf8'), truncated };
}

/** The decoded-layer number an artifact carries from its parent (0 for one nobody decoded). */
export function layerOf(meta: Record<string, unknown>): number {
  return typeof meta.layer === 'number' ? meta.layer : 0;
}
