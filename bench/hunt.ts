// Hunting speed: the bundled chain rules over the OTRF recordings (read, recognise, map, match), against
// `grep -c` over the same bytes in the same run. Run: npx tsx bench/hunt.ts [copies]
// `copies` (default 5) repeats the recordings so timings are not lost in start-up noise.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BlobReader, Uint8ArrayWriter, ZipReader, configure } from '@zip.js/zip.js';
import type { LogEvent } from '../src/hunt/event.ts';
import { readLogs } from '../src/hunt/logs/read.ts';
import { RuleSet } from '../src/hunt/sigma/engine.ts';
import { BUNDLED_RULES, loadSigma } from '../src/hunt/sigma/load.ts';

const OTRF = '/work/shared/corpora/telemetry-otrf';
const copies = Number(process.argv[2] ?? 5);
configure({ useWebWorkers: false });

const dir = mkdtempSync(join(tmpdir(), 'tacklebox-bench-'));
try {
  const files: string[] = [];
  for (const name of readdirSync(OTRF).filter((n) => n.endsWith('.zip'))) {
    const reader = new ZipReader(new BlobReader(new Blob([await readFile(join(OTRF, name))])), { password: 'infected' });
    for (const entry of await reader.getEntries()) {
      if (entry.directory || !entry.getData) continue;
      const data = await entry.getData(new Uint8ArrayWriter());
      const file = join(dir, entry.filename);
      writeFileSync(file, data);
      for (let i = 1; i < copies; i++) appendFileSync(file, data);
      files.push(file);
    }
    await reader.close();
  }
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const mb = bytes / 1024 / 1024;

  const { rules } = await loadSigma([BUNDLED_RULES]);
  const set = new RuleSet(rules);

  // 1. The whole hunt path: read, recognise, map to Sigma names, match every rule that applies. Run twice:
  // the first run includes JIT warm-up (what one CLI run costs), the second is the steady rate.
  const huntOnce = async () => {
    const start = performance.now();
    let n = 0;
    let m = 0;
    for await (const e of readLogs(files)) {
      n++;
      m += set.match(e).length;
    }
    return { ms: performance.now() - start, events: n, matches: m };
  };
  const cold = await huntOnce();
  const warm = await huntOnce();
  const { events } = warm;

  // 2. Matching alone, over events already in memory (the rule engine's own cost).
  const kept: LogEvent[] = [];
  for await (const e of readLogs(files)) kept.push(e);
  let t = performance.now();
  let again = 0;
  for (const e of kept) again += set.match(e).length;
  const matchMs = performance.now() - t;

  // 3. The baseline: grep -c over the same bytes (a fixed string, case-insensitive, like a first triage grep).
  const grepRuns = 3;
  let grepMs = Infinity;
  let grepCount = '';
  for (let i = 0; i < grepRuns; i++) {
    t = performance.now();
    const g = spawnSync('grep', ['-c', '-i', '-F', 'powershell', ...files], { encoding: 'utf8' });
    grepMs = Math.min(grepMs, performance.now() - t);
    grepCount = g.stdout.trim().split('\n').map((l) => l.split(':').pop()).join('+');
  }

  const rate = (n: number, ms: number) => (n / (ms / 1000)).toFixed(0);
  console.log(`data: ${files.length} files × ${copies} copies, ${mb.toFixed(1)} MiB, ${events} events, ${rules.length} chain rules`);
  for (const [label, run] of [['first run', cold], ['second run', warm]] as const) {
    console.log(`tacklebox hunt, ${label} (read+map+match): ${run.ms.toFixed(0)} ms  ${rate(run.events, run.ms)} events/s  ${(mb / (run.ms / 1000)).toFixed(1)} MiB/s  (${run.matches} matches)`);
  }
  console.log(`rule matching only (${kept.length} events in memory): ${matchMs.toFixed(0)} ms  ${rate(kept.length, matchMs)} events/s  (${again} matches)`);
  console.log(`grep -c -i -F powershell (best of ${grepRuns}): ${grepMs.toFixed(0)} ms  ${rate(events, grepMs)} lines-equivalent/s  ${(mb / (grepMs / 1000)).toFixed(1)} MiB/s  (counts ${grepCount})`);
  console.log(`ratio: hunt takes ${(cold.ms / grepMs).toFixed(1)}× (first run) / ${(warm.ms / grepMs).toFixed(1)}× (second run) the time of grep -c over the same bytes; rule matching alone ${(matchMs / grepMs).toFixed(2)}×`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
