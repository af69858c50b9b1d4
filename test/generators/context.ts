// What an analyzer is handed when a test or benchmark runs it outside the engine: a context with the default
// (or a given) configuration, no fetching, and the password candidates and email facts the case needs.

import { defaultConfig } from '../../src/config.ts';
import type { AnalysisContext, EmailFacts, EngineConfig, PasswordCandidate, Services } from '../../src/engine/types.ts';

export interface ContextOptions {
  config?: EngineConfig;
  services?: Services;
  passwords?: PasswordCandidate[];
  email?: EmailFacts;
}

export function analysisContext(options: ContextOptions = {}): AnalysisContext {
  const config = options.config ?? defaultConfig();
  return {
    limits: config.limits,
    passwordCandidates: () => options.passwords ?? [],
    email: options.email ?? {},
    fetchMode: config.fetch.mode,
    signal: new AbortController().signal,
    services: options.services ?? {},
    config,
    claimFetch: () => true,
  };
}
