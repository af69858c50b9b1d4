// The downloader as a run-wide service (`ctx.services.fetcher`), built once from the configuration:
// fetch mode, allowed hosts, --resolve pins, browser profile, proxy, and the fetch limits.

import type { EngineConfig } from '../engine/types.ts';
import type { ServiceFactory } from '../services.ts';
import { userAgentFor } from './address-policy.ts';
import { safeFetch, type FetchOutcome, type FetchPolicy } from './client.ts';
import { systemResolver, type Resolver } from './target.ts';

export const FETCHER_SERVICE = 'fetcher';

export interface Fetcher {
  /** False when the configuration keeps fetching off: the analyzer then only records the link. */
  readonly live: boolean;
  fetch(url: string, signal?: AbortSignal): Promise<FetchOutcome>;
}

export function fetchPolicy(config: EngineConfig, resolver: Resolver = systemResolver): FetchPolicy {
  return {
    allowHosts: config.fetch.allowHosts,
    resolve: config.fetch.resolve,
    resolver,
    userAgent: userAgentFor(config.fetch.userAgent),
    proxy: config.fetch.proxy,
    maxBytes: config.limits.fetchBytes,
    timeMs: config.limits.fetchTimeMs,
    maxRedirects: config.limits.maxRedirects,
  };
}

export function createFetcher(config: EngineConfig, resolver?: Resolver): Fetcher {
  const policy = fetchPolicy(config, resolver);
  return {
    live: config.fetch.mode === 'live',
    fetch: (url, signal) => safeFetch(url, policy, signal),
  };
}

export const fetcherFactory: ServiceFactory = async (config) => ({ name: FETCHER_SERVICE, service: createFetcher(config) });
