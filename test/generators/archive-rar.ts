// RAR5 archives for tests, written by the format's own rules (rarlab's "RAR 5.0 archive format"): signature,
// main header, one file header per member with its data stored uncompressed, end-of-archive header. No RAR
// compressor exists here; stored members are enough to prove the reader opens RAR5.

import { crc32 } from 'node:zlib';

const SIGNATURE = Buffer.from('526172211a070100', 'hex');

/** RAR5 variable-length integer: 7 bits per byte, low bits first, high bit = more bytes follow. */
function vint(value: number): Buffer {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

/** A header block: CRC32, then its size, then the fields (type first). */
function block(fields: Buffer): Buffer {
  const sized = Buffer.concat([vint(fields.length), fields]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(sized));
  return Buffer.concat([crc, sized]);
}

export interface RarFile {
  name: string;
  data: string | Uint8Array;
}

export function makeRar5(files: RarFile[]): Uint8Array {
  const parts: Buffer[] = [SIGNATURE, block(Buffer.concat([vint(1), vint(0), vint(0)]))];
  for (const f of files) {
    const data = Buffer.from(typeof f.data === 'string' ? Buffer.from(f.data) : f.data);
    const name = Buffer.from(f.name, 'utf8');
    const dataCrc = Buffer.alloc(4);
    dataCrc.writeUInt32LE(crc32(data));
    const header = Buffer.concat([
      vint(2), // file header
      vint(0x2), // header flags: a data area follows
      vint(data.length), // data size
      vint(0x4), // file flags: data CRC32 present
      vint(data.length), // unpacked size
      vint(0x20), // attributes: archive
      dataCrc,
      vint(0), // compression: version 0, method 0 (store)
      vint(0), // host OS: Windows
      vint(name.length),
      name,
    ]);
    parts.push(block(header), data);
  }
  parts.push(block(Buffer.concat([vint(5), vint(0), vint(0)])));
  return new Uint8Array(Buffer.concat(parts));
}
