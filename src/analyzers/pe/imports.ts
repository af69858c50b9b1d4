// The import table (which DLL functions the file calls) and its imphash, the import fingerprint that
// VirusTotal, YARA (pe.imphash()) and pefile compute the same way, so analysts can pivot on it.

import { createHash } from 'node:crypto';
import { loadRules } from '../../engine/rules.ts';
import { DIR, type Malformation, type PeHeaders, rvaToOffset } from './headers.ts';
import { type ByteView, hex } from './view.ts';

export interface ImportedDll {
  dll: string;
  /** Function names; ordinal-only imports as "ord123". */
  functions: string[];
}

export interface ImportTable {
  dlls: ImportedDll[];
  functionCount: number;
  imphash?: string;
}

interface OrdinalFile {
  same_as: Record<string, string>;
  ordinals: Record<string, Record<string, string>>;
}

const MAX_DLLS = 512;

export function parseImports(view: ByteView, h: PeHeaders, maxFunctions: number): { imports: ImportTable; malformations: Malformation[] } {
  const malformations: Malformation[] = [];
  const imports: ImportTable = { dlls: [], functionCount: 0 };
  const dir = h.directories[DIR.import];
  if (!dir || dir.rva === 0) return { imports, malformations };
  const start = rvaToOffset(h, dir.rva, view.length);
  if (start === undefined) {
    malformations.push({ id: 'pe.malformed.truncated', evidence: `import directory at RVA ${hex(dir.rva)} is outside the file` });
    return { imports, malformations };
  }
  const thunkSize = h.is64 ? 8 : 4;
  let capped = false;
  for (let i = 0; i < MAX_DLLS; i++) {
    const at = start + i * 20;
    const lookupRva = view.u32(at);
    const nameRva = view.u32(at + 12);
    const firstThunk = view.u32(at + 16);
    if (lookupRva === undefined || nameRva === undefined || firstThunk === undefined) {
      malformations.push({ id: 'pe.malformed.truncated', evidence: `import descriptor ${i} runs past the end of the file` });
      break;
    }
    if (lookupRva === 0 && nameRva === 0 && firstThunk === 0) break;
    const nameAt = rvaToOffset(h, nameRva, view.length);
    const dll = nameAt === undefined ? undefined : view.asciiz(nameAt, 256);
    if (!dll) {
      malformations.push({ id: 'pe.malformed.truncated', evidence: `import descriptor ${i} names a DLL at RVA ${hex(nameRva)} outside the file` });
      continue;
    }
    const functions: string[] = [];
    const thunkAt = rvaToOffset(h, lookupRva || firstThunk, view.length);
    for (let t = 0; thunkAt !== undefined; t++) {
      if (imports.functionCount >= maxFunctions) {
        capped = true;
        break;
      }
      const entryAt = thunkAt + t * thunkSize;
      const lo = view.u32(entryAt);
      const hi = h.is64 ? view.u32(entryAt + 4) : 0;
      if (lo === undefined || hi === undefined) {
        malformations.push({ id: 'pe.malformed.truncated', evidence: `imports of ${dll} run past the end of the file` });
        break;
      }
      if (lo === 0 && hi === 0) break;
      const byOrdinal = h.is64 ? (hi & 0x80000000) !== 0 : (lo & 0x80000000) !== 0;
      if (byOrdinal) {
        functions.push(`ord${lo & 0xffff}`);
      } else {
        const hintAt = rvaToOffset(h, lo & 0x7fffffff, view.length);
        const name = hintAt === undefined ? undefined : view.asciiz(hintAt + 2, 512);
        if (name === undefined) {
          malformations.push({ id: 'pe.malformed.truncated', evidence: `import ${t} of ${dll} points outside the file (${hex(lo)})` });
          break;
        }
        functions.push(name);
      }
      imports.functionCount++;
    }
    imports.dlls.push({ dll, functions });
    if (capped) break;
  }
  if (capped) malformations.push({ id: 'pe.malformed.imports', evidence: `more than ${maxFunctions} imported functions; read the first ${maxFunctions} (peMaxImports)` });
  if (imports.dlls.length > 0) imports.imphash = imphash(imports.dlls);
  return { imports, malformations };
}

/**
 * pefile's algorithm: "dll.function" pairs, lower case, DLL extension dropped when it is dll/ocx/sys,
 * ordinals named from the frozen tables for ws2_32/wsock32/oleaut32, joined by commas, MD5.
 */
export function imphash(dlls: ImportedDll[]): string | undefined {
  const table = loadRules<OrdinalFile>('pe-ordinals.yaml');
  const parts: string[] = [];
  for (const { dll, functions } of dlls) {
    const lower = dll.toLowerCase();
    const dot = lower.lastIndexOf('.');
    const lib = dot > 0 && ['dll', 'ocx', 'sys'].includes(lower.slice(dot + 1)) ? lower.slice(0, dot) : lower;
    const ordinals = table.ordinals[table.same_as[lower] ?? lower];
    for (const fn of functions) {
      const ord = /^ord(\d+)$/.exec(fn);
      const name = ord && ordinals ? (ordinals[ord[1]!] ?? fn) : fn;
      parts.push(`${lib}.${name.toLowerCase()}`);
    }
  }
  if (parts.length === 0) return undefined;
  return createHash('md5').update(parts.join(',')).digest('hex');
}
