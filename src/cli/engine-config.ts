// The engine's configuration as every command that analyses builds it: the config file, then the flags.

import { ConfigError, loadConfig } from '../config.ts';
import type { EngineConfig } from '../engine/types.ts';
import { pairs, UsageError } from './args.ts';

export interface EngineFlags {
  config?: string;
  fetch?: string;
  'allow-host'?: string[];
  resolve?: string[];
  password?: string[];
  'own-domain'?: string[];
}

export function engineConfigFrom(flags: EngineFlags): EngineConfig {
  let config: EngineConfig;
  try {
    config = loadConfig(flags.config);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  if (flags.fetch !== undefined) {
    if (flags.fetch !== 'off' && flags.fetch !== 'live') throw new UsageError(`--fetch takes off or live, got "${flags.fetch}"`);
    config.fetch.mode = flags.fetch;
  }
  config.fetch.allowHosts.push(...(flags['allow-host'] ?? []).map((h) => h.toLowerCase()));
  Object.assign(config.fetch.resolve, pairs(flags.resolve, '--resolve'));
  config.passwords.push(...(flags.password ?? []));
  config.ownDomains.push(...(flags['own-domain'] ?? []).map((d) => d.toLowerCase()));
  return config;
}
