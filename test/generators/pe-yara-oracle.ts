// An independent oracle for PE facts: YARA's own pe module (libyara, C), run through libyara-wasm. Each
// fact the PE analyzer reports becomes a YARA condition; a condition that does not match is a disagreement.

import { createRequire } from 'node:module';

interface YaraModule {
  run(data: Uint8Array, rules: string): {
    matchedRules: { size(): number; get(i: number): { ruleName: string } };
    compileErrors: { size(): number; get(i: number): { message: string } };
    delete(): void;
  };
}

let yara: Promise<YaraModule> | undefined;

function load(): Promise<YaraModule> {
  const require = createRequire(import.meta.url);
  yara ??= (require('libyara-wasm') as () => Promise<YaraModule>)();
  return yara;
}

interface PeFactsForOracle {
  type: string;
  timestamp: string;
  sectionCount: number;
  sections: { name: string; rawSize: number }[];
  imports: { imphash?: string };
  exports?: { count: number; names: string[] };
  resources: { count: number };
  signature: string;
  rich: unknown;
  version?: Record<string, string>;
}

/** YARA conditions, by fact, that hold when the analyzer's facts are right. */
export function oracleConditions(pe: PeFactsForOracle): Record<string, string> {
  const checks: Record<string, string> = {};
  if (pe.imports.imphash) checks.imphash = `pe.imphash() == "${pe.imports.imphash}"`;
  checks.sections = `pe.number_of_sections == ${pe.sectionCount}`;
  checks.resources = `pe.number_of_resources == ${pe.resources.count}`;
  checks.dll = pe.type === 'DLL' ? 'pe.is_dll()' : 'not pe.is_dll()';
  const ts = Date.parse(pe.timestamp) / 1000;
  if (!Number.isNaN(ts)) checks.timestamp = `pe.timestamp == ${ts}`;
  for (const name of (pe.exports?.names ?? []).slice(0, 8)) {
    if (!name.startsWith('#') && !name.startsWith('…') && !name.includes('→')) checks[`export ${name}`] = `pe.exports("${name.replace(/["\\]/g, '\\$&')}")`;
  }
  if (pe.exports) checks.exportCount = `pe.number_of_exports == ${pe.exports.count}`;
  pe.sections.slice(0, 16).forEach((s, i) => {
    checks[`section ${i}`] = `pe.sections[${i}].name == "${s.name.replace(/["\\]/g, '\\$&')}" and pe.sections[${i}].raw_data_size == ${s.rawSize}`;
  });
  // Presence of the certificate table (the security directory), which is what the analyzer reports; YARA
  // would only count signatures it can also parse.
  const securityDir = 'pe.data_directories[4]';
  checks.signature =
    pe.signature === 'none'
      ? `${securityDir}.virtual_address == 0 or ${securityDir}.size < 8`
      : `${securityDir}.virtual_address > 0 and ${securityDir}.size >= 8`;
  for (const [k, v] of Object.entries(pe.version ?? {}).slice(0, 8)) {
    if (/^[\x20-\x7e]*$/.test(k + v)) checks[`version ${k}`] = `pe.version_info["${k.replace(/["\\]/g, '\\$&')}"] == "${v.replace(/["\\]/g, '\\$&')}"`;
  }
  checks.rich = typeof pe.rich === 'string' ? 'not defined pe.rich_signature.clear_data' : 'defined pe.rich_signature.clear_data';
  return checks;
}

/** The facts YARA's pe module disagrees with (empty when all agree). */
export async function disagreements(data: Uint8Array, pe: PeFactsForOracle): Promise<string[]> {
  const y = await load();
  const checks = oracleConditions(pe);
  const keys = Object.keys(checks);
  const rules = `import "pe"\n${keys.map((k, i) => `rule c${i} { condition: ${checks[k]} }`).join('\n')}`;
  const result = y.run(data, rules);
  try {
    if (result.compileErrors.size() > 0) return [`oracle rules do not compile: ${result.compileErrors.get(0).message}`];
    const matched = new Set<string>();
    for (let i = 0; i < result.matchedRules.size(); i++) matched.add(result.matchedRules.get(i).ruleName);
    return keys.filter((_, i) => !matched.has(`c${i}`)).map((k) => `${k}: ${checks[k]}`);
  } finally {
    result.delete();
  }
}
