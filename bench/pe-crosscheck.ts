// Real PE files checked against YARA's pe module (libyara's C parser, an independent implementation):
// every fact the PE analyzer reports (imphash, sections, raw sizes, resources, exports, timestamp, DLL
// flag, certificate table, rich header) must agree. Also times the analyzer against the baseline of
// libyara parsing the same file with one pe-module rule, measured in the same run.
// Run: npx tsx bench/pe-crosscheck.ts PATH... (files or folders; e.g. a folder of Windows DLLs)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { peAnalyzer } from '../src/analyzers/pe/index.ts';
import { runAnalyzer } from '../test/generators/pe-run.ts';
import { disagreements } from '../test/generators/pe-yara-oracle.ts';

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: npx tsx bench/pe-crosscheck.ts PATH...  (PE files, or folders searched for .exe/.dll/.sys)');
  process.exit(2);
}
const files: string[] = [];
const walk = (p: string) => {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  else if (/\.(exe|dll|sys|ocx|cpl|scr)$/i.test(p) || paths.includes(p)) files.push(p);
};
paths.forEach(walk);

const require = createRequire(import.meta.url);
const yara = await (require('libyara-wasm') as () => Promise<{ run(d: Uint8Array, r: string): { delete(): void } }>)();
let agree = 0;
let oursMs = 0;
let yaraMs = 0;
let pe = 0;
for (const file of files) {
  const data = new Uint8Array(readFileSync(file));
  if (data[0] !== 0x4d || data[1] !== 0x5a) continue;
  let t = performance.now();
  const r = await runAnalyzer(peAnalyzer, data, file);
  oursMs += performance.now() - t;
  const facts = r.facts?.pe;
  if (!facts) {
    console.log(`not parsed: ${file}: ${JSON.stringify(r.findings)}`);
    continue;
  }
  pe++;
  t = performance.now();
  yara.run(data, 'import "pe"\nrule parsed { condition: pe.number_of_sections > 0 }').delete();
  yaraMs += performance.now() - t;
  const diff = await disagreements(data, facts as never);
  if (diff.length === 0) agree++;
  else console.log(`DISAGREE ${file}: ${diff.join('; ')}`);
}
console.log(`${agree}/${pe} PE files: every fact agrees with YARA's pe module (${files.length} files given)`);
console.log(`cost: PE analyzer ${(oursMs / Math.max(1, pe)).toFixed(2)} ms/file vs libyara pe module ${(yaraMs / Math.max(1, pe)).toFixed(2)} ms/file (one rule, compile included); ratio ${(oursMs / Math.max(1e-9, yaraMs)).toFixed(2)}x`);
