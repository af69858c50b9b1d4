// Microsoft Cabinet (.cab) files for tests, laid out per MS-CAB: header, one folder of uncompressed data
// blocks (typeCompress 0, checksum 0 = not checked), one CFFILE entry per member.

export interface CabFile {
  name: string;
  data: string | Uint8Array;
}

const BLOCK = 32 * 1024;

export function makeCab(files: CabFile[]): Uint8Array {
  const contents = files.map((f) => (typeof f.data === 'string' ? Buffer.from(f.data) : Buffer.from(f.data)));
  const folderData = Buffer.concat(contents);
  const entries: Buffer[] = [];
  let offsetInFolder = 0;
  files.forEach((f, i) => {
    const fixed = Buffer.alloc(16);
    fixed.writeUInt32LE(contents[i]!.length, 0);
    fixed.writeUInt32LE(offsetInFolder, 4);
    fixed.writeUInt16LE(0, 8); // folder 0
    fixed.writeUInt16LE(0x5a6e, 10); // 2025-03-14
    fixed.writeUInt16LE(0x4800, 12); // 09:00
    fixed.writeUInt16LE(0x20, 14); // archive attribute
    entries.push(fixed, Buffer.from(`${f.name.replace(/\//g, '\\')}\0`, 'latin1'));
    offsetInFolder += contents[i]!.length;
  });
  const blocks: Buffer[] = [];
  for (let at = 0; at < folderData.length || blocks.length === 0; at += BLOCK) {
    const chunk = folderData.subarray(at, at + BLOCK);
    const head = Buffer.alloc(8);
    head.writeUInt16LE(chunk.length, 4);
    head.writeUInt16LE(chunk.length, 6);
    blocks.push(head, chunk);
    if (chunk.length < BLOCK) break;
  }
  const fileTable = Buffer.concat(entries);
  const headerSize = 36;
  const folderSize = 8;
  const dataStart = headerSize + folderSize + fileTable.length;
  const dataBytes = Buffer.concat(blocks);
  const header = Buffer.alloc(headerSize);
  header.write('MSCF', 0, 'latin1');
  header.writeUInt32LE(dataStart + dataBytes.length, 8);
  header.writeUInt32LE(headerSize + folderSize, 16);
  header[24] = 3;
  header[25] = 1;
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(files.length, 28);
  const folder = Buffer.alloc(folderSize);
  folder.writeUInt32LE(dataStart, 0);
  folder.writeUInt16LE(blocks.length / 2, 4);
  folder.writeUInt16LE(0, 6);
  return new Uint8Array(Buffer.concat([header, folder, fileTable, dataBytes]));
}
