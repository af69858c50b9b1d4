// OneNote-shaped samples for tests: the .one file magic, a file-name property string (UTF-16LE) as OneNote
// stores it, and FileDataStoreObject records (header GUID, length, padding, bytes, footer GUID) that carry
// the embedded files. Enough structure for a carver; not a section OneNote itself would open.

const ONE_MAGIC = Buffer.from('e4525c7b8cd8a74daeb15378d02996d3', 'hex');
const FILE_DATA_HEADER = Buffer.from('e716e3bd65261145a4c48d4d0b7a9eac', 'hex');
const FILE_DATA_FOOTER = Buffer.from('22a7fb71790f0b4abb13899256426b24', 'hex');

export interface EmbeddedFile {
  name: string;
  data: string | Uint8Array;
}

export function makeOneNote(files: EmbeddedFile[]): Uint8Array {
  const parts: Buffer[] = [ONE_MAGIC, Buffer.alloc(1024 - ONE_MAGIC.length)];
  for (const f of files) {
    parts.push(Buffer.from(`${f.name}\0`, 'utf16le'), Buffer.alloc(8));
    const data = typeof f.data === 'string' ? Buffer.from(f.data) : Buffer.from(f.data);
    const header = Buffer.alloc(36);
    FILE_DATA_HEADER.copy(header, 0);
    header.writeBigUInt64LE(BigInt(data.length), 16);
    const pad = Buffer.alloc((8 - (data.length % 8)) % 8);
    parts.push(header, data, pad, FILE_DATA_FOOTER);
  }
  return new Uint8Array(Buffer.concat(parts));
}
