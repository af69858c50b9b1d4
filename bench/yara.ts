// YARA on real droppers and generated samples. Run: npx tsx bench/yara.ts
// 1. Corpus: which of the 60 real WSH droppers (corpora/js-droppers) and 300 Unit42 encoded PowerShell
//    commands (decoded text, corpora/powershell-encoded) the shipped rules flag.
// 2. Cost, against a baseline measured in the same run: libyara-wasm called in-process the naive way
//    (one module, `run` per file). The service adds a worker hop and worker restarts, and in exchange keeps
//    the main thread's memory flat; the ratio says what that costs.
import { createRequire } from 'node:module';
import { BlobReader, TextWriter, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { loadRuleSet } from '../src/analyzers/yara/ruleset.ts';
import { YaraService } from '../src/analyzers/yara/service.ts';
import { readFileSync } from 'node:fs';

const CORPORA = new URL('../../shared/corpora/', import.meta.url);

async function unzip(path: URL): Promise<{ name: string; data: Uint8Array }[]> {
  const reader = new ZipReader(new BlobReader(new Blob([readFileSync(path)])), { password: 'infected' });
  const out: { name: string; data: Uint8Array }[] = [];
  for (const entry of await reader.getEntries()) {
    if (entry.directory) continue;
    out.push({ name: entry.filename, data: await entry.getData(new Uint8ArrayWriter()) });
  }
  await reader.close();
  return out;
}

async function powershellTexts(): Promise<{ name: string; data: Uint8Array }[]> {
  const reader = new ZipReader(new BlobReader(new Blob([readFileSync(new URL('powershell-encoded/dev.zip', CORPORA))])), { password: 'infected' });
  const out: { name: string; data: Uint8Array }[] = [];
  for (const entry of await reader.getEntries()) {
    if (entry.directory || !entry.filename.endsWith('.jsonl')) continue;
    const text: string = await entry.getData(new TextWriter());
    text.split('\n').filter(Boolean).forEach((line: string, i: number) => {
      const row = JSON.parse(line) as { decoded?: string; family?: string };
      if (row.decoded) out.push({ name: `${row.family ?? 'unknown'}#${i}`, data: new TextEncoder().encode(row.decoded) });
    });
  }
  await reader.close();
  return out;
}

const rules = loadRuleSet();
const service = new YaraService(rules);
await service.open();

for (const [label, samples] of [
  ['js-droppers', await unzip(new URL('js-droppers/dev.zip', CORPORA))],
  ['powershell-encoded (decoded text)', await powershellTexts()],
] as const) {
  const perRule = new Map<string, number>();
  const perFamily = new Map<string, [number, number]>();
  let flagged = 0;
  const t = performance.now();
  for (const s of samples) {
    const matches = await service.scan(s.data);
    if (matches.length > 0) flagged++;
    const family = s.name.includes('#') ? s.name.slice(0, s.name.indexOf('#')) : undefined;
    if (family) {
      const [hit, all] = perFamily.get(family) ?? [0, 0];
      perFamily.set(family, [hit + (matches.length > 0 ? 1 : 0), all + 1]);
    }
    for (const m of matches) perRule.set(m.rule, (perRule.get(m.rule) ?? 0) + 1);
  }
  const ms = performance.now() - t;
  console.log(`${label}: ${flagged}/${samples.length} flagged (${((100 * flagged) / samples.length).toFixed(0)}%) in ${ms.toFixed(0)} ms`);
  for (const [rule, n] of [...perRule].sort((a, b) => b[1] - a[1])) console.log(`  ${rule}: ${n}`);
  if (perFamily.size > 0) {
    console.log(`  by family: ${[...perFamily].sort((a, b) => b[1][1] - a[1][1]).map(([f, [h, n]]) => `${f} ${h}/${n}`).join(', ')}`);
  }
}

// False positives: ordinary JavaScript from the installed packages (browser and Node libraries).
{
  const { readdirSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (files.length >= 400) return;
      const path = join(dir, name);
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) walk(path);
      else if (name.endsWith('.js') && st.size > 2000 && st.size < 2_000_000) files.push(path);
    }
  };
  walk(new URL('../node_modules/', import.meta.url).pathname);
  const hits: string[] = [];
  for (const f of files) {
    const matches = await service.scan(readFileSync(f));
    if (matches.length > 0) hits.push(`${f.replace(/.*node_modules\//, '')}: ${matches.map((m) => m.rule).join(', ')}`);
  }
  console.log(`benign JavaScript (node_modules): ${hits.length}/${files.length} flagged`);
  for (const h of hits) console.log(`  ${h}`);
}

// Cost against the naive in-process baseline, on the same 60 droppers.
const droppers = await unzip(new URL('js-droppers/dev.zip', CORPORA));
const require = createRequire(import.meta.url);
const yara = await (require('libyara-wasm') as () => Promise<{ run(d: string, r: string): { delete(): void }; HEAP8: Int8Array }>)();
const heapBefore = yara.HEAP8.length;
let t = performance.now();
for (const s of droppers) yara.run(Buffer.from(s.data).toString('latin1'), rules.source).delete();
const baseMs = performance.now() - t;
const heapGrowth = yara.HEAP8.length - heapBefore;
const startedBefore = service.started;
t = performance.now();
for (const s of droppers) await service.scan(s.data);
const serviceMs = performance.now() - t;
console.log(
  `cost: service ${(serviceMs / droppers.length).toFixed(1)} ms/file vs in-process baseline ${(baseMs / droppers.length).toFixed(1)} ms/file; ` +
    `ratio ${(serviceMs / baseMs).toFixed(2)}x; baseline wasm heap grew ${(heapGrowth / 2 ** 20).toFixed(0)} MiB over ${droppers.length} files ` +
    `(never returned); the service restarted its worker ${service.started - startedBefore} times and the main thread holds no wasm heap`,
);
await service.close();
