// A `tacklebox worker` process: takes report jobs from the Redis queue, analyses each stored sample in its
// own analysis processes (the same pool and time limit as the service), and records results in the shared
// store under a lease. Any number of these run on any machines that reach Redis, the store and the samples
// folder. A report whose worker dies is handed on when the lease runs out (see jobs.ts and bullmq-sweep.ts).
// The same process runs shards of sharded hunts (src/hunt/shard-queue.ts).

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EngineConfig } from '../../engine/types.ts';
import { startHuntShardWorker } from '../../hunt/shard-queue.ts';
import { AnalysisPool } from '../analysis/pool.ts';
import { runReportJob } from '../jobs.ts';
import { SampleStore, sampleRoot } from '../samples.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { BullMqQueue } from './bullmq.ts';
import { startResumeSweep } from './bullmq-sweep.ts';
import { RetryLater } from './types.ts';

export interface WorkerOptions {
  queueUrl: string;
  /** `sqlite:PATH` or `postgres://…`; default DATA/tacklebox.db. */
  storeUrl?: string;
  dataDir: string;
  /** Raw samples folder; default DATA/samples. */
  samplesDir?: string;
  config: EngineConfig;
  /** Analysis processes, and so jobs at once. */
  workers: number;
  jobTimeMs?: number;
  maxAttempts?: number;
  /** Lease on a report (and lock on its job): how soon a dead worker's report is taken over (default 30 s). */
  leaseMs?: number;
  /** How often unfinished reports are handed to the queue again (default 30 s). */
  sweepMs?: number;
  /** Deliveries of a job before it is dead-lettered (default 5); the first retry waits `backoffMs`, then doubles. */
  attempts?: number;
  backoffMs?: number;
  /** Hunt shards (`tacklebox hunt --queue …`) run at once in this process; 0 takes none (default 1). */
  huntShards?: number;
}

export interface RunningWorker {
  /** Unique per process: the lease owner written on the reports it analyses. */
  id: string;
  store: Store;
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const store = await openStore(options.dataDir, options.storeUrl);
  const samples = new SampleStore(options.samplesDir ?? sampleRoot(options.dataDir));
  const id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const pool = new AnalysisPool({
    config: options.config,
    size: options.workers,
    jobTimeMs: options.jobTimeMs ?? options.config.limits.submissionTimeMs + 30_000,
  });
  pool.warm();
  const queue = new BullMqQueue({
    url: options.queueUrl,
    concurrency: options.workers,
    lockMs: leaseMs,
    attempts: options.attempts,
    backoffMs: options.backoffMs,
    async onDead(reportId, reason) {
      const report = await store.getReport(reportId);
      if (report && report.status !== 'done') await store.failReport(reportId, `the queue gave up after its retries: ${reason}`);
    },
  });
  await queue.start((job) =>
    runReportJob(job, {
      store,
      samples,
      pool,
      maxAttempts,
      lease: { owner: id, ms: leaseMs },
      // the report is back to queued in the store; the queue delivers the job again after its backoff
      retry: async () => {
        throw new RetryLater(`the analysis process died under report ${job.reportId}; retrying`);
      },
    }),
  );
  const sweep = startResumeSweep(store, queue, options.sweepMs ?? 30_000);
  const hunts = (options.huntShards ?? 1) > 0 ? await startHuntShardWorker(options.queueUrl, options.huntShards ?? 1) : undefined;

  let closing: Promise<void> | undefined;
  return {
    id,
    store,
    close() {
      closing ??= (async () => {
        sweep.stop();
        // Stop taking jobs and let the running ones finish; then the analysis processes and the store.
        await Promise.all([queue.close(), hunts?.close()]);
        await pool.close();
        await store.close();
      })();
      return closing;
    },
  };
}
