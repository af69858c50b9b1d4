// One report's analysis as a job: claim it in the store, analyse its stored sample in a worker process,
// record the result. Safe to run twice for one report: a finished report is not claimed again.

import type { AnalysisPool } from './analysis/pool.ts';
import { JobTimeLimit, PoolClosed, WorkerDied } from './analysis/pool.ts';
import type { ReportJob } from './queue/types.ts';
import type { SampleStore } from './samples.ts';
import type { Store } from './store/types.ts';

export interface JobDeps {
  store: Store;
  samples: SampleStore;
  pool: AnalysisPool;
  /** A report whose worker died this many times is failed instead of retried (a sample that kills workers). */
  maxAttempts: number;
  /** Called when a worker died under the job and it should run again. */
  retry(job: ReportJob): Promise<void>;
}

export async function runReportJob(job: ReportJob, deps: JobDeps): Promise<void> {
  const { store } = deps;
  const claim = await store.claimReport(job.reportId);
  if (!claim) return;
  if (claim.attempts > deps.maxAttempts) {
    await store.failReport(job.reportId, `gave up after ${deps.maxAttempts} attempts: the analysis was interrupted each time`);
    return;
  }
  const stored = await store.getReport(job.reportId);
  if (!stored) return;
  try {
    const outcome = await deps.pool.analyze({ samplePath: deps.samples.pathOf(stored.sample.sha256), name: stored.sample.name });
    await store.finishReport(job.reportId, outcome);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof PoolClosed) {
      await store.requeueReport(job.reportId); // shutting down: the next start resumes it
    } else if (err instanceof WorkerDied && claim.attempts < deps.maxAttempts) {
      await store.requeueReport(job.reportId);
      await deps.retry(job);
    } else if (err instanceof JobTimeLimit || err instanceof WorkerDied) {
      await store.failReport(job.reportId, message);
    } else {
      await store.failReport(job.reportId, `analysis failed: ${message}`);
    }
  }
}
