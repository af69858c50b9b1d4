// The Rich header: the linker's record of the compilers and tools that built the file, XOR-masked between
// the DOS stub and the PE header. Analysts compare it across samples of one family; a PE without it was
// built by a non-Microsoft toolchain (or had it stripped).

import type { ByteView } from './view.ts';

export interface RichEntry {
  productId: number;
  build: number;
  count: number;
}

export interface RichHeader {
  key: number;
  entries: RichEntry[];
}

const RICH = 0x68636952; // "Rich"
const DANS = 0x536e6144; // "DanS"

export function parseRichHeader(view: ByteView, peOffset: number): RichHeader | undefined {
  const end = Math.min(peOffset, view.length, 0x1000);
  let richAt = -1;
  for (let at = 0x80; at + 8 <= end; at += 4) {
    if (view.u32(at) === RICH) {
      richAt = at;
      break;
    }
  }
  if (richAt < 0) return undefined;
  const key = view.u32(richAt + 4)!;
  let start = -1;
  for (let at = richAt - 4; at >= 0x40; at -= 4) {
    if ((view.u32(at)! ^ key) >>> 0 === DANS) {
      start = at;
      break;
    }
  }
  if (start < 0) return undefined;
  const entries: RichEntry[] = [];
  // After "DanS" come three zero dwords of padding, then (comp id, count) pairs up to "Rich".
  for (let at = start + 16; at + 8 <= richAt; at += 8) {
    const compId = (view.u32(at)! ^ key) >>> 0;
    const count = (view.u32(at + 4)! ^ key) >>> 0;
    entries.push({ productId: compId >>> 16, build: compId & 0xffff, count });
  }
  return { key, entries };
}
