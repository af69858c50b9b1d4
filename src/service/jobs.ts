// One report's analysis as a job: claim it in the store, analyse its stored sample in a worker process,
// record the result. Safe to run twice for one report: a finished report is not claimed again, and with
// leases (several workers sharing a store) a report under a live lease is left to its worker.

import type { AnalysisPool } from './analysis/pool.ts';
import { JobTimeLimit, PoolClosed, WorkerDied } from './analysis/pool.ts';
import type { ReportJob } from './queue/types.ts';
import type { SampleStore } from './samples.ts';
import type { Lease, Store } from './store/types.ts';

export interface JobDeps {
  store: Store;
  samples: SampleStore;
  pool: AnalysisPool;
  /** A report whose worker died this many times is failed instead of retried (a sample that kills workers). */
  maxAttempts: number;
  /** Called when a worker died under the job and it should run again. */
  retry(job: ReportJob): Promise<void>;
  /**
   * Workers sharing one store claim with a lease, renewed while the analysis runs, so that a report whose
   * worker died is taken over when the lease runs out and a live worker's report never is.
   */
  lease?: Lease;
}

export async function runReportJob(job: ReportJob, deps: JobDeps): Promise<void> {
  const { store, lease } = deps;
  const owner = lease?.owner;
  const claim = await store.claimReport(job.reportId, lease);
  if (!claim) return;
  const renewal = lease ? keepLease(store, job.reportId, lease) : undefined;
  try {
    if (claim.attempts > deps.maxAttempts) {
      await store.failReport(job.reportId, `gave up after ${deps.maxAttempts} attempts: the analysis was interrupted each time`, owner);
      return;
    }
    const stored = await store.getReport(job.reportId);
    if (!stored) return;
    try {
      const outcome = await deps.pool.analyze({ samplePath: deps.samples.pathOf(stored.sample.sha256), name: stored.sample.name });
      const recorded = await store.finishReport(job.reportId, outcome, owner);
      if (recorded === false) process.stderr.write(`tacklebox: report ${job.reportId}: lease lost during the analysis; another worker's result stands\n`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof PoolClosed) {
        await store.requeueReport(job.reportId, owner); // shutting down: the next start (or another worker) resumes it
      } else if (err instanceof WorkerDied && claim.attempts < deps.maxAttempts) {
        await store.requeueReport(job.reportId, owner);
        await deps.retry(job);
      } else if (err instanceof JobTimeLimit || err instanceof WorkerDied) {
        await store.failReport(job.reportId, message, owner);
      } else {
        await store.failReport(job.reportId, `analysis failed: ${message}`, owner);
      }
    }
  } finally {
    renewal?.stop();
  }
}

/** Renews the lease every third of its length until stopped. */
function keepLease(store: Store, reportId: string, lease: Lease): { stop(): void } {
  const timer = setInterval(() => {
    store.renewLease(reportId, lease).then(
      (held) => {
        if (!held) clearInterval(timer);
      },
      (err: Error) => process.stderr.write(`tacklebox: renewing the lease on ${reportId}: ${err.message}\n`),
    );
  }, Math.max(100, Math.floor(lease.ms / 3)));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
