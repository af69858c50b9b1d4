// Windows shortcuts (.lnk, MS-SHLLINK) for tests, written field by field: a header, an optional LinkInfo
// with the target path, the Unicode string data, and the environment and tracker extra blocks.

export interface ShortcutSpec {
  /** Local target path (LinkInfo LocalBasePath). */
  target?: string;
  arguments?: string;
  workingDir?: string;
  iconLocation?: string;
  name?: string;
  /** EnvironmentVariableDataBlock target, e.g. %windir%\system32\cmd.exe. */
  environmentTarget?: string;
  /** TrackerDataBlock machine id (NetBIOS name, up to 15 characters). */
  machineId?: string;
  showCommand?: number;
}

const LINK_CLSID = Buffer.from('0114020000000000c000000000000046', 'hex');

function stringData(value: string): Buffer {
  const count = Buffer.alloc(2);
  count.writeUInt16LE(value.length);
  return Buffer.concat([count, Buffer.from(value, 'utf16le')]);
}

function linkInfo(path: string): Buffer {
  const headerSize = 0x1c;
  const volume = Buffer.alloc(0x14); // VolumeID: size, drive type (3 = fixed), serial, label offset, empty label
  volume.writeUInt32LE(0x14, 0);
  volume.writeUInt32LE(3, 4);
  volume.writeUInt32LE(0x1234abcd, 8);
  volume.writeUInt32LE(0x10, 12);
  const base = Buffer.from(`${path}\0`, 'latin1');
  const suffix = Buffer.from('\0', 'latin1');
  const volumeAt = headerSize;
  const baseAt = volumeAt + volume.length;
  const suffixAt = baseAt + base.length;
  const size = suffixAt + suffix.length;
  const header = Buffer.alloc(headerSize);
  header.writeUInt32LE(size, 0);
  header.writeUInt32LE(headerSize, 4);
  header.writeUInt32LE(0x1, 8); // VolumeIDAndLocalBasePath
  header.writeUInt32LE(volumeAt, 12);
  header.writeUInt32LE(baseAt, 16);
  header.writeUInt32LE(0, 20);
  header.writeUInt32LE(suffixAt, 24);
  return Buffer.concat([header, volume, base, suffix]);
}

function environmentBlock(target: string): Buffer {
  const block = Buffer.alloc(0x314);
  block.writeUInt32LE(0x314, 0);
  block.writeUInt32LE(0xa0000001, 4);
  block.write(target.slice(0, 259), 8, 'latin1');
  block.write(target.slice(0, 259), 0x10c, 'utf16le');
  return block;
}

function trackerBlock(machineId: string): Buffer {
  const block = Buffer.alloc(0x60);
  block.writeUInt32LE(0x60, 0);
  block.writeUInt32LE(0xa0000003, 4);
  block.writeUInt32LE(0x58, 8);
  block.writeUInt32LE(0, 12);
  block.write(machineId.slice(0, 15), 16, 'latin1');
  return block;
}

export function makeShortcut(spec: ShortcutSpec): Uint8Array {
  let flags = 0x80; // IsUnicode
  const parts: Buffer[] = [];
  if (spec.target) {
    flags |= 0x2;
    parts.push(linkInfo(spec.target));
  }
  const strings: [number, string | undefined][] = [
    [0x4, spec.name],
    [0x10, spec.workingDir],
    [0x20, spec.arguments],
    [0x40, spec.iconLocation],
  ];
  for (const [flag, value] of strings) {
    if (value === undefined) continue;
    flags |= flag;
    parts.push(stringData(value));
  }
  if (spec.environmentTarget) {
    flags |= 0x200;
    parts.push(environmentBlock(spec.environmentTarget));
  }
  if (spec.machineId) parts.push(trackerBlock(spec.machineId));
  parts.push(Buffer.alloc(4)); // TerminalBlock
  const header = Buffer.alloc(0x4c);
  header.writeUInt32LE(0x4c, 0);
  LINK_CLSID.copy(header, 4);
  header.writeUInt32LE(flags, 0x14);
  header.writeUInt32LE(0x20, 0x18); // FILE_ATTRIBUTE_ARCHIVE
  header.writeUInt32LE(spec.showCommand ?? 1, 0x3c);
  return new Uint8Array(Buffer.concat([header, ...parts]));
}
