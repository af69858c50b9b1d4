// The resource tree (type → name → language → data). Qakbot hides its configuration here, droppers hide
// whole PE files here; analysts want each entry's type, name, language, size and entropy.

import { DIR, type Malformation, type PeHeaders, rvaToOffset } from './headers.ts';
import { type ByteView, entropy, entropySample, hex, round2 } from './view.ts';

export interface Resource {
  type: string;
  name: string;
  /** True for a string name ("308", "EBBA"), false for a numeric id; Qakbot uses string names. */
  stringName: boolean;
  language: number;
  size: number;
  entropy: number;
  /** The bytes, a view into the file (not a copy). Empty when the entry points outside the file. */
  data: Uint8Array;
}

/** Standard resource type ids (winuser.h). */
const TYPES: Record<number, string> = {
  1: 'CURSOR',
  2: 'BITMAP',
  3: 'ICON',
  4: 'MENU',
  5: 'DIALOG',
  6: 'STRING',
  7: 'FONTDIR',
  8: 'FONT',
  9: 'ACCELERATOR',
  10: 'RCDATA',
  11: 'MESSAGETABLE',
  12: 'GROUP_CURSOR',
  14: 'GROUP_ICON',
  16: 'VERSION',
  17: 'DLGINCLUDE',
  19: 'PLUGPLAY',
  20: 'VXD',
  21: 'ANICURSOR',
  22: 'ANIICON',
  23: 'HTML',
  24: 'MANIFEST',
};

const MAX_ENTRIES_PER_DIRECTORY = 4096;

export function parseResources(view: ByteView, h: PeHeaders, maxResources: number): { resources: Resource[]; malformations: Malformation[] } {
  const malformations: Malformation[] = [];
  const resources: Resource[] = [];
  const dir = h.directories[DIR.resource];
  if (!dir || dir.rva === 0) return { resources, malformations };
  const base = rvaToOffset(h, dir.rva, view.length);
  if (base === undefined) {
    malformations.push({ id: 'pe.malformed.truncated', evidence: `resource directory at RVA ${hex(dir.rva)} is outside the file` });
    return { resources, malformations };
  }
  const visited = new Set<number>();
  let capped = false;
  let truncated = 0;
  let loops = 0;
  // Every entry read costs one unit, directories included, so a tree of many empty or repeated
  // directories is bounded too.
  let budget = maxResources * 16;

  const entryName = (raw: number): string | undefined => {
    if ((raw & 0x80000000) === 0) return String(raw & 0xffff);
    const at = base + (raw & 0x7fffffff);
    const len = view.u16(at);
    return len === undefined ? undefined : view.utf16(at + 2, Math.min(len, 256));
  };

  // Three levels by convention; `path` holds the type and name ids read so far.
  const walk = (offset: number, level: number, path: string[], stringName: boolean): void => {
    if (capped) return;
    const at = base + offset;
    if (visited.has(at)) {
      loops++;
      return;
    }
    visited.add(at);
    const named = view.u16(at + 12);
    const ids = view.u16(at + 14);
    if (named === undefined || ids === undefined) {
      truncated++;
      return;
    }
    const count = Math.min(named + ids, MAX_ENTRIES_PER_DIRECTORY);
    for (let i = 0; i < count; i++) {
      if (--budget < 0) {
        capped = true;
        return;
      }
      const e = at + 16 + i * 8;
      const rawName = view.u32(e);
      const target = view.u32(e + 4);
      if (rawName === undefined || target === undefined) {
        truncated++;
        return;
      }
      const name = entryName(rawName) ?? '?';
      const isDirectory = (target & 0x80000000) !== 0;
      if (isDirectory) {
        if (level >= 2) {
          loops++; // a fourth level does not exist; treat it like a loop back into the tree
          continue;
        }
        walk(target & 0x7fffffff, level + 1, [...path, name], level === 1 ? (rawName & 0x80000000) !== 0 : stringName);
        if (capped) return;
        continue;
      }
      if (resources.length >= maxResources) {
        capped = true;
        return;
      }
      const dataEntry = base + target;
      const dataRva = view.u32(dataEntry);
      const size = view.u32(dataEntry + 4);
      if (dataRva === undefined || size === undefined) {
        truncated++;
        continue;
      }
      const dataAt = rvaToOffset(h, dataRva, view.length);
      const data = dataAt === undefined ? new Uint8Array(0) : view.data.subarray(dataAt, Math.min(view.length, dataAt + size));
      if (data.length < size) truncated++;
      const [typeId = '?', resName = name] = path;
      const typeNum = /^\d+$/.test(typeId) ? Number(typeId) : undefined;
      resources.push({
        type: typeNum !== undefined ? (TYPES[typeNum] ?? typeId) : typeId,
        name: path.length >= 2 ? resName : name,
        stringName: path.length >= 2 ? stringName : (rawName & 0x80000000) !== 0,
        language: path.length >= 2 && /^\d+$/.test(name) ? Number(name) : 0,
        size,
        entropy: 0, // computed below, once the number of resources is known
        data,
      });
    }
  };
  walk(0, 0, [], false);
  const sample = entropySample(resources.length);
  for (const r of resources) r.entropy = round2(entropy(r.data, sample));
  if (capped) malformations.push({ id: 'pe.malformed.resources', evidence: `more than ${maxResources} resources; read the first ${maxResources} (peMaxResources)` });
  if (loops > 0) malformations.push({ id: 'pe.malformed.resources', evidence: `${loops} resource entries point back at a directory already read or nest deeper than three levels` });
  if (truncated > 0) malformations.push({ id: 'pe.malformed.truncated', evidence: `${truncated} resource entries point outside the file` });
  return { resources, malformations };
}
