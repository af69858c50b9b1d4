// Reads a Windows shortcut (MS-SHLLINK): what it runs (target and arguments), where, with which icon, and
// the tracker block's machine id (the NetBIOS name of the machine the shortcut was made on, a campaign pivot).
// Every offset is bounds-checked: a hostile shortcut gives fewer facts, never an exception.

export interface Shortcut {
  target?: string;
  arguments?: string;
  workingDir?: string;
  iconLocation?: string;
  name?: string;
  relativePath?: string;
  /** Target from the EnvironmentVariableDataBlock (e.g. %windir%\system32\cmd.exe). */
  environmentTarget?: string;
  machineId?: string;
  /** 1 normal, 3 maximized, 7 minimized without focus. */
  showCommand: number;
  /** Names read from the target ID list when there is no LinkInfo path. */
  idListPath?: string;
  problems: string[];
}

const FLAG = {
  hasIdList: 0x1,
  hasLinkInfo: 0x2,
  hasName: 0x4,
  hasRelativePath: 0x8,
  hasWorkingDir: 0x10,
  hasArguments: 0x20,
  hasIconLocation: 0x40,
  isUnicode: 0x80,
} as const;

const MAX_STRING_CHARS = 32 * 1024;

class Reader {
  constructor(readonly b: Buffer) {}
  u16(at: number): number | undefined {
    return at >= 0 && at + 2 <= this.b.length ? this.b.readUInt16LE(at) : undefined;
  }
  u32(at: number): number | undefined {
    return at >= 0 && at + 4 <= this.b.length ? this.b.readUInt32LE(at) : undefined;
  }
  /** A NUL-terminated string, ANSI (latin1 stands in for the code page) or UTF-16LE, within [at, limit). */
  cstring(at: number, limit: number, unicode: boolean): string | undefined {
    const end = Math.min(limit, this.b.length);
    if (at < 0 || at >= end) return undefined;
    if (!unicode) {
      const nul = this.b.indexOf(0, at);
      return this.b.toString('latin1', at, nul < 0 || nul > end ? end : nul);
    }
    let i = at;
    while (i + 1 < end && (this.b[i] !== 0 || this.b[i + 1] !== 0)) i += 2;
    return this.b.toString('utf16le', at, i);
  }
}

export function parseShortcut(data: Uint8Array): Shortcut {
  const b = Buffer.from(data.buffer, data.byteOffset, data.length);
  const r = new Reader(b);
  const out: Shortcut = { showCommand: 1, problems: [] };
  if (r.u32(0) !== 0x4c) {
    out.problems.push('not a shell link header');
    return out;
  }
  const flags = r.u32(0x14) ?? 0;
  out.showCommand = r.u32(0x3c) ?? 1;
  const unicode = (flags & FLAG.isUnicode) !== 0;
  let at = 0x4c;

  if (flags & FLAG.hasIdList) {
    const size = r.u16(at);
    if (size === undefined) return fail(out, 'ID list runs past the end');
    out.idListPath = idListPath(r, at + 2, at + 2 + size);
    at += 2 + size;
  }
  if (flags & FLAG.hasLinkInfo) {
    const size = r.u32(at);
    if (size === undefined || size < 0x1c) return fail(out, 'LinkInfo runs past the end');
    out.target = linkInfoPath(r, at, at + size);
    at += size;
  }
  const strings: [number, keyof Shortcut][] = [
    [FLAG.hasName, 'name'],
    [FLAG.hasRelativePath, 'relativePath'],
    [FLAG.hasWorkingDir, 'workingDir'],
    [FLAG.hasArguments, 'arguments'],
    [FLAG.hasIconLocation, 'iconLocation'],
  ];
  for (const [flag, key] of strings) {
    if (!(flags & flag)) continue;
    const count = r.u16(at);
    if (count === undefined) return fail(out, `${key} runs past the end`);
    const bytes = unicode ? count * 2 : count;
    if (at + 2 + bytes > b.length) return fail(out, `${key} runs past the end`);
    const value = b.toString(unicode ? 'utf16le' : 'latin1', at + 2, at + 2 + Math.min(bytes, MAX_STRING_CHARS * (unicode ? 2 : 1)));
    (out as unknown as Record<string, string>)[key] = value;
    at += 2 + bytes;
  }
  readExtraData(r, at, out);
  return out;
}

