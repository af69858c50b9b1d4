// ISO 9660 disk images for tests (the 2022 chains mailed ISO files holding a shortcut and a DLL), written
// sector by sector: system area, primary volume descriptor, terminator, path tables, root directory, files.
// Files sit in the root directory with ISO level-1 style names ("INVOICE.LNK;1").

const SECTOR = 2048;

export interface IsoFile {
  /** Up to 8.3 characters; upper-cased as ISO 9660 wants. */
  name: string;
  data: string | Uint8Array;
}

function both32(value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(value, 0);
  b.writeUInt32BE(value, 4);
  return b;
}

function both16(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(value, 0);
  b.writeUInt16BE(value, 2);
  return b;
}

function dirRecord(name: Buffer, extent: number, size: number, isDir: boolean): Buffer {
  const length = 33 + name.length + (name.length % 2 === 0 ? 1 : 0);
  const r = Buffer.alloc(length);
  r[0] = length;
  both32(extent).copy(r, 2);
  both32(size).copy(r, 10);
  Buffer.from([126, 3, 14, 9, 30, 0, 0]).copy(r, 18); // 2026-03-14 09:30:00 UTC
  r[25] = isDir ? 2 : 0;
  both16(1).copy(r, 28);
  r[32] = name.length;
  name.copy(r, 33);
  return r;
}

function padText(text: string, length: number): Buffer {
  return Buffer.from(text.padEnd(length, ' ').slice(0, length), 'ascii');
}

export function makeIso(files: IsoFile[], volumeId = 'INVOICE'): Uint8Array {
  const contents = files.map((f) => (typeof f.data === 'string' ? Buffer.from(f.data) : Buffer.from(f.data)));
  const rootLba = 20;
  let lba = rootLba + 1;
  const extents = contents.map((c) => {
    const at = lba;
    lba += Math.max(1, Math.ceil(c.length / SECTOR));
    return at;
  });
  const totalSectors = lba;

  const root = Buffer.alloc(SECTOR);
  let at = 0;
  for (const r of [
    dirRecord(Buffer.from([0]), rootLba, SECTOR, true),
    dirRecord(Buffer.from([1]), rootLba, SECTOR, true),
    ...files.map((f, i) => dirRecord(Buffer.from(`${f.name.toUpperCase()};1`, 'ascii'), extents[i]!, contents[i]!.length, false)),
  ]) {
    r.copy(root, at);
    at += r.length;
  }

  const pathTable = (bigEndian: boolean) => {
    const t = Buffer.alloc(SECTOR);
    t[0] = 1;
    if (bigEndian) t.writeUInt32BE(rootLba, 2);
    else t.writeUInt32LE(rootLba, 2);
    if (bigEndian) t.writeUInt16BE(1, 6);
    else t.writeUInt16LE(1, 6);
    return t;
  };

  const pvd = Buffer.alloc(SECTOR);
  pvd[0] = 1;
  pvd.write('CD001', 1, 'ascii');
  pvd[6] = 1;
  padText('', 32).copy(pvd, 8);
  padText(volumeId, 32).copy(pvd, 40);
  both32(totalSectors).copy(pvd, 80);
  both16(1).copy(pvd, 120);
  both16(1).copy(pvd, 124);
  both16(SECTOR).copy(pvd, 128);
  both32(10).copy(pvd, 132);
  pvd.writeUInt32LE(18, 140);
  pvd.writeUInt32BE(19, 148);
  dirRecord(Buffer.from([0]), rootLba, SECTOR, true).copy(pvd, 156);
  pvd[881] = 1;

  const terminator = Buffer.alloc(SECTOR);
  terminator[0] = 255;
  terminator.write('CD001', 1, 'ascii');
  terminator[6] = 1;

  const image = Buffer.alloc(totalSectors * SECTOR);
  pvd.copy(image, 16 * SECTOR);
  terminator.copy(image, 17 * SECTOR);
  pathTable(false).copy(image, 18 * SECTOR);
  pathTable(true).copy(image, 19 * SECTOR);
  root.copy(image, rootLba * SECTOR);
  contents.forEach((c, i) => c.copy(image, extents[i]! * SECTOR));
  return new Uint8Array(image);
}
