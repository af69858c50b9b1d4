// One submission in, one report out: the engine with the registered analyzers, then the verdict.

import { analyzers } from './analyzers/index.ts';
import { analyzeSubmission, type SubmissionInput } from './engine/submission.ts';
import type { EngineConfig, Services } from './engine/types.ts';
import { buildReport, type Report } from './verdict/report.ts';

export async function analyze(input: SubmissionInput, config: EngineConfig, services: Services = {}): Promise<Report> {
  const run = await analyzeSubmission(input, { config, analyzers, services });
  return buildReport(run);
}
