// ZipCrypto's password check byte, computed here in microseconds, so a long candidate list costs almost
// nothing: only the ~1 in 256 wrong candidates that pass it (and the right one) are confirmed by zip.js with
// a full decrypt and CRC. (PKWARE APPNOTE 6.1: traditional PKWARE encryption.)

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

const crcByte = (crc: number, byte: number) => (CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)) >>> 0;

/** The 12-byte encryption header of a ZipCrypto member and the byte its last decrypted byte must equal. */
export interface ZipCryptoHeader {
  header: Uint8Array;
  check: number;
}

/** Reads the encryption header from the member's local header at `offset`, or undefined if it is not there. */
export function zipCryptoHeader(zip: Uint8Array, offset: number): ZipCryptoHeader | undefined {
  if (offset < 0 || offset + 30 > zip.length) return undefined;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  if (view.getUint32(offset, true) !== 0x04034b50) return undefined;
  const flags = view.getUint16(offset + 6, true);
  const time = view.getUint16(offset + 10, true);
  const crc = view.getUint32(offset + 14, true);
  const start = offset + 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true);
  if (start + 12 > zip.length) return undefined;
  // With a data descriptor (bit 3) the CRC is not known when the header is written: the time stands in.
  const check = flags & 0x8 ? time >>> 8 : crc >>> 24;
  return { header: zip.subarray(start, start + 12), check };
}

/** True when `password` passes the check byte (the right password always does). */
export function passesCheckByte(password: string, h: ZipCryptoHeader): boolean {
  let k0 = 0x12345678;
  let k1 = 0x23456789;
  let k2 = 0x34567890;
  const update = (c: number) => {
    k0 = crcByte(k0, c);
    k1 = (Math.imul((k1 + (k0 & 0xff)) >>> 0, 134775813) + 1) >>> 0;
    k2 = crcByte(k2, k1 >>> 24);
  };
  // zip.js encodes passwords as UTF-8; so does this.
  for (const byte of new TextEncoder().encode(password)) update(byte);
  let last = 0;
  for (const byte of h.header) {
    const t = (k2 | 2) & 0xffff;
    last = byte ^ ((Math.imul(t, t ^ 1) >>> 8) & 0xff);
    update(last);
  }
  return last === h.check;
}
