// Runs one analyzer on bytes the way the engine would, without the rest of the tree: for PE/YARA unit tests.

import { createHash } from 'node:crypto';
import { defaultConfig } from '../../src/config.ts';
import type { Analyzer, AnalysisContext, AnalyzerResult, Artifact, Services } from '../../src/engine/types.ts';

export async function runAnalyzer(analyzer: Analyzer, data: Uint8Array, name = 'sample.dll', services: Services = {}, kind = 'pe'): Promise<AnalyzerResult> {
  const config = defaultConfig();
  const artifact: Artifact = {
    id: 'a1',
    parent: null,
    relation: 'root',
    kind,
    name,
    sha256: createHash('sha256').update(data).digest('hex'),
    size: data.length,
    depth: 0,
    data,
    meta: {},
  };
  const ctx: AnalysisContext = {
    limits: config.limits,
    passwordCandidates: () => [],
    email: {},
    fetchMode: 'off',
    signal: new AbortController().signal,
    services,
    config,
    claimFetch: () => true,
  };
  return analyzer.analyze(artifact, ctx);
}

export const findingIds = (r: AnalyzerResult) => (r.findings ?? []).map((f) => f.id);
