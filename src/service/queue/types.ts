// The job queue as an interface. The default runs jobs in this process (their analysis goes to worker
// processes); BullMQ on Redis (bullmq.ts) implements it too, with workers on other machines.
// A queue delivers each job to one handler call at a time; the store, not the queue, is the record of what
// is done, so a job delivered twice (after a crash) finds its report finished and returns.

export interface ReportJob {
  reportId: string;
}

export type JobHandler = (job: ReportJob) => Promise<void>;

/** A job the queue gave up on after its last retry (the dead-letter view). */
export interface DeadJob {
  reportId: string;
  /** The last error. */
  reason: string;
  attempts: number;
  failedAt: string | null;
}

export interface JobQueue {
  /** Begins delivering jobs to the handler, up to the queue's concurrency at a time. */
  start(handler: JobHandler): Promise<void>;
  enqueue(job: ReportJob): Promise<void>;
  /** Jobs waiting and running, for the queue page and health checks. */
  depth(): Promise<{ waiting: number; running: number }>;
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>;
  /** Jobs given up on, newest first (queues with retries only). */
  deadJobs?(limit: number): Promise<DeadJob[]>;
  /** Gives a dead job another run; false if there is no such dead job. */
  retryDead?(reportId: string): Promise<boolean>;
}

/** Thrown by a handler to have a queue with retries deliver the job again later (with backoff). */
export class RetryLater extends Error {}
