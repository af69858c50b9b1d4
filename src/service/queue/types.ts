// The job queue as an interface. The default runs jobs in this process (their analysis goes to worker
// processes); issue 8 adds BullMQ on Redis behind the same interface, with workers on other machines.
// A queue delivers each job to one handler call at a time; the store, not the queue, is the record of what
// is done, so a job delivered twice (after a crash) finds its report finished and returns.

export interface ReportJob {
  reportId: string;
}

export type JobHandler = (job: ReportJob) => Promise<void>;

export interface JobQueue {
  /** Begins delivering jobs to the handler, up to the queue's concurrency at a time. */
  start(handler: JobHandler): Promise<void>;
  enqueue(job: ReportJob): Promise<void>;
  /** Jobs waiting and running, for the queue page and health checks. */
  depth(): Promise<{ waiting: number; running: number }>;
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>;
}
