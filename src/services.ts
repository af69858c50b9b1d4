// The services one run shares between analyzers (downloader, script sandbox pool, YARA rules, DNS for
// mail authentication). Each is opened once per process run, not per file, and closed at the end.

import type { EngineConfig, Services } from './engine/types.ts';
import { fetcherFactory } from './fetch/service.ts';
import { openMailDns } from './analyzers/mail/dns.ts';
import { sandboxService } from './analyzers/jscript/service.ts';
import { yaraServiceFactory } from './analyzers/yara/service.ts';

export interface OpenServices {
  services: Services;
  close(): Promise<void>;
}

/** A service factory: returns the service and how to close it. */
export type ServiceFactory = (config: EngineConfig) => Promise<{ name: string; service: unknown; close?: () => Promise<void> | void }>;

// Adding a service: write its factory beside the code that uses it and list it here.
const factories: ServiceFactory[] = [fetcherFactory, openMailDns, sandboxService, yaraServiceFactory];

export async function openServices(config: EngineConfig): Promise<OpenServices> {
  const services: Services = {};
  const closers: (() => Promise<void> | void)[] = [];
  for (const factory of factories) {
    const { name, service, close } = await factory(config);
    services[name] = service;
    if (close) closers.push(close);
  }
  return {
    services,
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}
