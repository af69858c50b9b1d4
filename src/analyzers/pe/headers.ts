// The PE headers an analyst reads first: machine, timestamp, subsystem, DLL flag, data directories and
// the section table. Everything is checked against the file's real size; what does not fit is a
// malformation (a finding), and parsing goes on with what could be read.

import { ByteView, entropy, entropySample, hex, round2 } from './view.ts';

export interface Malformation {
  /** A finding id from the PE catalogue. */
  id: string;
  evidence: string;
}

export interface Section {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  rawOffset: number;
  rawSize: number;
  characteristics: number;
  /** r, w, x as the loader maps it. */
  access: string;
  /** Over the bytes present in the file. */
  entropy: number;
}

export interface DataDirectory {
  rva: number;
  size: number;
}

export interface PeHeaders {
  peOffset: number;
  machine: string;
  timestamp: number;
  characteristics: number;
  isDll: boolean;
  is64: boolean;
  entryPoint: number;
  imageBase: number;
  subsystem: string;
  fileAlignment: number;
  sizeOfHeaders: number;
  declaredSections: number;
  directories: DataDirectory[];
  sections: Section[];
}

const MACHINES: Record<number, string> = {
  0x14c: 'x86',
  0x8664: 'x64',
  0x1c0: 'ARM',
  0x1c4: 'ARMv7 (Thumb-2)',
  0xaa64: 'ARM64',
  0x200: 'IA-64',
};

const SUBSYSTEMS: Record<number, string> = {
  1: 'native',
  2: 'Windows GUI',
  3: 'Windows console',
  7: 'POSIX console',
  9: 'Windows CE',
  10: 'EFI application',
  11: 'EFI boot driver',
  12: 'EFI runtime driver',
  14: 'Xbox',
  16: 'Windows boot application',
};

export const DIR = { export: 0, import: 1, resource: 2, security: 4, clr: 14 } as const;

/** A .NET assembly: its code is IL, and it imports only mscoree.dll by design. */
export function isDotNet(h: PeHeaders): boolean {
  const clr = h.directories[DIR.clr];
  return clr !== undefined && clr.rva !== 0 && clr.size !== 0;
}

const IMAGE_FILE_DLL = 0x2000;
const SCN_EXECUTE = 0x20000000;
const SCN_READ = 0x40000000;
const SCN_WRITE = 0x80000000;

