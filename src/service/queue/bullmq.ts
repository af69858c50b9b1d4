// The report queue on Redis (BullMQ): any number of `tacklebox worker` processes, on any machines, take jobs
// from it. One job per report (the job id is the report id, so enqueueing twice is a no-op); a job that
// throws is retried with exponential backoff, and after its last attempt it stays in the failed set, which is
// the dead-letter view. A worker that dies loses its job lock: BullMQ hands the job to another worker, and the
// store's lease (jobs.ts) decides whether the analysis may be taken over.

import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { redisConnection } from './bullmq-connection.ts';
import type { DeadJob, JobHandler, JobQueue, ReportJob } from './types.ts';

export interface BullMqOptions {
  url: string;
  /** Queue name, so that several deployments can share one Redis (default "tacklebox-reports"). */
  name?: string;
  /** Jobs this process runs at once (workers only). */
  concurrency?: number;
  /** Deliveries before a job is dead (default 5). */
  attempts?: number;
  /** First retry delay; each next one doubles (default 2 s). */
  backoffMs?: number;
  /** How long a worker's hold on a job lasts without renewal; a dead worker's job moves on after it (default 30 s). */
  lockMs?: number;
  /** Called when a job is given up on, to record it on the report. */
  onDead?: (reportId: string, reason: string) => Promise<void>;
}

export const REPORT_QUEUE = 'tacklebox-reports';

export class BullMqQueue implements JobQueue {
  private readonly producerConnection: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private workerConnection: Redis | undefined;
  private readonly name: string;

  constructor(private readonly options: BullMqOptions) {
    this.name = options.name ?? REPORT_QUEUE;
    this.producerConnection = redisConnection(options.url, 'producer');
    this.queue = new Queue(this.name, { connection: this.producerConnection });
    this.queue.on('error', () => {}); // connection trouble is reported once by the connection itself
  }

  async start(handler: JobHandler): Promise<void> {
    const lockMs = this.options.lockMs ?? 30_000;
    this.workerConnection = redisConnection(this.options.url, 'worker');
    // The worker's own attempt count decides when a job is dead, whatever the producer wrote on the job.
    const attempts = this.options.attempts ?? 5;
    const run = async (job: Job<ReportJob>) => {
      try {
        await handler({ reportId: job.data.reportId });
      } catch (err) {
        if (job.attemptsMade + 1 >= attempts) throw new UnrecoverableError((err as Error).message);
        throw err;
      }
    };
    this.worker = new Worker<ReportJob>(this.name, run, {
      connection: this.workerConnection,
      concurrency: this.options.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
      // a job whose worker died is handed on, not failed: the store's attempt count bounds the retries
      maxStalledCount: 10,
    });
    this.worker.on('error', () => {});
    this.worker.on('failed', (job: Job<ReportJob> | undefined, err: Error) => {
      if (!job) return;
      // Given up on: the last attempt, an unrecoverable error, or a job whose workers kept dying under it.
      const dead =
        err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled more than/i.test(err.message);
      if (!dead) return;
      process.stderr.write(`tacklebox worker: report ${job.data.reportId} dead-lettered after ${job.attemptsMade} attempts: ${err.message}\n`);
      void this.options.onDead?.(job.data.reportId, err.message).catch((e: Error) => process.stderr.write(`tacklebox worker: recording dead job: ${e.message}\n`));
    });
    await this.worker.waitUntilReady();
  }

  /** Queues a report; a dead or finished job of the same report is replaced (an analyst asked for a new run). */
  async enqueue(job: ReportJob): Promise<void> {
    try {
      await this.add(job);
    } catch (err) {
      // The report is committed to the store as queued: the resume sweep hands it over when Redis is back, so
      // the reporter gets their 202 rather than an error for a report we hold.
      process.stderr.write(`tacklebox: report ${job.reportId} waits in the store for the queue: ${(err as Error).message}\n`);
    }
  }

  /**
   * Hands reports the store says are unfinished to the queue again (after a Redis restart lost its jobs, or a
   * worker died): jobs already waiting or running are left alone, and dead ones stay dead.
   */
  async resume(reportIds: Iterable<string>): Promise<number> {
    const ids = [...new Set(reportIds)];
    if (ids.length === 0) return 0;
    // One round trip for the whole backlog: a report whose job exists in any state (waiting, running, retrying,
    // dead) is left alone; only jobs Redis lost are added again.
    const pipeline = this.producerConnection.pipeline();
    for (const id of ids) pipeline.exists(this.queue.toKey(id));
    const exists = (await pipeline.exec()) ?? [];
    const missing = ids.filter((_, i) => {
      const [err, n] = exists[i] ?? [null, 1];
      if (err) throw err;
      return n === 0;
    });
    if (missing.length > 0) await this.queue.addBulk(missing.map((reportId) => ({ name: 'analyse', data: { reportId }, opts: this.jobOptions(reportId) })));
    return missing.length;
  }

  async depth(): Promise<{ waiting: number; running: number }> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active');
    return { waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), running: c.active ?? 0 };
  }

  async deadJobs(limit: number): Promise<DeadJob[]> {
    const jobs = (await this.queue.getFailed(0, Math.max(0, limit - 1))) as Job<ReportJob>[];
    return jobs
      .filter((j) => j?.data?.reportId)
      .map((j) => ({
        reportId: j.data.reportId,
        reason: j.failedReason ?? '',
        attempts: j.attemptsMade,
        failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
      }));
  }

  async retryDead(reportId: string): Promise<boolean> {
    const job = await this.queue.getJob(reportId);
    if (!job || (await job.getState()) !== 'failed') return false;
    await job.retry('failed');
    return true;
  }

  async close(): Promise<void> {
    // The worker first: it stops taking jobs and waits for the running ones.
    await this.worker?.close();
    await this.queue.close();
    for (const c of [this.workerConnection, this.producerConnection]) c?.disconnect();
  }

  private async add(job: ReportJob): Promise<void> {
    const existing = await this.queue.getJob(job.reportId);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return; // waiting or running already
      await existing.remove().catch(() => {}); // removed meanwhile: nothing to replace
    }
    await this.queue.add('analyse', { reportId: job.reportId }, this.jobOptions(job.reportId));
  }

  private jobOptions(reportId: string) {
    return {
      jobId: reportId,
      attempts: this.options.attempts ?? 5,
      backoff: { type: 'exponential', delay: this.options.backoffMs ?? 2000 },
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    };
  }
}
