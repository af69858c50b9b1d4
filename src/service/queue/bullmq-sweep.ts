// The store is the record of what must be analysed; Redis only carries it to the workers. This sweep, run by
// the service and by every worker, hands the store's unfinished reports (queued, or analysing under a lease
// that ran out) to the queue again: after a Redis restart lost its jobs, or a worker died holding one.

import type { Store } from '../store/types.ts';
import type { BullMqQueue } from './bullmq.ts';

export interface Sweep {
  /** Runs one sweep now (also used by tests); resolves to the number of jobs handed over. */
  runOnce(): Promise<number>;
  stop(): void;
}

/** Reports handed over per sweep: a backlog larger than this drains over several sweeps. */
const BATCH = 5000;

export function startResumeSweep(store: Store, queue: BullMqQueue, intervalMs: number): Sweep {
  let running: Promise<number> | undefined;
  const runOnce = () => {
    running ??= (async () => {
      try {
        return await queue.resume(await store.resumableReports(BATCH));
      } catch (err) {
        process.stderr.write(`tacklebox: resume sweep: ${(err as Error).message}\n`);
        return 0;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void runOnce(), intervalMs);
  timer.unref();
  void runOnce();
  return { runOnce, stop: () => clearInterval(timer) };
}
