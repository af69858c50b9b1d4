// A STIX 2.1 bundle of the whole chain: the email, each link, each file, how they lead to one another,
// an indicator per blockable IOC, the malware they indicate and the ATT&CK techniques it uses.
// Cyber-observable ids are the deterministic UUIDv5 ids of STIX 2.1 §2.9; other ids derive from the report's
// sha256, so exporting the same report twice gives the same bundle.

import { createHash } from 'node:crypto';
import type { ArtifactRecord, Ioc } from '../engine/types.ts';
import { attackName } from '../verdict/attack.ts';
import type { Report } from '../verdict/report.ts';
import { isBlockable } from './allowlist.ts';

const SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
const TACKLEBOX_NAMESPACE = 'a4f0c3a2-7f5e-5b8e-9d0c-2b1e6f1c7a10';

type StixObject = Record<string, unknown> & { type: string; id: string };

export function uuidv5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** RFC 8785 canonical JSON for the flat objects SCO ids are made from (keys sorted, no spaces). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function scoId(type: string, contributing: Record<string, unknown>): string {
  return `${type}--${uuidv5(SCO_NAMESPACE, canonical(contributing))}`;
}

function stixTime(date: Date): string {
  return date.toISOString();
}

export interface StixOptions {
  now?: Date;
  ownDomains?: readonly string[];
}

export function toStixBundle(report: Report, options: StixOptions = {}): { type: 'bundle'; id: string; objects: StixObject[] } {
  const now = stixTime(options.now ?? new Date());
  const sdoId = (type: string, key: string) => `${type}--${uuidv5(TACKLEBOX_NAMESPACE, `${report.input.sha256}:${type}:${key}`)}`;
  const objects = new Map<string, StixObject>();
  const put = (o: StixObject) => {
    if (!objects.has(o.id)) objects.set(o.id, o);
    return o.id;
  };
  const relate = (source: string, type: string, target: string, description?: string) =>
    put({
      type: 'relationship',
      spec_version: '2.1',
      id: sdoId('relationship', `${source}|${type}|${target}`),
      created: now,
      modified: now,
      relationship_type: type,
      source_ref: source,
      target_ref: target,
      ...(description ? { description } : {}),
    });

  const identity = put({
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${uuidv5(TACKLEBOX_NAMESPACE, 'tacklebox')}`,
    created: now,
    modified: now,
    name: 'tacklebox',
    identity_class: 'system',
  });
  const common = { spec_version: '2.1', created_by_ref: identity, created: now, modified: now };

  // The chain: one observable per artifact that has one, linked as the tree links them.
  const observableOf = new Map<string, string>();
  for (const a of report.artifacts) {
    const id = observableFor(a, report, put);
    if (id) observableOf.set(a.id, id);
  }
  const parentOf = new Map(report.artifacts.map((a) => [a.id, a.parent]));
  for (const a of report.artifacts) {
    const child = observableOf.get(a.id);
    let parent = a.parent;
    // Bodies, command lines and decoded layers have no observable: link through them to the nearest one.
    while (parent && !observableOf.has(parent)) parent = parentOf.get(parent) ?? null;
    const from = parent ? observableOf.get(parent) : undefined;
    if (child && from && child !== from) relate(from, 'related-to', child, `${a.relation}: ${a.name}`.slice(0, 300));
  }

  const malware = put({
    ...common,
    type: 'malware',
    id: sdoId('malware', 'chain'),
    name: report.summary || report.input.name,
    description: `Verdict ${report.verdict} (score ${report.score}) by tacklebox. ${report.findings.slice(0, 10).map((f) => f.title).join('; ')}`,
    is_family: false,
    malware_types: malwareTypes(report),
  });

  for (const ioc of report.iocs) {
    const pattern = patternOf(ioc);
    if (!pattern || !isBlockable(ioc, options.ownDomains)) continue;
    const indicator = put({
      ...common,
      type: 'indicator',
      id: sdoId('indicator', `${ioc.type}:${ioc.value}:${ioc.port ?? ''}`),
      name: `${ioc.role ?? ioc.type}: ${ioc.value}${ioc.port ? `:${ioc.port}` : ''}`.slice(0, 250),
      indicator_types: ['malicious-activity'],
      pattern,
      pattern_type: 'stix',
      valid_from: now,
    });
    relate(indicator, 'indicates', malware);
    const observable = observableForIoc(ioc, put);
    if (observable) relate(indicator, 'based-on', observable);
    if (ioc.role === 'c2' && observable) relate(malware, 'communicates-with', observable);
  }

  for (const technique of report.attack) {
    const pattern = put({
      ...common,
      type: 'attack-pattern',
      id: sdoId('attack-pattern', technique),
      name: attackName(technique) ?? technique,
      external_references: [{ source_name: 'mitre-attack', external_id: technique, url: `https://attack.mitre.org/techniques/${technique.replace('.', '/')}/` }],
    });
    relate(malware, 'uses', pattern);
  }

  put({
    ...common,
    type: 'report',
    id: sdoId('report', 'report'),
    name: `tacklebox: ${report.email.subject ?? report.input.name}`.slice(0, 250),
    description: report.summary,
    report_types: ['malware', 'indicator'],
    published: now,
    object_refs: [...objects.keys()].filter((id) => id !== identity),
  });

  return { type: 'bundle', id: sdoId('bundle', 'bundle'), objects: [...objects.values()] };
}

