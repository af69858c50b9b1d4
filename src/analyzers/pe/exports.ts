// The export table: the names rundll32/regsvr32 call (`rundll32 x.dll,Run`), the DLL's own name, forwarders.

import { DIR, type Malformation, type PeHeaders, rvaToOffset } from './headers.ts';
import { type ByteView, hex } from './view.ts';

export interface ExportedFunction {
  name?: string;
  ordinal: number;
  /** "OTHER.Function" when the export forwards to another DLL. */
  forwarder?: string;
}

export interface ExportTable {
  /** The name the DLL was linked under (often differs from the file name a dropper saves it as). */
  dllName?: string;
  functions: ExportedFunction[];
  declared: number;
}

export function parseExports(view: ByteView, h: PeHeaders, maxExports: number): { exports?: ExportTable; malformations: Malformation[] } {
  const malformations: Malformation[] = [];
  const dir = h.directories[DIR.export];
  if (!dir || dir.rva === 0) return { malformations };
  const at = rvaToOffset(h, dir.rva, view.length);
  if (at === undefined || !view.has(at, 40)) {
    malformations.push({ id: 'pe.malformed.truncated', evidence: `export directory at RVA ${hex(dir.rva)} is outside the file` });
    return { malformations };
  }
  const nameRva = view.u32(at + 12)!;
  const base = view.u32(at + 16)!;
  const functionCount = view.u32(at + 20)!;
  const nameCount = view.u32(at + 24)!;
  const functionsAt = rvaToOffset(h, view.u32(at + 28)!, view.length);
  const namesAt = rvaToOffset(h, view.u32(at + 32)!, view.length);
  const ordinalsAt = rvaToOffset(h, view.u32(at + 36)!, view.length);
  const dllNameAt = rvaToOffset(h, nameRva, view.length);
  const table: ExportTable = { dllName: dllNameAt === undefined ? undefined : view.asciiz(dllNameAt, 256), functions: [], declared: functionCount };

  if (functionCount > maxExports || nameCount > maxExports) {
    malformations.push({ id: 'pe.malformed.exports', evidence: `declares ${functionCount} exports and ${nameCount} names; read the first ${maxExports} (peMaxExports)` });
  }
  const names = new Map<number, string>();
  if (namesAt !== undefined && ordinalsAt !== undefined) {
    for (let i = 0; i < Math.min(nameCount, maxExports); i++) {
      const nameRvaI = view.u32(namesAt + i * 4);
      const index = view.u16(ordinalsAt + i * 2);
      if (nameRvaI === undefined || index === undefined) {
        malformations.push({ id: 'pe.malformed.truncated', evidence: `export name ${i} runs past the end of the file` });
        break;
      }
      const nameAt = rvaToOffset(h, nameRvaI, view.length);
      const name = nameAt === undefined ? undefined : view.asciiz(nameAt, 512);
      if (name !== undefined && !names.has(index)) names.set(index, name);
    }
  } else if (nameCount > 0) {
    malformations.push({ id: 'pe.malformed.truncated', evidence: `export name tables of ${nameCount} names are outside the file` });
  }
  if (functionsAt === undefined) {
    if (functionCount > 0) malformations.push({ id: 'pe.malformed.truncated', evidence: 'export address table is outside the file' });
    return { exports: table, malformations };
  }
  for (let i = 0; i < Math.min(functionCount, maxExports); i++) {
    const rva = view.u32(functionsAt + i * 4);
    if (rva === undefined) {
      malformations.push({ id: 'pe.malformed.truncated', evidence: `export address ${i} runs past the end of the file` });
      break;
    }
    if (rva === 0) continue; // a gap in the ordinal range
    const fn: ExportedFunction = { ordinal: base + i, name: names.get(i) };
    if (rva >= dir.rva && rva < dir.rva + dir.size) {
      const fwdAt = rvaToOffset(h, rva, view.length);
      fn.forwarder = fwdAt === undefined ? undefined : view.asciiz(fwdAt, 256);
    }
    table.functions.push(fn);
  }
  return { exports: table, malformations };
}
