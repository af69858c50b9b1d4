// Short coverage-guided fuzzing run of every parser (test/fuzz/): a few seconds per target from the
// generator seeds. A crash, an unusable result, an ignored abort, a hang or a dead worker fails the test with
// the minimised input in base64, ready for test/fuzz-regressions.test.ts. Long runs: scripts/fuzz.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzz, type CrashRecord } from './fuzz/fuzzer.ts';
import { TARGETS } from './fuzz/targets.ts';

const SECONDS = 2;
/** Needing the whole budget is reported, not failed: on a loaded CI machine it can be the machine. */
const REPORTED_ONLY = new Set<CrashRecord['kind']>(['slow']);

test('the harness catches a throw, an unusable result, a slow and a late analyzer, a hang and an out-of-memory death', async () => {
  const summary = await fuzz({ target: 'selftest', targetModule: new URL('./fuzz/selftest-target.ts', import.meta.url).href, seconds: 6, budgetMs: 300, hangMs: 1500, heapMb: 64, minimiseMs: 1000 });
  const kinds = new Map(summary.crashes.map((c) => [c.kind, c]));
  assert.deepEqual([...kinds.keys()].sort(), ['crash', 'hang', 'invariant', 'slow', 'timeout', 'worker-died']);
  assert.equal(Buffer.from(kinds.get('crash')!.minimised).toString(), 'BOOM', 'a crash is minimised to what causes it');
  assert.equal(Buffer.from(kinds.get('hang')!.data).toString(), 'HANG', 'the supervisor knows which input hung');
  assert.match(kinds.get('worker-died')!.signature, /out of memory/);
  assert.equal(Buffer.from(kinds.get('worker-died')!.data).toString(), 'HOARD');
  assert.equal(summary.restarts, 2, 'a fresh worker after the hang and after the out-of-memory death');
});

for (const target of TARGETS) {
  test(`fuzz ${target.name}: ${target.ciSeconds ?? SECONDS} s of mutated inputs give results, never crashes or hangs`, async (t) => {
    const summary = await fuzz({ target: target.name, seconds: target.ciSeconds ?? SECONDS, seed: 20261129, budgetMs: 5000, hangMs: 20_000, minimiseMs: 2000 });
    t.diagnostic(`${summary.execs} execs (${summary.execsPerSecond.toFixed(0)}/s), corpus ${summary.seeds} → ${summary.corpus}, blocks ${summary.seedBlocks} → ${summary.blocks}`);
    for (const c of summary.crashes.filter((c) => REPORTED_ONLY.has(c.kind))) t.diagnostic(`${c.kind}: ${c.signature}`);
    const failures = summary.crashes.filter((c) => !REPORTED_ONLY.has(c.kind));
    assert.deepEqual(
      failures.map((c) => `${c.kind}: ${c.signature}\n${c.message}\nminimised input (base64): ${Buffer.from(c.minimised).toString('base64').slice(0, 4000)}`),
      [],
    );
    assert.ok(summary.execs > summary.seeds, 'mutated inputs ran, not only the seeds');
    assert.ok(summary.seedBlocks > 0, 'coverage of src/ is measured');
    assert.ok(summary.blocks >= summary.seedBlocks);
  });
}
