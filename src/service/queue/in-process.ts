// The embedded queue: a FIFO in memory with a concurrency cap. Nothing here is durable on purpose: reports are
// committed to the store before they are queued, and the service re-queues unfinished ones on start.

import type { JobHandler, JobQueue, ReportJob } from './types.ts';

export class InProcessQueue implements JobQueue {
  private readonly waiting: ReportJob[] = [];
  /** Report ids waiting: a report waits once however often it is enqueued (a retry may re-enqueue it while it runs). */
  private readonly pending = new Set<string>();
  private running = 0;
  private handler: JobHandler | undefined;
  private closing = false;
  private idle: (() => void) | undefined;

  constructor(private readonly concurrency: number) {}

  async start(handler: JobHandler): Promise<void> {
    this.handler = handler;
    this.pump();
  }

  async enqueue(job: ReportJob): Promise<void> {
    if (this.closing || this.pending.has(job.reportId)) return;
    this.pending.add(job.reportId);
    this.waiting.push(job);
    this.pump();
  }

  async depth(): Promise<{ waiting: number; running: number }> {
    return { waiting: this.waiting.length, running: this.running };
  }

  async close(): Promise<void> {
    this.closing = true;
    this.waiting.length = 0;
    if (this.running === 0) return;
    await new Promise<void>((resolve) => (this.idle = resolve));
  }

  private pump(): void {
    while (this.handler && !this.closing && this.running < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.pending.delete(job.reportId);
      this.running++;
      const handler = this.handler;
      void (async () => {
        try {
          await handler(job);
        } catch (err) {
          process.stderr.write(`tacklebox serve: job ${job.reportId} failed outside analysis: ${(err as Error).message}\n`);
        } finally {
          this.running--;
          if (this.closing && this.running === 0) this.idle?.();
          this.pump();
        }
      })();
    }
  }
}
