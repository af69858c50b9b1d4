// The version resource (VS_VERSIONINFO): CompanyName, ProductName, OriginalFilename… Droppers copy these
// from real software, and OriginalFilename shows a file that was renamed on the way. Each block is
// (length, value length, type, UTF-16 key, padding, value, children); every length is checked.

import type { Resource } from './resources.ts';

const MAX_STRINGS = 64;

interface Block {
  key: string;
  valueAt: number;
  valueBytes: number;
  childrenAt: number;
  end: number;
}

function readBlock(data: Uint8Array, at: number, limit: number, valueInWords: boolean): Block | undefined {
  if (at + 6 > limit) return undefined;
  const length = data[at]! | (data[at + 1]! << 8);
  const valueLength = data[at + 2]! | (data[at + 3]! << 8);
  const type = data[at + 4]! | (data[at + 5]! << 8);
  const end = at + length;
  if (length < 6 || end > limit) return undefined;
  let key = '';
  let p = at + 6;
  for (; p + 1 < end; p += 2) {
    const c = data[p]! | (data[p + 1]! << 8);
    if (c === 0) break;
    if (key.length < 128) key += String.fromCharCode(c);
  }
  p += 2;
  const valueAt = (p + 3) & ~3;
  // String values count UTF-16 characters when the type says text; binary values count bytes.
  const valueBytes = Math.min(valueInWords && type === 1 ? valueLength * 2 : valueLength, Math.max(0, end - valueAt));
  return { key, valueAt, valueBytes, childrenAt: (valueAt + valueBytes + 3) & ~3, end };
}

function children(data: Uint8Array, parent: Block, valueInWords: boolean): Block[] {
  const out: Block[] = [];
  let at = parent.childrenAt;
  while (at < parent.end && out.length < MAX_STRINGS) {
    const b = readBlock(data, at, parent.end, valueInWords);
    if (!b) break;
    out.push(b);
    at = (b.end + 3) & ~3;
  }
  return out;
}

function utf16z(data: Uint8Array, at: number, bytes: number): string {
  let s = '';
  for (let p = at; p + 1 < at + bytes; p += 2) {
    const c = data[p]! | (data[p + 1]! << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s.slice(0, 256);
}

/** The string table of the first VERSION resource: { CompanyName: …, OriginalFilename: … }. */
export function parseVersionInfo(resources: readonly Resource[]): Record<string, string> | undefined {
  const res = resources.find((r) => r.type === 'VERSION' && r.data.length >= 6);
  if (!res) return undefined;
  const data = res.data;
  const root = readBlock(data, 0, data.length, false);
  if (!root || root.key !== 'VS_VERSION_INFO') return undefined;
  const strings: Record<string, string> = {};
  for (const info of children(data, root, false)) {
    if (info.key !== 'StringFileInfo') continue;
    for (const table of children(data, info, true)) {
      for (const s of children(data, table, true)) {
        if (Object.keys(strings).length >= MAX_STRINGS) break;
        if (s.key && !(s.key in strings)) strings[s.key] = utf16z(data, s.valueAt, s.valueBytes);
      }
    }
  }
  return Object.keys(strings).length > 0 ? strings : undefined;
}
