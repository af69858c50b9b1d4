// Hostile input everywhere: each case of test/generators/hostile.ts is analysed in its own process, with its
// wall time and peak memory measured, its working and temporary folders watched, and every process it starts
// recorded. Each must end in a report that names what it hit, within the configured limits, leaving nothing
// behind and starting nothing but the script sandbox.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import type { Report } from '../src/verdict/report.ts';
import { renderReport } from '../src/cli/render.ts';
import { hostileCases, type HostileCase } from './generators/hostile.ts';

const REPO = resolve(import.meta.dirname, '..');
// Tighter than the defaults, so that each cap is reached quickly: 10 nested -enc layers pass 8.
const LIMITS = { submissionTimeMs: 30_000, analyzerTimeMs: 20_000, sandboxTimeMs: 4_000, sandboxMemoryMiB: 192, maxDecodedLayers: 8 };
/** Process start-up (tsx, services) comes on top of the analysis time the engine bounds. */
const STARTUP_GRACE_MS = 15_000;
const PEAK_MEMORY_MIB = 900;

const run = `${process.pid}-${Date.now()}`;
let root: string;
let configPath: string;
let cases: HostileCase[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tb-hostile-'));
  configPath = join(root, 'config.yaml');
  await writeFile(configPath, stringify({ limits: LIMITS }));
});
after(() => rm(root, { recursive: true, force: true }));

interface Outcome {
  report: Report;
  elapsedMs: number;
  maxRssKiB: number;
  spawned: { call: string; command: string; args: string[] }[];
  leftInCwd: string[];
  leftInTmp: string[];
}

async function analyzeIsolated(c: HostileCase, index: number): Promise<Outcome> {
  const box = join(root, `case${index}`);
  const cwd = join(box, 'cwd');
  const tmp = join(box, 'tmp');
  const home = join(box, 'home');
  const { mkdir } = await import('node:fs/promises');
  for (const d of [cwd, tmp, home]) await mkdir(d, { recursive: true });
  const input = join(box, c.file);
  await writeFile(input, c.data);
  const audit = join(box, 'processes.jsonl');
  const stdout = await new Promise<string>((resolvePromise, reject) => {
    execFile(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), '--import', join(REPO, 'test/helpers/process-audit.mjs'), join(REPO, 'test/helpers/hostile-run.ts'), input, configPath],
      {
        cwd,
        env: { ...process.env, TMPDIR: tmp, HOME: home, TACKLEBOX_PROCESS_AUDIT: audit },
        timeout: LIMITS.submissionTimeMs + STARTUP_GRACE_MS + 30_000,
        killSignal: 'SIGKILL',
        maxBuffer: 256 * 1024 * 1024,
      },
      (err, out, errOut) => (err ? reject(new Error(`${c.name}: ${err.message}\n${errOut.slice(-2000)}`)) : resolvePromise(out)),
    );
  });
  const measured = JSON.parse(stdout) as Pick<Outcome, 'report' | 'elapsedMs' | 'maxRssKiB'>;
  const spawned = existsSync(audit) ? (await readFile(audit, 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Outcome['spawned'][number]) : [];
  return { ...measured, spawned, leftInCwd: await readdir(cwd), leftInTmp: await readdir(tmp) };
}

function matched(report: Report, expect: string[]): string[] {
  const said = [...report.limits.map((l) => `limit:${l.limit}`), ...report.findings.map((f) => f.id)];
  return expect.filter((e) => said.some((s) => s.startsWith(e)));
}

/** The only process tacklebox may start: its script sandbox (a shell that sets the memory cap, then node). */
function isSandbox(p: Outcome['spawned'][number]): boolean {
  return p.command === '/bin/sh' && p.args[0] === '-c' && p.args[1]!.startsWith('ulimit') && p.args.some((a) => a.includes('jscript/sandbox'));
}

describe('hostile input', { concurrency: 2 }, async () => {
  cases = await hostileCases(run);
  for (const [index, c] of cases.entries()) {
    test(c.name, async () => {
      const o = await analyzeIsolated(c, index);
      assert.equal(o.report.schema, 'tacklebox.report/1');
      const hits = matched(o.report, c.expect);
      assert.ok(c.expect.length === 0 || hits.length > 0, `${c.name}: expected one of ${c.expect.join(', ')}; got limits [${o.report.limits.map((l) => l.limit).join(', ')}] findings [${o.report.findings.map((f) => f.id).join(', ')}]`);
      assert.ok(o.elapsedMs <= LIMITS.submissionTimeMs + STARTUP_GRACE_MS, `${c.name}: took ${o.elapsedMs} ms`);
      assert.ok(o.maxRssKiB / 1024 <= PEAK_MEMORY_MIB, `${c.name}: peak memory ${Math.round(o.maxRssKiB / 1024)} MiB`);
      assert.deepEqual(o.leftInCwd, [], 'nothing written to the working folder');
      // tsx keeps its compile cache (tsx-UID) in the temporary folder: tacklebox's code, not the sample's.
      assert.deepEqual(o.leftInTmp.filter((f) => !/^tsx-\d+$/.test(f)), [], 'temporary space cleaned up');
      if (c.canary) assert.ok(!existsSync(c.canary), `${c.canary} must not exist`);
      const foreign = o.spawned.filter((p) => !isSandbox(p));
      assert.deepEqual(foreign, [], 'no process but the script sandbox');
      const text = renderReport(o.report, c.file);
      assert.ok(!/[\u001b\u0007]/.test(text), 'no terminal escape reaches the analyst');
    });
  }
});
