// JScript droppers: tacklebox against box-js (the common open tool) on the same real samples, in one run.
// box-js is installed by this script into a temporary folder (never a project dependency) and each of its
// runs gets its own process group, killed afterwards: it leaks a worker process.
//
//   npx tsx bench/jscript.ts [--samples N] [--box-js-timeout S]
//
// Prints, for each tool: samples with at least one URL, and time per sample; then the ratios.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../src/analyze.ts';
import { jscriptAnalyzer } from '../src/analyzers/jscript/index.ts';
import { SandboxPool } from '../src/analyzers/jscript/sandbox/pool.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import { openServices } from '../src/services.ts';
import { buildReport, type Report } from '../src/verdict/report.ts';
import { loadDropperCorpus, type Sample } from '../test/generators/jscript-corpus.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const boxTimeoutS = option('--box-js-timeout', 10);

interface Outcome {
  name: string;
  urls: number;
  ms: number;
}

const samples = (await loadDropperCorpus()).slice(0, option('--samples', Infinity));
const work = mkdtempSync(join(tmpdir(), 'tb-bench-jscript-'));
try {
  const sampleDir = join(work, 'samples');
  mkdirSync(sampleDir);
  for (const s of samples) writeFileSync(join(sampleDir, s.name), s.data);

  // tacklebox: a folder run, with the sandbox pool warmed once as the CLI's run would.
  const config = defaultConfig();
  const opened = await openServices(config);
  const pool = opened.services.sandbox;
  if (pool instanceof SandboxPool) await pool.warm();
  // The whole product (every analyzer, YARA included), then the JScript analyzer alone: box-js's scope.
  const measure = async (analyzeOne: (s: Sample) => Promise<Report>) => {
    const results: Outcome[] = [];
    const started = performance.now();
    for (const s of samples) {
      const t = performance.now();
      const report = await analyzeOne(s);
      results.push({ name: s.name, urls: report.iocs.filter((i) => i.type === 'url').length, ms: performance.now() - t });
    }
    return { results, total: performance.now() - started };
  };
  const full = await measure((s) => analyze({ name: s.name, data: s.data }, config, opened.services));
  const alone = await measure(async (s) =>
    buildReport(await analyzeSubmission({ name: s.name, data: s.data }, { config, analyzers: [jscriptAnalyzer], services: opened.services })),
  );
  await opened.close();

  // box-js, installed for this run only.
  const boxDir = join(work, 'box-js');
  console.error(`installing box-js into ${boxDir} …`);
  const install = spawnSync('npm', ['install', 'box-js', '--prefix', boxDir, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: ['ignore', 2, 2] });
  const runJs = join(boxDir, 'node_modules', 'box-js', 'run.js');
  const theirs: Outcome[] = [];
  let theirsTotal = 0;
  if (install.status !== 0 || !existsSync(runJs)) {
    console.error('box-js could not be installed: only tacklebox is measured');
  } else {
    const outDir = join(work, 'box-out');
    mkdirSync(outDir);
    const theirsStarted = performance.now();
    for (const s of samples) {
      const started = performance.now();
      await runBoxJs(runJs, join(sampleDir, s.name), outDir, boxTimeoutS);
      const ms = performance.now() - started;
      theirs.push({ name: s.name, urls: boxJsUrls(join(outDir, `${s.name}.results`, 'urls.json')), ms });
    }
    theirsTotal = performance.now() - theirsStarted;
  }

  const line = (tool: string, results: Outcome[], total: number) => {
    const withUrl = results.filter((r) => r.urls > 0).length;
    const times = results.map((r) => r.ms).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    console.log(
      `${tool.padEnd(30)} samples with ≥1 URL: ${String(withUrl).padStart(3)}/${results.length} (${pct(withUrl, results.length)})   ` +
        `per sample: mean ${fmt(total / Math.max(1, results.length))} ms, median ${fmt(median)} ms, max ${fmt(times[times.length - 1] ?? 0)} ms`,
    );
    return { withUrl, mean: total / Math.max(1, results.length) };
  };
  console.log(`\nJScript droppers: ${samples.length} samples from js-droppers/dev.zip, one run\n`);
  const a = line('tacklebox (whole analysis)', full.results, full.total);
  const j = line('tacklebox (JScript analyzer)', alone.results, alone.total);
  if (theirs.length) {
    const b = line('box-js', theirs, theirsTotal);
    const ratio = (x: { withUrl: number; mean: number }) =>
      `URLs recovered ${(x.withUrl / Math.max(1, b.withUrl)).toFixed(2)}× box-js, ${(b.mean / Math.max(1e-9, x.mean)).toFixed(1)}× faster per sample`;
    console.log(`\nratios, whole analysis:   ${ratio(a)}`);
    console.log(`ratios, JScript analyzer: ${ratio(j)}`);
    const onlyOurs = full.results.filter((r, i) => r.urls > 0 && theirs[i]!.urls === 0).length;
    const onlyTheirs = full.results.filter((r, i) => r.urls === 0 && theirs[i]!.urls > 0).length;
    console.log(`samples with URLs from tacklebox only: ${onlyOurs}; from box-js only: ${onlyTheirs}`);
  }
  console.log(`(load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** One box-js run in its own process group; the whole group is killed when it ends or times out. */
function runBoxJs(runJs: string, sample: string, outDir: string, timeoutS: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runJs, sample, `--output-dir=${outDir}`, `--timeout=${timeoutS}`], { detached: true, stdio: 'ignore' });
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(killGroup, (timeoutS + 10) * 1000);
    child.on('exit', () => {
      clearTimeout(timer);
      killGroup();
      resolve();
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function boxJsUrls(path: string): number {
  try {
    const urls = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return Array.isArray(urls) ? urls.length : 0;
  } catch {
    return 0;
  }
}

function pct(n: number, d: number): string {
  return `${((100 * n) / Math.max(1, d)).toFixed(0)}%`;
}
function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}
