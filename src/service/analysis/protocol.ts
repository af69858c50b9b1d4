// Messages between the service and its analysis worker processes (over the child-process IPC channel).

import type { EngineConfig } from '../../engine/types.ts';
import type { Report } from '../../verdict/report.ts';
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

export type ToWorker = { type: 'init'; config: EngineConfig } | ({ type: 'job'; jobId: number } & AnalysisJob);

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; jobId: number; outcome: AnalysisOutcome }
  | { type: 'error'; jobId: number; message: string };
