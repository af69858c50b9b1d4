// Runs one analyzer on bytes the way the engine would, without the rest of the tree: for PE/YARA unit tests.

import { createHash } from 'node:crypto';
import { defaultConfig } from '../../src/config.ts';
import type { Analyzer, AnalyzerResult, Artifact, Services } from '../../src/engine/types.ts';
import { analysisContext } from './context.ts';

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
  return analyzer.analyze(artifact, analysisContext({ config, services }));
}

export const findingIds = (r: AnalyzerResult) => (r.findings ?? []).map((f) => f.id);
