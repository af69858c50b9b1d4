// The `dns` service: the resolver mail authentication (SPF, DKIM, DMARC, ARC) asks. Offline by default, so
// an analyst's run never queries attacker-controlled name servers unasked; answers can come from a recorded
// file (tests, replayed verdicts) or, when configured `live`, from the system resolver.
//
// Config (analyzers.email): dns: offline | live; dnsRecords: a path to a YAML/JSON file or the object itself:
//   example.com: { TXT: ["v=spf1 ip4:192.0.2.0/24 -all"] }
//   sel._domainkey.example.com: { TXT: ["v=DKIM1; k=rsa; p=MIGf…"] }

import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { EngineConfig } from '../../engine/types.ts';

export type DnsMode = 'offline' | 'recorded' | 'live';

/** Records by name, then by type; TXT values are strings or their chunks. */
export type RecordedAnswers = Record<string, Record<string, unknown[]>>;

export interface MailDns {
  mode: DnsMode;
  /** The shape of dns.promises.resolve(name, rrtype), which mailauth calls. */
  resolve(name: string, rrtype: string): Promise<unknown[]>;
}

const LIVE_TIMEOUT_MS = 3000;

export class DnsConfigError extends Error {}

export function mailDnsFromConfig(config: Readonly<EngineConfig>): MailDns {
  const options = config.analyzers.email ?? {};
  if (options.dns === 'live') {
    const resolver = new Resolver({ timeout: LIVE_TIMEOUT_MS, tries: 2 });
    return { mode: 'live', resolve: (name, rrtype) => resolver.resolve(name, rrtype) as Promise<unknown[]> };
  }
  const records = loadRecords(options.dnsRecords);
  if (!records) return { mode: 'offline', resolve: async (name) => Promise.reject(dnsError('ENOTFOUND', name)) };
  return { mode: 'recorded', resolve: async (name, rrtype) => answerFrom(records, name, rrtype) };
}

function loadRecords(source: unknown): RecordedAnswers | undefined {
  if (source === undefined || source === null) return undefined;
  if (typeof source === 'string') {
    try {
      return normalise(parse(readFileSync(source, 'utf8')));
    } catch (err) {
      throw new DnsConfigError(`cannot read analyzers.email.dnsRecords ${source}: ${(err as Error).message}`);
    }
  }
  return normalise(source);
}

function normalise(raw: unknown): RecordedAnswers {
  const out: RecordedAnswers = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [name, byType] of Object.entries(raw as Record<string, unknown>)) {
    const key = name.toLowerCase().replace(/\.$/, '');
    out[key] = {};
    for (const [type, answers] of Object.entries((byType ?? {}) as Record<string, unknown>)) {
      out[key][type.toUpperCase()] = Array.isArray(answers) ? answers : [answers];
    }
  }
  return out;
}

function answerFrom(records: RecordedAnswers, name: string, rrtype: string): unknown[] {
  const byType = records[name.toLowerCase().replace(/\.$/, '')];
  if (!byType) throw dnsError('ENOTFOUND', name);
  const answers = byType[rrtype.toUpperCase()];
  if (!answers || answers.length === 0) throw dnsError('ENODATA', name);
  // TXT answers are lists of character-strings, as node's resolver returns them.
  return rrtype.toUpperCase() === 'TXT' ? answers.map((a) => (Array.isArray(a) ? a.map(String) : [String(a)])) : answers;
}

function dnsError(code: string, name: string): Error {
  return Object.assign(new Error(`${code} ${name}`), { code, hostname: name });
}

/** The service factory listed in src/services.ts. */
export async function openMailDns(config: EngineConfig): Promise<{ name: string; service: MailDns }> {
  return { name: 'dns', service: mailDnsFromConfig(config) };
}
