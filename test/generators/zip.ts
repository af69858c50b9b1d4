// ZIP samples for tests, built at test time: ordinary and password-protected ZIPs (ZipCrypto, AES-256) with
// zip.js, and hostile ones (a 1 GiB-of-zeros member, deep nesting, traversal names) with a small raw writer,
// because a well-behaved writer refuses to produce them.

import { TextReader, Uint8ArrayReader, Uint8ArrayWriter, ZipWriter, configure } from '@zip.js/zip.js';
import { constants, crc32, createDeflateRaw } from 'node:zlib';

configure({ useWebWorkers: false });

export interface ZipFile {
  name: string;
  data: string | Uint8Array;
}

export type ZipEncryption = 'zipcrypto' | 'aes256';

/** A ZIP of `files`, encrypted when a password is given (ZipCrypto by default, as Qakbot's were). */
export async function makeZip(files: ZipFile[], options: { password?: string; encryption?: ZipEncryption } = {}): Promise<Uint8Array> {
  const encryption = options.password ? (options.encryption === 'aes256' ? { encryptionStrength: 3 as const } : { zipCrypto: true }) : {};
  const writer = new ZipWriter(new Uint8ArrayWriter(), { password: options.password, ...encryption, useWebWorkers: false });
  for (const f of files) {
    await writer.add(f.name, typeof f.data === 'string' ? new TextReader(f.data) : new Uint8ArrayReader(f.data));
  }
  return writer.close();
}

/** An entry for the raw writer: stored as given, or already deflated with its true size and CRC. */
export interface RawEntry {
  name: string;
  /** Bytes as stored in the archive. */
  stored: Uint8Array;
  method: 0 | 8;
  crc: number;
  size: number;
}

export function storedEntry(name: string, data: string | Uint8Array): RawEntry {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return { name, stored: bytes, method: 0, crc: crc32(bytes), size: bytes.length };
}

/** A ZIP written byte by byte: any member name, no questions asked (names are stored as UTF-8). */
export function rawZip(entries: RawEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.stored.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.stored.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(e.stored));
    centrals.push(central, name);
    offset += local.length + name.length + e.stored.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, dir, end]));
}

/**
 * A ZIP with one member of `size` zero bytes, deflated by streaming (the zeros are never held in memory:
 * 1 GiB packs to about 1 MiB). Sizes and CRC are the true ones.
 */
export async function zerosZip(name: string, size: number): Promise<Uint8Array> {
  const chunk = Buffer.alloc(1024 * 1024);
  const deflate = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflate.on('data', (d: Buffer) => out.push(d));
  const finished = new Promise<void>((resolve, reject) => {
    deflate.once('end', resolve);
    deflate.once('error', reject);
  });
  let crc = 0;
  for (let left = size; left > 0; left -= chunk.length) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    crc = crc32(piece, crc);
    if (!deflate.write(piece)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await finished;
  return rawZip([{ name, stored: new Uint8Array(Buffer.concat(out)), method: 8, crc, size }]);
}

/** A ZIP inside a ZIP inside a ZIP… `levels` deep, with a text file at the bottom. */
export async function nestedZip(levels: number, innermost: ZipFile = { name: 'bottom.txt', data: 'the bottom of the nest' }): Promise<Uint8Array> {
  let data = await makeZip([innermost]);
  for (let level = levels - 1; level >= 1; level--) data = await makeZip([{ name: `level${level + 1}.zip`, data }]);
  return data;
}

export { TextReader };
