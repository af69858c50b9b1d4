// Long coverage-guided fuzzing run of one parser (or all): `npx tsx scripts/fuzz.ts TARGET [--seconds N]
// [--seed N] [--budget-ms N] [--hang-ms N]`, TARGET one of the names in test/fuzz/targets.ts or `all`.
// Prints executions/s, corpus growth and blocks of src/ covered; every crash, hang or worker death is
// written to fuzz-crashes/TARGET-<hash>.{bin,min.bin,txt} (gitignored) for a regression test.

import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzz, type CrashRecord, type FuzzSummary } from '../test/fuzz/fuzzer.ts';
import { TARGETS } from '../test/fuzz/targets.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    'budget-ms': { type: 'string', default: '2000' },
    'hang-ms': { type: 'string', default: '10000' },
    out: { type: 'string', default: 'fuzz-crashes' },
  },
});

const name = positionals[0];
if (!name) {
  console.error(`usage: npx tsx scripts/fuzz.ts TARGET|all [--seconds N] [--seed N]\ntargets: ${TARGETS.map((t) => t.name).join(', ')}`);
  process.exit(2);
}
const names = name === 'all' ? TARGETS.map((t) => t.name) : [name];
const outDir = resolve(values.out!);
const seconds = Number(values.seconds);
const seed = Number(values.seed);

async function save(c: CrashRecord): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const id = `${c.signature.split(':')[0]}-${createHash('sha256').update(c.signature).update(c.data).digest('hex').slice(0, 10)}`;
  await writeFile(join(outDir, `${id}.bin`), c.data);
  await writeFile(join(outDir, `${id}.min.bin`), c.minimised);
  await writeFile(join(outDir, `${id}.txt`), `${c.kind}\n${c.signature}\n\n${c.message}\n\nminimised (base64, ${c.minimised.length} bytes):\n${Buffer.from(c.minimised).toString('base64')}\n`);
  return join(outDir, `${id}.txt`);
}

const summaries: FuzzSummary[] = [];
for (const target of names) {
  console.log(`== ${target}: ${seconds} s, seed ${seed}`);
  const summary = await fuzz({
    target,
    seconds,
    seed,
    budgetMs: Number(values['budget-ms']),
    hangMs: Number(values['hang-ms']),
    onStats: (s) => process.stdout.write(`\r${target}: ${s.execs} execs, ${s.execsPerSecond.toFixed(0)}/s, corpus ${s.corpus}, blocks ${s.blocks} (seeds ${s.seedBlocks})   `),
    onCrash: (c) => void save(c).then((file) => console.log(`\n${c.kind}: ${c.signature}\n  → ${file}`)),
  });
  console.log(`\n${target}: done`);
  summaries.push(summary);
}

console.log('\ntarget       execs   execs/s  corpus (seeds)  blocks (seeds)  crashes  restarts');
for (const s of summaries) {
  console.log(
    `${s.target.padEnd(11)} ${String(s.execs).padStart(7)} ${s.execsPerSecond.toFixed(0).padStart(8)}  ${`${s.corpus} (${s.seeds})`.padStart(14)}  ${`${s.blocks} (${s.seedBlocks})`.padStart(14)}  ${String(s.crashes.length).padStart(7)}  ${String(s.restarts).padStart(8)}`,
  );
}
for (const s of summaries) for (const c of s.crashes) console.log(`${c.kind}: ${c.signature} (${c.data.length} bytes, minimised ${c.minimised.length})`);
process.exit(summaries.some((s) => s.crashes.length > 0) ? 1 : 0);