function malwareTypes(report: Report): string[] {
  const types = new Set<string>();
  if (report.attack.includes('T1105')) types.add('downloader');
  if (report.artifacts.some((a) => a.relation === 'dropped-file')) types.add('dropper');
  if (report.iocs.some((i) => i.role === 'c2')) types.add('remote-access-trojan');
  return types.size ? [...types] : ['unknown'];
}

const FILE_RELATIONS = new Set(['attachment', 'downloaded', 'extracted', 'dropped-file', 'embedded']);

function observableFor(a: ArtifactRecord, report: Report, put: (o: StixObject) => string): string | undefined {
  if (a.parent === null && (a.kind === 'email' || a.kind === 'msg')) {
    const from = report.email.from;
    const address = from ? /[^\s<>"']+@[^\s<>"']+/.exec(from)?.[0] : undefined;
    const fromRef = address ? put({ type: 'email-addr', spec_version: '2.1', id: scoId('email-addr', { value: address }), value: address }) : undefined;
    const toRefs = (report.email.to ?? []).slice(0, 50).map((t) => put({ type: 'email-addr', spec_version: '2.1', id: scoId('email-addr', { value: t }), value: t }));
    const subject = report.email.subject;
    return put({
      type: 'email-message',
      spec_version: '2.1',
      id: scoId('email-message', { from_ref: fromRef, subject }),
      is_multipart: true,
      ...(fromRef ? { from_ref: fromRef } : {}),
      ...(toRefs.length ? { to_refs: toRefs } : {}),
      ...(subject !== undefined ? { subject } : {}),
      ...(report.email.messageId ? { message_id: report.email.messageId } : {}),
      ...(report.email.date && !Number.isNaN(Date.parse(report.email.date)) ? { date: new Date(report.email.date).toISOString() } : {}),
    });
  }
  if (a.kind === 'url') {
    return put({ type: 'url', spec_version: '2.1', id: scoId('url', { value: a.name }), value: a.name });
  }
  if (FILE_RELATIONS.has(a.relation)) {
    const hashes = { 'SHA-256': a.sha256 };
    const name = a.name.split(/[\\/]/).pop() || undefined;
    return put({ type: 'file', spec_version: '2.1', id: scoId('file', { hashes, name }), hashes, size: a.size, ...(name ? { name } : {}) });
  }
  return undefined;
}

function observableForIoc(ioc: Ioc, put: (o: StixObject) => string): string | undefined {
  switch (ioc.type) {
    case 'url':
      return put({ type: 'url', spec_version: '2.1', id: scoId('url', { value: ioc.value }), value: ioc.value });
    case 'domain':
      return put({ type: 'domain-name', spec_version: '2.1', id: scoId('domain-name', { value: ioc.value }), value: ioc.value });
    case 'ip': {
      const type = ioc.value.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
      return put({ type, spec_version: '2.1', id: scoId(type, { value: ioc.value }), value: ioc.value });
    }
    case 'email':
      return put({ type: 'email-addr', spec_version: '2.1', id: scoId('email-addr', { value: ioc.value }), value: ioc.value });
    case 'sha256': {
      const hashes = { 'SHA-256': ioc.value };
      return put({ type: 'file', spec_version: '2.1', id: scoId('file', { hashes }), hashes });
    }
    default:
      return undefined;
  }
}

/** A STIX pattern for an IOC; string values escaped per the patterning grammar (\\ and '). */
export function patternOf(ioc: Ioc): string | undefined {
  const q = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  switch (ioc.type) {
    case 'url':
      return `[url:value = ${q(ioc.value)}]`;
    case 'domain':
      return `[domain-name:value = ${q(ioc.value)}]`;
    case 'ip': {
      const type = ioc.value.includes(':') ? 'ipv6-addr' : 'ipv4-addr';
      if (ioc.port) return `[network-traffic:dst_ref.type = '${type}' AND network-traffic:dst_ref.value = ${q(ioc.value)} AND network-traffic:dst_port = ${ioc.port}]`;
      return `[${type}:value = ${q(ioc.value)}]`;
    }
    case 'sha256':
      return `[file:hashes.'SHA-256' = ${q(ioc.value)}]`;
    case 'email':
      return ioc.role === 'sender' ? `[email-message:from_ref.value = ${q(ioc.value)}]` : `[email-addr:value = ${q(ioc.value)}]`;
    case 'filename':
      return `[file:name = ${q(ioc.value)}]`;
    default:
      return undefined;
  }
}
