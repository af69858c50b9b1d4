// Assembles the service: store, raw samples, worker pool, job queue, intake (API, UI, mailbox), reporter
// feedback and the HTTP app. On start it re-queues whatever a crash or kill left unfinished.
//
// Scale-out: with `queue` (redis://…) this process only takes reports in; `tacklebox worker` processes on any
// machines analyse them, sharing the store (`store`: postgres://…) and the raw samples folder. The resume on
// start then becomes a periodic sweep of the store's unfinished reports whose lease ran out.

import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { EngineConfig } from '../engine/types.ts';
import { AnalysisPool } from './analysis/pool.ts';
import { buildApp } from './api/app.ts';
import { FeedbackMailer, type FeedbackOptions } from './feedback.ts';
import { Intake } from './intake.ts';
import { registerDeadLetterRoutes } from './api/dead-letters.ts';
import { runReportJob } from './jobs.ts';
import { MailboxIntake, type MailboxOptions } from './mailbox.ts';
import { BullMqQueue } from './queue/bullmq.ts';
import { startResumeSweep, type Sweep } from './queue/bullmq-sweep.ts';
import { InProcessQueue } from './queue/in-process.ts';
import { sharedQueueUrl } from './queue/open.ts';
import type { JobQueue } from './queue/types.ts';
import { SampleStore, sampleRoot } from './samples.ts';
import { openStore } from './store/open.ts';
import type { Store } from './store/types.ts';

export interface ServiceOptions {
  dataDir: string;
  config: EngineConfig;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Analysis worker processes; defaults to the number of cores. */
  workers?: number;
  /** Wall-clock limit of one analysis; defaults to the engine's submission limit plus a margin. */
  jobTimeMs?: number;
  maxAttempts?: number;
  maxReportBytes?: number;
  mailbox?: MailboxOptions;
  feedback?: FeedbackOptions;
  /**
   * `sqlite:PATH` or `postgres://…`; default the environment's TACKLEBOX_STORE, else DATA/tacklebox.db.
   * (The environment keeps database passwords out of the process list.)
   */
  store?: string;
  /** `redis://…` hands analyses to `tacklebox worker` processes; default TACKLEBOX_QUEUE, else in-process. */
  queue?: string;
  /** Raw samples folder, shared with the workers; default TACKLEBOX_SAMPLES, else DATA/samples. */
  samplesDir?: string;
  /** With a shared queue: how often unfinished reports are handed to the queue again (default 30 s). */
  sweepMs?: number;
}

export interface RunningService {
  url: string;
  app: FastifyInstance;
  store: Store;
  queue: JobQueue;
  mailbox?: MailboxIntake;
  feedback?: FeedbackMailer;
  close(): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  await mkdir(options.dataDir, { recursive: true });
  const store = await openStore(options.dataDir, options.store ?? (process.env.TACKLEBOX_STORE || undefined));
  const samples = new SampleStore(options.samplesDir ?? (process.env.TACKLEBOX_SAMPLES || sampleRoot(options.dataDir)));
  const workers = options.workers ?? availableParallelism();
  const queueUrl = sharedQueueUrl(options.queue ?? (process.env.TACKLEBOX_QUEUE || undefined));
  const shared = queueUrl ? new BullMqQueue({ url: queueUrl }) : undefined;
  // With a shared queue the analyses run in `tacklebox worker` processes, not here.
  const pool = shared
    ? undefined
    : new AnalysisPool({
        config: options.config,
        size: workers,
        jobTimeMs: options.jobTimeMs ?? options.config.limits.submissionTimeMs + 30_000,
      });
  const queue: JobQueue = shared ?? new InProcessQueue(workers);
  // Intake has its own small pool: reading a report's identity parses hostile mail, which must neither block
  // the API's event loop nor wait behind long analyses.
  const intakePool = new AnalysisPool({ config: options.config, size: Math.min(2, workers), jobTimeMs: 30_000, openServices: false, workerMemoryMiB: 1024, role: 'intake' });
  intakePool.warm();
  const intake = new Intake(store, samples, queue, (path) => intakePool.identify(path));
  const feedback = options.feedback ? new FeedbackMailer(store, options.feedback) : undefined;
  const app = await buildApp({ store, samples, intake, queue, feedback }, { maxReportBytes: options.maxReportBytes ?? 50 * 1024 * 1024 });
  registerDeadLetterRoutes(app, { store, samples, intake, queue, feedback });

  const maxAttempts = options.maxAttempts ?? 3;
  let sweep: Sweep | undefined;
  if (shared) {
    // Workers elsewhere may be analysing right now: only reports whose lease ran out are handed over again.
    sweep = startResumeSweep(store, shared, options.sweepMs ?? 30_000);
  } else {
    await queue.start((job) => runReportJob(job, { store, samples, pool: pool!, maxAttempts, retry: (j) => queue.enqueue(j) }));
    // Resume: nothing else runs analyses on this store, so a report marked analysing was cut short.
    for (const id of await store.unfinishedReports()) {
      await store.requeueReport(id);
      await queue.enqueue({ reportId: id });
    }
  }

  // A reporting wave arrives as a burst: with node's default backlog (511) a thousand simultaneous uploads
  // overflow the accept queue, and connections the kernel gives up on end in resets. The OS caps this value.
  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, backlog: 4096 });
  const mailbox = options.mailbox ? new MailboxIntake(options.mailbox, intake, store) : undefined;
  mailbox?.start();
  feedback?.start();

  let closing: Promise<void> | undefined;
  return {
    url: address,
    app,
    store,
    queue,
    mailbox,
    feedback,
    close() {
      closing ??= (async () => {
        sweep?.stop();
        await mailbox?.close();
        await app.close();
        // Stop taking jobs, then stop the workers: jobs cut short go back to `queued` and resume on the next start.
        const drained = queue.close();
        await Promise.all([pool?.close(), intakePool.close()]);
        await drained;
        await feedback?.close();
        await store.close();
      })();
      return closing;
    },
  };
}