export function parseHeaders(view: ByteView, maxSections: number): { headers?: PeHeaders; malformations: Malformation[] } {
  const malformations: Malformation[] = [];
  const bad = (id: string, evidence: string) => {
    malformations.push({ id, evidence });
    return { malformations };
  };

  if (view.u16(0) !== 0x5a4d) return bad('pe.malformed.header', 'no MZ signature');
  const peOffset = view.u32(0x3c);
  if (peOffset === undefined) return bad('pe.malformed.header', `file of ${view.length} bytes ends inside the DOS header`);
  if (peOffset < 0x40 || !view.has(peOffset, 24) || view.u32(peOffset) !== 0x00004550) {
    return bad('pe.malformed.header', `e_lfanew ${hex(peOffset)} does not point at a "PE\\0\\0" signature inside the ${view.length}-byte file`);
  }

  const coff = peOffset + 4;
  const machineId = view.u16(coff)!;
  const declaredSections = view.u16(coff + 2)!;
  const timestamp = view.u32(coff + 4)!;
  const optionalSize = view.u16(coff + 16)!;
  const characteristics = view.u16(coff + 18)!;
  const opt = coff + 20;

  const magic = view.u16(opt);
  if (magic !== 0x10b && magic !== 0x20b) {
    return bad('pe.malformed.header', `optional header magic ${magic === undefined ? 'missing' : hex(magic, 4)} is neither PE32 nor PE32+`);
  }
  const is64 = magic === 0x20b;
  const entryPoint = view.u32(opt + 16) ?? 0;
  const imageBase = (is64 ? view.u64(opt + 24) : view.u32(opt + 28)) ?? 0;
  const fileAlignment = view.u32(opt + 36) ?? 0;
  const sizeOfHeaders = view.u32(opt + 60) ?? 0;
  const subsystemId = view.u16(opt + 68) ?? 0;
  const rvaCountAt = opt + (is64 ? 108 : 92);
  const declaredDirs = view.u32(rvaCountAt) ?? 0;
  if (declaredDirs > 16) malformations.push({ id: 'pe.malformed.header', evidence: `declares ${declaredDirs} data directories (at most 16 exist); read 16` });
  const directories: DataDirectory[] = [];
  for (let i = 0; i < Math.min(declaredDirs, 16); i++) {
    const at = rvaCountAt + 4 + i * 8;
    const rva = view.u32(at);
    const size = view.u32(at + 4);
    if (rva === undefined || size === undefined) {
      malformations.push({ id: 'pe.malformed.truncated', evidence: `the file ends inside data directory ${i}` });
      break;
    }
    directories.push({ rva, size });
  }

  const sectionTable = opt + optionalSize;
  let readable = Math.min(declaredSections, maxSections);
  if (declaredSections > maxSections) {
    malformations.push({ id: 'pe.malformed.sections', evidence: `declares ${declaredSections} sections; read the first ${maxSections} (peMaxSections)` });
  }
  const fitting = Math.max(0, Math.floor((view.length - sectionTable) / 40));
  if (readable > fitting) {
    malformations.push({ id: 'pe.malformed.truncated', evidence: `section table of ${readable} entries at ${hex(sectionTable)} runs past the end of the file; ${fitting} entries present` });
    readable = fitting;
  }
  const sections: Section[] = [];
  const sample = entropySample(readable);
  for (let i = 0; i < readable; i++) {
    const at = sectionTable + i * 40;
    const rawName = view.bytes(at, 8)!;
    let name = '';
    for (const c of rawName) {
      if (c === 0) break;
      name += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
    }
    const virtualSize = view.u32(at + 8)!;
    const virtualAddress = view.u32(at + 12)!;
    const rawSize = view.u32(at + 16)!;
    const rawOffset = view.u32(at + 20)!;
    const flags = view.u32(at + 36)!;
    const present = rawOffset < view.length ? view.data.subarray(rawOffset, Math.min(view.length, rawOffset + rawSize)) : new Uint8Array(0);
    if (rawSize > 0 && present.length < rawSize) {
      malformations.push({ id: 'pe.malformed.truncated', evidence: `section "${name}" claims ${rawSize} bytes at ${hex(rawOffset)}; ${present.length} are in the file` });
    }
    const access = `${flags & SCN_READ ? 'r' : '-'}${flags & SCN_WRITE ? 'w' : '-'}${flags & SCN_EXECUTE ? 'x' : '-'}`;
    sections.push({ name, virtualAddress, virtualSize, rawOffset, rawSize, characteristics: flags, access, entropy: round2(entropy(present, sample)) });
  }

  return {
    headers: {
      peOffset,
      machine: MACHINES[machineId] ?? `unknown (${hex(machineId, 4)})`,
      timestamp,
      characteristics,
      isDll: (characteristics & IMAGE_FILE_DLL) !== 0,
      is64,
      entryPoint,
      imageBase,
      subsystem: SUBSYSTEMS[subsystemId] ?? `unknown (${subsystemId})`,
      fileAlignment,
      sizeOfHeaders,
      declaredSections,
      directories,
      sections,
    },
    malformations,
  };
}

/** Where an RVA lives in the file, as the loader maps sections; undefined when it is not backed by file bytes. */
export function rvaToOffset(h: PeHeaders, rva: number, fileLength: number): number | undefined {
  if (rva < h.sizeOfHeaders && rva < fileLength) return rva;
  for (const s of h.sections) {
    // The loader rounds the raw offset down to 512 bytes whatever FileAlignment says (pefile does the same).
    const raw = s.rawOffset & ~0x1ff;
    const span = Math.max(s.virtualSize, s.rawSize);
    if (rva >= s.virtualAddress && rva < s.virtualAddress + span) {
      const delta = rva - s.virtualAddress;
      if (delta >= s.rawSize) return undefined; // in the zero-filled tail: not in the file
      const offset = raw + delta;
      return offset < fileLength ? offset : undefined;
    }
  }
  return undefined;
}

/** The section an RVA falls in. */
export function sectionAt(h: PeHeaders, rva: number): Section | undefined {
  return h.sections.find((s) => rva >= s.virtualAddress && rva < s.virtualAddress + Math.max(s.virtualSize, s.rawSize));
}

export function describeTimestamp(ts: number): string {
  if (ts === 0) return '0 (cleared)';
  return new Date(ts * 1000).toISOString().replace('.000Z', 'Z');
}
