// `tacklebox worker --queue redis://… --store postgres://… --data DIR`: an analysis worker for a scaled-out
// service. Run as many as the machines allow; they share the queue, the store and the samples folder.

import { startWorker } from '../service/queue/bullmq-worker.ts';
import { parseStoreUrl, StoreUrlError } from '../service/store/open.ts';
import { parse, UsageError } from './args.ts';
import { engineConfigFrom } from './engine-config.ts';

const HELP = `usage: tacklebox worker --queue redis://HOST:PORT --data DIR [--store URL] [options]

Analyses reports queued by 'tacklebox serve --queue redis://…'. Any number of workers may run on any
machines that reach the queue, the store and the raw samples folder.

options:
  --queue URL            the Redis the service queues jobs on (redis://[user:pass@]host:port)
  --store URL            the service's store: postgres://user:pass@host:port/db, or sqlite:PATH
                         (default: DIR/tacklebox.db, which only works on the service's own machine)
  --data DIR             the folder shared with the service: raw samples are read from DIR/samples
  --samples DIR          the raw samples folder, if it is not DIR/samples
  --workers N            analysis processes, and so jobs at once (default 1)
  --job-timeout S        seconds one analysis may take before its process is stopped
                         (default: the engine's submission limit + 30)
  --lease S              seconds a worker holds a report without renewing it: a dead worker's
                         report is taken over after this (default 30)
  --sweep S              seconds between hand-overs of unfinished reports to the queue (default 30)
  --attempts N           deliveries of a job before it is dead-lettered (default 5)
  --backoff S            seconds before a failed job's first retry; each next one waits twice as
                         long (default 2)
  --hunt-shards N        shards of sharded hunts (tacklebox hunt --queue) run at once (default 1; 0: none)
  --config FILE          engine configuration (limits, fetch, analyzers), as for analyze
  --fetch off|live       follow links in reported mail (default off)

TACKLEBOX_QUEUE and TACKLEBOX_STORE in the environment keep passwords out of the process list.`;

const OPTIONS = {
  queue: { type: 'string' },
  store: { type: 'string' },
  data: { type: 'string' },
  samples: { type: 'string' },
  workers: { type: 'string' },
  'job-timeout': { type: 'string' },
  lease: { type: 'string' },
  sweep: { type: 'string' },
  attempts: { type: 'string' },
  backoff: { type: 'string' },
  'hunt-shards': { type: 'string' },
  config: { type: 'string' },
  fetch: { type: 'string' },
} as const;

export async function workerCommand(argv: string[]): Promise<number> {
  const args = parse(argv, OPTIONS, HELP);
  if (!args) return 0;
  const { values } = args;
  const queueUrl = values.queue ?? process.env.TACKLEBOX_QUEUE;
  if (!queueUrl) throw new UsageError(`--queue redis://HOST:PORT is required\n\n${HELP}`);
  if (!/^rediss?:\/\//.test(queueUrl)) throw new UsageError(`--queue takes a redis:// URL`);
  if (!values.data) throw new UsageError(`--data DIR is required\n\n${HELP}`);
  const storeUrl = values.store ?? (process.env.TACKLEBOX_STORE || undefined);
  try {
    parseStoreUrl(values.data, storeUrl);
  } catch (err) {
    if (err instanceof StoreUrlError) throw new UsageError(err.message);
    throw err;
  }
  const config = engineConfigFrom(values);
  const worker = await startWorker({
    queueUrl,
    storeUrl,
    dataDir: values.data,
    samplesDir: values.samples,
    config,
    workers: seconds(values.workers, '--workers', 1, 1),
    jobTimeMs: values['job-timeout'] ? seconds(values['job-timeout'], '--job-timeout', 0, 1) * 1000 : undefined,
    leaseMs: seconds(values.lease, '--lease', 30, 0.1) * 1000,
    sweepMs: seconds(values.sweep, '--sweep', 30, 0.1) * 1000,
    attempts: seconds(values.attempts, '--attempts', 5, 1),
    backoffMs: seconds(values.backoff, '--backoff', 2, 0) * 1000,
    huntShards: seconds(values['hunt-shards'], '--hunt-shards', 1, 0),
  });
  process.stdout.write(`tacklebox worker: ${worker.id} ready\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await worker.close();
  return 0;
}

/** A positive number of at least `min` (seconds may have a fraction, for tests). */
function seconds(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${flag} takes a number of at least ${min}, got "${value}"`);
  return n;
}
