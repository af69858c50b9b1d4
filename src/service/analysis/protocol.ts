// Messages between the service and its worker processes (over the child-process IPC channel). Workers do the
// work that parses hostile bytes: analysing a report, and reading a new report's identity at intake.

import type { EngineConfig } from '../../engine/types.ts';
import type { Report } from '../../verdict/report.ts';
import type { ReportIdentity } from '../identity.ts';
import type { EmailPreview } from './preview.ts';

export interface AnalysisJob {
  /** The sample's file in the content-addressed store; the worker reads it itself, no bytes cross the pipe. */
  samplePath: string;
  name: string;
}

export interface AnalysisOutcome {
  report: Report;
  preview: EmailPreview | null;
}

export type WorkerTask = ({ type: 'analyze' } & AnalysisJob) | { type: 'identify'; samplePath: string };

export interface TaskOutcomes {
  analyze: AnalysisOutcome;
  identify: ReportIdentity;
}

export type ToWorker =
  | { type: 'init'; config: EngineConfig; /** false for intake workers, which need no analyzer services */ openServices: boolean }
  | { type: 'job'; jobId: number; task: WorkerTask };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; jobId: number; outcome: TaskOutcomes[WorkerTask['type']] }
  | { type: 'error'; jobId: number; message: string };
