// The one configuration loader: defaults, then a config file (YAML or JSON), then command-line overrides.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { defaultLimits, isLimitName } from './engine/limits.ts';
import type { EngineConfig } from './engine/types.ts';

export const WINDOWS_EDGE_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';

export function defaultConfig(): EngineConfig {
  return {
    limits: defaultLimits(),
    fetch: { mode: 'off', allowHosts: [], resolve: {}, userAgent: WINDOWS_EDGE_UA, proxy: undefined },
    passwords: [],
    ownDomains: [],
    analyzers: {},
  };
}

export class ConfigError extends Error {}

/** Reads a config file and lays it over the defaults. Unknown limits are an error, not ignored. */
export function loadConfig(path?: string): EngineConfig {
  const config = defaultConfig();
  if (!path) return config;
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config ${path}: ${(err as Error).message}`);
  }
  return mergeConfig(config, (raw ?? {}) as Partial<EngineConfig>);
}

export function mergeConfig(base: EngineConfig, over: Partial<EngineConfig>): EngineConfig {
  const out: EngineConfig = structuredClone(base);
  for (const [name, value] of Object.entries(over.limits ?? {})) {
    if (!isLimitName(name)) throw new ConfigError(`unknown limit "${name}"`);
    if (typeof value !== 'number' || !(value >= 0)) throw new ConfigError(`limit "${name}" must be a number ≥ 0`);
    out.limits[name] = value;
  }
  if (over.fetch) out.fetch = { ...out.fetch, ...over.fetch };
  if (over.passwords) out.passwords = [...over.passwords];
  if (over.ownDomains) out.ownDomains = over.ownDomains.map((d) => d.toLowerCase());
  if (over.analyzers) out.analyzers = { ...out.analyzers, ...over.analyzers };
  return out;
}
