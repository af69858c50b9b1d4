// Packer heuristics: the signs that a PE's real code is compressed or encrypted and unpacked at run time.
// Thresholds and known packer section names are data (rules/pe-packers.yaml).

import { loadRules } from '../../engine/rules.ts';
import { DIR, isDotNet, type PeHeaders, type Section, sectionAt } from './headers.ts';
import type { ImportTable } from './imports.ts';
import type { Resource } from './resources.ts';

interface PackerRules {
  sections: Record<string, string>;
  thresholds: { highEntropy: number; minSectionBytes: number; fewImports: number; payloadResourceShare: number; minPayloadResourceBytes: number };
  /** Resource types that are compressed by nature (images, icons). */
  denseResourceTypes: string[];
}

export interface PackerSigns {
  /** Packers named by their section names. */
  knownPackers: { packer: string; section: string }[];
  highEntropySections: Section[];
  /** Dense resources that make up much of the file: an encrypted payload the stub unpacks. */
  payloadResources: Resource[];
  fewImports?: string;
  writableExecutable: Section[];
  entryPointOutsideCode?: string;
  /** The conclusion: code is not readable statically. */
  packed: boolean;
}

const SCN_CODE = 0x20;
const SCN_EXECUTE = 0x20000000;

export function packerSigns(h: PeHeaders, imports: ImportTable, resources: readonly Resource[], fileSize: number): PackerSigns {
  const rules = loadRules<PackerRules>('pe-packers.yaml');
  const t = rules.thresholds;
  const knownPackers = h.sections.flatMap((s) => (rules.sections[s.name] ? [{ packer: rules.sections[s.name]!, section: s.name }] : []));
  const resourceRva = h.directories[DIR.resource]?.rva ?? 0;
  const resourceSection = resourceRva ? sectionAt(h, resourceRva) : undefined;
  // Compressed icons and images make resource sections dense by nature: they are not a packing sign.
  const highEntropySections = h.sections.filter((s) => s !== resourceSection && s.rawSize >= t.minSectionBytes && s.entropy > t.highEntropy);
  const payloadResources = resources.filter(
    (r) =>
      r.entropy > t.highEntropy &&
      r.size >= t.minPayloadResourceBytes &&
      r.size >= fileSize * t.payloadResourceShare &&
      !rules.denseResourceTypes.includes(r.type) &&
      !startsWithImage(r.data),
  );
  const hasCode = h.sections.some((s) => (s.characteristics & (SCN_CODE | SCN_EXECUTE)) !== 0);
  const fewImports =
    hasCode && !isDotNet(h) && imports.functionCount < t.fewImports
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
  const packed = highEntropySections.length > 0 || payloadResources.length > 0 || knownPackers.length > 0 || (fewImports !== undefined && (writableExecutable.length > 0 || entryPointOutsideCode !== undefined));
  return { knownPackers, highEntropySections, payloadResources, fewImports, writableExecutable, entryPointOutsideCode, packed };
}

/** PNG, JPEG, GIF, BMP and ZIP-based (e.g. embedded Office) data are dense without being a packed payload. */
function startsWithImage(data: Uint8Array): boolean {
  const b = (i: number) => data[i] ?? -1;
  return (
    (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) ||
    (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) ||
    (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46) ||
    (b(0) === 0x42 && b(1) === 0x4d)
  );
}
