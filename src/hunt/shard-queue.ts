// Sharded hunting on the Redis queue: `tacklebox hunt --queue redis://…` cuts the hunt into shards (a log file
// and a time slice each, shard-plan.ts), queues them, and merges what the workers return (shard-merge.ts)
// into the result one process would have found. `tacklebox worker` runs the shards. Logs and rule files must
// be on a path every worker reads (the same shared folder as the raw samples); a shard that fails is retried
// with backoff, and the hunt fails, naming the shard, when one is given up on.

import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { redisConnection } from '../service/queue/bullmq-connection.ts';
import { collectHunt, finishHunt, type HuntPartial, type HuntResult } from './impact.ts';
import { emptyIndicators, type Indicators } from './indicators.ts';
import { mergeShards } from './shard-merge.ts';
import { inSlice, planShards, type HuntShard } from './shard-plan.ts';
import { RuleSet } from './sigma/engine.ts';
import { loadSigma } from './sigma/load.ts';

export const HUNT_QUEUE = 'tacklebox-hunts';

/** Indicators as JSON carries them (sets as lists). */
type IndicatorsJson = { [K in keyof Indicators]: Indicators[K] extends Set<string> ? string[] : Indicators[K] };

export interface ShardJob {
  huntId: string;
  shard: HuntShard;
  indicators: IndicatorsJson;
  /** Sigma rule and filter paths, absolute, on the shared folder. */
  rules: string[];
  filters: string[];
  zipPassword?: string;
  maxListed: number;
}

export interface ShardedHuntOptions {
  queueUrl: string;
  logs: string[];
  indicators: Indicators;
  rules: string[];
  filters: string[];
  /** Instants (ISO 8601) where every file is cut into time slices. */
  sliceAt?: string[];
  zipPassword?: string;
  maxListed?: number;
  /** Give up waiting for the shards after this long (default 1 hour). */
  timeoutMs?: number;
  /** Called as shards finish, for a progress line. */
  onProgress?: (done: number, total: number) => void;
}

export class HuntShardFailed extends Error {}

/** Queues the hunt's shards, waits for every one, and merges them. */
export async function shardedHunt(options: ShardedHuntOptions): Promise<HuntResult> {
  const shards = await planShards(options.logs.map((p) => resolve(p)), options.sliceAt);
  const maxListed = options.maxListed ?? 1000;
  const huntId = `h${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  const connection = redisConnection(options.queueUrl, 'worker');
  const queue = new Queue<ShardJob>(HUNT_QUEUE, { connection });
  queue.on('error', () => {});
  try {
    const base = { huntId, indicators: indicatorsToJson(options.indicators), rules: options.rules.map((p) => resolve(p)), filters: options.filters.map((p) => resolve(p)), zipPassword: options.zipPassword, maxListed };
    await queue.addBulk(
      shards.map((shard) => ({
        name: 'hunt-shard',
        data: { ...base, shard },
        opts: { jobId: `${huntId}-${shard.index}`, attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: false, removeOnFail: false },
      })),
    );
    const partials = await waitForShards(queue, huntId, shards, options.timeoutMs ?? 3_600_000, options.onProgress);
    const result = finishHunt(mergeShards(partials, maxListed), { indicators: options.indicators });
    await Promise.all(shards.map((s) => queue.remove(`${huntId}-${s.index}`).catch(() => 0)));
    return result;
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

async function waitForShards(
  queue: Queue<ShardJob>,
  huntId: string,
  shards: HuntShard[],
  timeoutMs: number,
  onProgress?: (done: number, total: number) => void,
): Promise<{ fileIndex: number; partial: HuntPartial }[]> {
  const results = new Map<number, HuntPartial>();
  const until = Date.now() + timeoutMs;
  while (results.size < shards.length) {
    for (const shard of shards) {
      if (results.has(shard.index)) continue;
      const job = (await queue.getJob(`${huntId}-${shard.index}`)) as Job<ShardJob, HuntPartial> | undefined;
      if (!job) throw new HuntShardFailed(`shard ${shard.index} (${shard.path}) vanished from the queue (was Redis restarted?)`);
      const state = await job.getState();
      if (state === 'completed') {
        results.set(shard.index, job.returnvalue);
        onProgress?.(results.size, shards.length);
      } else if (state === 'failed') {
        throw new HuntShardFailed(`shard ${shard.index} (${shard.path}, slice ${shard.slice}) failed after ${job.attemptsMade} attempts: ${job.failedReason}`);
      }
    }
    if (results.size === shards.length) break;
    if (Date.now() > until) throw new HuntShardFailed(`${shards.length - results.size} of ${shards.length} shards unfinished after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return shards.map((s) => ({ fileIndex: s.fileIndex, partial: results.get(s.index)! }));
}

/** One shard: its file read once, its time slice matched. */
export async function runShard(job: ShardJob): Promise<HuntPartial> {
  const [loaded, filters] = await Promise.all([loadSigma(job.rules), job.filters.length ? loadSigma(job.filters) : { rules: [], filters: [], errors: [] }]);
  return collectHunt({
    indicators: indicatorsFromJson(job.indicators),
    rules: new RuleSet(loaded.rules, filters.filters),
    logs: [job.shard.path],
    zipPassword: job.zipPassword,
    maxListed: job.maxListed,
    accept: inSlice(job.shard),
  });
}

/** The worker side: runs hunt shards from the queue, `concurrency` at a time. */
export async function startHuntShardWorker(queueUrl: string, concurrency = 1): Promise<{ close(): Promise<void> }> {
  const connection = redisConnection(queueUrl, 'worker');
  const worker = new Worker<ShardJob, HuntPartial>(HUNT_QUEUE, (job) => runShard(job.data), { connection, concurrency });
  worker.on('error', () => {});
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}

function indicatorsToJson(ind: Indicators): IndicatorsJson {
  return Object.fromEntries(Object.entries(ind).map(([k, v]) => [k, v instanceof Set ? [...v] : v])) as IndicatorsJson;
}

function indicatorsFromJson(json: IndicatorsJson): Indicators {
  const ind = emptyIndicators();
  for (const [k, v] of Object.entries(json)) {
    const target = (ind as unknown as Record<string, unknown>)[k];
    (ind as unknown as Record<string, unknown>)[k] = target instanceof Set ? new Set(v as string[]) : v;
  }
  return ind;
}