function fail(out: Shortcut, problem: string): Shortcut {
  out.problems.push(problem);
  return out;
}

/** LocalBasePath (+ CommonPathSuffix), preferring the Unicode forms when the header has them. */
function linkInfoPath(r: Reader, start: number, end: number): string | undefined {
  const headerSize = r.u32(start + 4) ?? 0;
  const flags = r.u32(start + 8) ?? 0;
  const field = (offset: number) => r.u32(start + offset) ?? 0;
  let base: string | undefined;
  let suffix: string | undefined;
  if (headerSize >= 0x24) {
    const baseU = field(0x1c);
    const suffixU = field(0x20);
    if (baseU) base = r.cstring(start + baseU, end, true);
    if (suffixU) suffix = r.cstring(start + suffixU, end, true);
  }
  if (base === undefined && flags & 0x1) base = r.cstring(start + field(0x10), end, false);
  if (suffix === undefined) {
    const s = field(0x18);
    if (s) suffix = r.cstring(start + s, end, false);
  }
  if (base === undefined && flags & 0x2) {
    // A network share target: CommonNetworkRelativeLink's NetName.
    const net = start + field(0x14);
    const netNameOffset = r.u32(net + 8);
    if (netNameOffset !== undefined) base = r.cstring(net + netNameOffset, end, false);
    if (base && suffix) return `${base}\\${suffix}`;
  }
  if (!base) return undefined;
  return suffix ? base + suffix : base;
}

/** Drive and file names from the shell item ID list (short 8.3 names: the long ones vary by version). */
function idListPath(r: Reader, start: number, end: number): string | undefined {
  const parts: string[] = [];
  let at = start;
  for (let n = 0; n < 64 && at + 2 <= end; n++) {
    const size = r.u16(at);
    if (!size || at + size > end) break;
    const type = r.b[at + 2]!;
    if (type === 0x2f) parts.push((r.cstring(at + 3, at + size, false) ?? '').replace(/\\$/, ''));
    else if ((type & 0x70) === 0x30) {
      const name = r.cstring(at + 14, at + size, false);
      if (name) parts.push(name);
    }
    at += size;
  }
  return parts.length ? parts.join('\\') : undefined;
}

function readExtraData(r: Reader, start: number, out: Shortcut): void {
  let at = start;
  for (let n = 0; n < 32; n++) {
    const size = r.u32(at);
    if (size === undefined || size < 4) return;
    const signature = r.u32(at + 4);
    if (size < 8 || at + size > r.b.length) return;
    if (signature === 0xa0000001 && size >= 0x314) {
      // EnvironmentVariableDataBlock: TargetAnsi[260] then TargetUnicode[520 bytes].
      out.environmentTarget = r.cstring(at + 0x10c, at + 0x314, true) || r.cstring(at + 8, at + 0x10c, false);
    } else if (signature === 0xa0000003 && size >= 0x60) {
      // TrackerDataBlock: Length, Version, then MachineID (16 bytes, NUL-padded NetBIOS name).
      out.machineId = r.cstring(at + 16, at + 32, false);
    }
    at += size;
  }
}

/** The command the shortcut runs, quoted as Explorer would pass it. */
export function commandLine(s: Shortcut): string | undefined {
  const target = s.target || s.environmentTarget || s.idListPath || s.relativePath;
  if (!target) return s.arguments?.trim() || undefined;
  const quoted = /\s/.test(target) ? `"${target}"` : target;
  return s.arguments ? `${quoted} ${s.arguments}` : quoted;
}
