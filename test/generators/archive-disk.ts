// Disk images for tests: a small FAT12 volume (boot sector, two FATs, root directory, data clusters) with
// files in its root, and that volume wrapped as a fixed VHD (the raw disk followed by a 512-byte footer).

const SECTOR = 512;
const TOTAL_SECTORS = 256;
const ROOT_ENTRIES = 32;
const FAT_SECTORS = 1;
const FIRST_DATA_SECTOR = 1 + 2 * FAT_SECTORS + (ROOT_ENTRIES * 32) / SECTOR;

export interface DiskFile {
  /** 8.3 name, e.g. INVOICE.LNK */
  name: string;
  data: string | Uint8Array;
}

function shortName(name: string): Buffer {
  const [base = '', ext = ''] = name.toUpperCase().split('.');
  return Buffer.from(base.padEnd(8, ' ').slice(0, 8) + ext.padEnd(3, ' ').slice(0, 3), 'ascii');
}

export function makeFat12(files: DiskFile[], label = 'INVOICE'): Uint8Array {
  const image = Buffer.alloc(TOTAL_SECTORS * SECTOR);
  // Boot sector with the BIOS parameter block.
  image.set([0xeb, 0x3c, 0x90], 0);
  image.write('MSWIN4.1', 3, 'ascii');
  image.writeUInt16LE(SECTOR, 11);
  image[13] = 1; // sectors per cluster
  image.writeUInt16LE(1, 14); // reserved sectors
  image[16] = 2; // FATs
  image.writeUInt16LE(ROOT_ENTRIES, 17);
  image.writeUInt16LE(TOTAL_SECTORS, 19);
  image[21] = 0xf8;
  image.writeUInt16LE(FAT_SECTORS, 22);
  image.writeUInt16LE(32, 24); // sectors per track
  image.writeUInt16LE(2, 26); // heads
  image[36] = 0x80;
  image[38] = 0x29;
  image.writeUInt32LE(0x1234abcd, 39);
  image.write(label.padEnd(11, ' ').slice(0, 11), 43, 'ascii');
  image.write('FAT12   ', 54, 'ascii');
  image.writeUInt16LE(0xaa55, 510);

  const fat: number[] = [0xff8, 0xfff];
  let cluster = 2;
  const root = (1 + 2 * FAT_SECTORS) * SECTOR;
  files.forEach((f, i) => {
    const data = typeof f.data === 'string' ? Buffer.from(f.data) : Buffer.from(f.data);
    const clusters = Math.max(1, Math.ceil(data.length / SECTOR));
    const first = cluster;
    for (let c = 0; c < clusters; c++) fat[cluster + c] = c === clusters - 1 ? 0xfff : cluster + c + 1;
    data.copy(image, (FIRST_DATA_SECTOR + first - 2) * SECTOR);
    cluster += clusters;
    const entry = root + i * 32;
    shortName(f.name).copy(image, entry);
    image[entry + 11] = 0x20; // archive
    image.writeUInt16LE(0x4800, entry + 22); // 09:00
    image.writeUInt16LE(0x5a6e, entry + 24); // 2025-03-14
    image.writeUInt16LE(first, entry + 26);
    image.writeUInt32LE(data.length, entry + 28);
  });
  // FAT12 packs two 12-bit entries into three bytes.
  const table = Buffer.alloc(FAT_SECTORS * SECTOR);
  for (let n = 0; n < fat.length; n += 2) {
    const a = fat[n] ?? 0;
    const b = fat[n + 1] ?? 0;
    const at = (n / 2) * 3;
    table[at] = a & 0xff;
    table[at + 1] = ((a >> 8) & 0x0f) | ((b & 0x0f) << 4);
    table[at + 2] = (b >> 4) & 0xff;
  }
  table.copy(image, SECTOR);
  table.copy(image, SECTOR * (1 + FAT_SECTORS));
  return new Uint8Array(image);
}

/** A fixed-size VHD: the disk's bytes, then the 512-byte "conectix" footer with its checksum. */
export function makeVhd(disk: Uint8Array): Uint8Array {
  const footer = Buffer.alloc(512);
  footer.write('conectix', 0, 'ascii');
  footer.writeUInt32BE(2, 8); // features: reserved bit
  footer.writeUInt32BE(0x00010000, 12); // format version 1.0
  footer.writeBigUInt64BE(0xffffffffffffffffn, 16); // data offset: none for fixed disks
  footer.write('tbox', 28, 'ascii'); // creator application
  footer.writeUInt32BE(0x00010000, 32);
  footer.write('Wi2k', 36, 'ascii');
  footer.writeBigUInt64BE(BigInt(disk.length), 40); // original size
  footer.writeBigUInt64BE(BigInt(disk.length), 48); // current size
  footer.writeUInt16BE(Math.ceil(disk.length / 512 / 16 / 63), 56); // cylinders
  footer[58] = 16; // heads
  footer[59] = 63; // sectors per track
  footer.writeUInt32BE(2, 60); // disk type: fixed
  let sum = 0;
  for (const b of footer) sum += b;
  footer.writeUInt32BE(~sum >>> 0, 64);
  return new Uint8Array(Buffer.concat([disk, footer]));
}
