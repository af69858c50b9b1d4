// Scale-out throughput on this machine: reports analysed per second by 1 and by 2 `tacklebox worker`
// processes (one analysis process each) sharing a throwaway PostgreSQL store and Redis queue, and the ratio.
// Baseline: the 1-worker run, measured in the same run. Each run gets a fresh database and queue; the same
// workers start and analyse a few warm-up reports each; then N small unique reports are queued with the queue
// paused, the queue is resumed and the clock runs until the store says every report is done (steady state:
// worker start-up is not counted). The machine is shared: run it twice before believing a ratio.
// Run: npx tsx bench/scale.ts [N]   (default 300 reports)

import { availableParallelism } from 'node:os';
import { Queue } from 'bullmq';
import pg from 'pg';
import { redisConnection } from '../src/service/queue/bullmq-connection.ts';
import { REPORT_QUEUE } from '../src/service/queue/bullmq.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { startRedis } from '../test/helpers/redis.ts';
import { spawnWorker, type WorkerProcess } from '../test/helpers/redis-workers.ts';
import { rfc822, startTestService, submitEmail } from '../test/helpers/service.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const N = Number(process.argv[2] ?? 300);

interface Run {
  workers: number;
  seconds: number;
  perSecond: number;
}

async function run(workerCount: number): Promise<Run> {
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
  const submitBatch = async (token: string, from: number, count: number) => {
    for (let i = from; i < from + count; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, from + count - i) }, (_, j) =>
          submitEmail(svc.url, token, rfc822({ subject: `Bench ${i + j}`, messageId: `<bench-${i + j}@x.example>`, text: `Your parcel ${i + j}: https://parcel-track.example/p/${i + j}` })),
        ),
      );
    }
  };
  try {
    const token = await svc.addUser('bench', 'analyst');
    workers.push(
      ...(await Promise.all(
        Array.from({ length: workerCount }, () => spawnWorker(['worker', '--queue', redis.url, '--store', storeUrl, '--data', dataDir, '--workers', '1', '--hunt-shards', '0'])),
      )),
    );
    // Warm-up: a few reports per worker, so that every analysis process has loaded its analyzers.
    const warm = 4 * workerCount;
    await submitBatch(token, 0, warm);
    while ((await doneCount()) < warm) await new Promise((r) => setTimeout(r, 100));
    // The measured reports wait in the paused queue, then all are released at once.
    await queue.pause();
    await submitBatch(token, warm, N);
    const started = performance.now();
    await queue.resume();
    while ((await doneCount()) < warm + N) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await db.query("SELECT count(*)::int AS n FROM reports WHERE status = 'done'");
    if (rows[0].n !== warm + N) throw new Error(`${warm + N - rows[0].n} reports failed`);
    return { workers: workerCount, seconds, perSecond: N / seconds };
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

const results: Run[] = [];
for (const w of [1, 2]) {
  const r = await run(w);
  results.push(r);
  process.stdout.write(`${w} worker${w > 1 ? 's' : ' '}: ${N} reports in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(1)} reports/s\n`);
}
const [one, two] = results as [Run, Run];
process.stdout.write(`ratio 2 workers / 1 worker: ${(two.perSecond / one.perSecond).toFixed(2)}x on ${availableParallelism()} cores (the service, PostgreSQL and Redis share them)\n`);
