// Packer heuristics: the signs that a PE's real code is compressed or encrypted and unpacked at run time.
// Thresholds and known packer section names are data (rules/pe-packers.yaml).

import { loadRules } from '../../engine/rules.ts';
import { DIR, type PeHeaders, type Section, sectionAt } from './headers.ts';
import type { ImportTable } from './imports.ts';

interface PackerRules {
  sections: Record<string, string>;
  thresholds: { highEntropy: number; minSectionBytes: number; fewImports: number };
}

export interface PackerSigns {
  /** Packers named by their section names. */
  knownPackers: { packer: string; section: string }[];
  highEntropySections: Section[];
  fewImports?: string;
  writableExecutable: Section[];
  entryPointOutsideCode?: string;
  /** The conclusion: code is not readable statically. */
  packed: boolean;
}

const SCN_CODE = 0x20;
const SCN_EXECUTE = 0x20000000;

export function packerSigns(h: PeHeaders, imports: ImportTable): PackerSigns {
  const rules = loadRules<PackerRules>('pe-packers.yaml');
  const t = rules.thresholds;
  const knownPackers = h.sections.flatMap((s) => (rules.sections[s.name] ? [{ packer: rules.sections[s.name]!, section: s.name }] : []));
  const resourceRva = h.directories[DIR.resource]?.rva ?? 0;
  const resourceSection = resourceRva ? sectionAt(h, resourceRva) : undefined;
  // Compressed icons and images make resource sections dense by nature: they are not a packing sign.
  const highEntropySections = h.sections.filter((s) => s !== resourceSection && s.rawSize >= t.minSectionBytes && s.entropy > t.highEntropy);
  const hasCode = h.sections.some((s) => (s.characteristics & (SCN_CODE | SCN_EXECUTE)) !== 0);
  const fewImports =
    hasCode && imports.functionCount < t.fewImports
      ? `${imports.functionCount} imported functions from ${imports.dlls.length} DLLs (${imports.dlls.map((d) => d.dll).join(', ') || 'none'})`
      : undefined;
  const writableExecutable = h.sections.filter((s) => s.access === 'rwx' || s.access === '-wx');
  let entryPointOutsideCode: string | undefined;
  if (h.entryPoint !== 0) {
    const s = sectionAt(h, h.entryPoint);
    if (!s) entryPointOutsideCode = `entry point 0x${h.entryPoint.toString(16)} is in no section`;
    else if ((s.characteristics & SCN_EXECUTE) === 0) entryPointOutsideCode = `entry point is in non-executable section "${s.name}"`;
    else if (s.rawSize === 0) entryPointOutsideCode = `entry point is in section "${s.name}", which has no bytes in the file (filled at run time)`;
  }
  const packed = highEntropySections.length > 0 || knownPackers.length > 0 || (fewImports !== undefined && (writableExecutable.length > 0 || entryPointOutsideCode !== undefined));
  return { knownPackers, highEntropySections, fewImports, writableExecutable, entryPointOutsideCode, packed };
}
