// What a hunt looks for: indicators from case reports (`tacklebox analyze --json`) and from --ioc values,
// normalised once so the log matchers compare like with like.

import { isIP } from 'node:net';
import { getDomain } from 'tldts';
import type { Report } from '../verdict/report.ts';

export interface Indicators {
  messageIds: Set<string>;
  /** Sender + subject pairs of the reported mails, lower-cased. */
  senderSubjects: { sender: string; subject: string }[];
  senders: Set<string>;
  /** Normalised URLs (see normaliseUrl). */
  urls: Set<string>;
  /** URLs that served a payload in the case (a downloaded child in the report). */
  payloadUrls: Set<string>;
  domains: Set<string>;
  ips: Set<string>;
  sha256: Set<string>;
  filenames: Set<string>;
  /** Earliest time the case is known to exist (the reported mail's Date), ISO 8601. */
  since?: string;
}

export function emptyIndicators(): Indicators {
  return {
    messageIds: new Set(), senderSubjects: [], senders: new Set(), urls: new Set(), payloadUrls: new Set(),
    domains: new Set(), ips: new Set(), sha256: new Set(), filenames: new Set(),
  };
}

export function normaliseMessageId(id: string): string {
  return id.trim().replace(/^<|>$/g, '').toLowerCase();
}

/** Scheme-less, lower-case host, no default port, no fragment, no trailing slash: how proxies log a URL varies. */
export function normaliseUrl(url: string): string {
  const text = url.trim();
  try {
    const u = new URL(/^[a-z][\w+.-]*:\/\//i.test(text) ? text : `http://${text}`);
    const path = `${u.pathname}${u.search}`.replace(/\/$/, '');
    return `${u.hostname.toLowerCase()}${u.port ? `:${u.port}` : ''}${path}`;
  } catch {
    return text.toLowerCase();
  }
}

export function hostOfUrl(url: string): string | undefined {
  try {
    return new URL(/^[a-z][\w+.-]*:\/\//i.test(url) ? url : `http://${url}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

export function addIndicator(ind: Indicators, value: string, type?: string): void {
  const v = value.trim();
  if (!v) return;
  const kind = type ?? classify(v);
  switch (kind) {
    case 'url': {
      ind.urls.add(normaliseUrl(v));
      const host = hostOfUrl(v);
      if (host) (isIP(host) ? ind.ips : ind.domains).add(host);
      break;
    }
    case 'domain':
      ind.domains.add(v.toLowerCase().replace(/\.$/, ''));
      break;
    case 'ip':
      ind.ips.add(v);
      break;
    case 'sha256':
      ind.sha256.add(v.toLowerCase());
      break;
    case 'email':
      ind.senders.add(v.toLowerCase());
      break;
    case 'filename':
      ind.filenames.add(v.toLowerCase().split(/[\\/]/).pop()!);
      break;
    case 'message-id':
      ind.messageIds.add(normaliseMessageId(v));
      break;
    default:
      break;
  }
}

function classify(v: string): string {
  if (/^[a-z][\w+.-]*:\/\//i.test(v)) return 'url';
  if (/^<[^>]+@[^>]+>$/.test(v)) return 'message-id';
  if (/^[a-f0-9]{64}$/i.test(v)) return 'sha256';
  if (isIP(v)) return 'ip';
  if (/^[^@\s]+@[^@\s]+$/.test(v)) return 'email';
  if (/\//.test(v) && getDomain(v.split('/')[0]!)) return 'url';
  if (/\.(exe|dll|js|jse|vbs|vbe|wsf|hta|ps1|bat|cmd|lnk|zip|7z|rar|iso|img|msi|docm|xlsm|one|tmp|dat)$/i.test(v)) return 'filename';
  if (getDomain(v)) return 'domain';
  return 'filename';
}

/** Artifact kinds that are files of the attack chain (archives, scripts, executables), not mail or text. */
const PAYLOAD_KINDS = new Set(['pe', 'zip', '7z', 'rar', 'cab', 'iso', 'udf', 'vhd', 'vhdx', 'lnk', 'onenote', 'ole', 'jscript', 'jse', 'js', 'vbscript', 'vbs', 'vbe', 'wsf', 'hta', 'powershell', 'ps1', 'bat', 'cmd']);

export function indicatorsFromReport(report: Report, into: Indicators = emptyIndicators()): Indicators {
  if (report.email?.messageId) into.messageIds.add(normaliseMessageId(report.email.messageId));
  const sent = report.email?.date ? Date.parse(report.email.date) : NaN;
  if (Number.isFinite(sent)) {
    const iso = new Date(sent).toISOString();
    if (!into.since || iso < into.since) into.since = iso;
  }
  if (report.email?.from && report.email.subject) {
    into.senderSubjects.push({ sender: addressOf(report.email.from), subject: report.email.subject.trim().toLowerCase() });
  }
  const downloadedFrom = new Set(
    report.artifacts.filter((a) => a.relation === 'downloaded' && a.parent).map((a) => a.parent!),
  );
  for (const ioc of report.iocs ?? []) {
    // The reporter's own address and our own mail servers are not indicators.
    if (ioc.type === 'email' && ioc.role && ioc.role !== 'sender') continue;
    if (ioc.type === 'command') continue;
    addIndicator(into, ioc.value, ioc.type);
    if (ioc.type === 'url' && (downloadedFrom.has(ioc.artifact) || ioc.role === 'payload-url')) into.payloadUrls.add(normaliseUrl(ioc.value));
  }
  for (const a of report.artifacts) {
    if (a.relation === 'root' || !PAYLOAD_KINDS.has(a.kind)) continue;
    // Payload files of the chain: their hashes show up in Sysmon's Hashes, their names in file events.
    if (a.sha256) into.sha256.add(a.sha256.toLowerCase());
    const name = a.name.split(/[\\/]/).pop() ?? '';
    if (/^[^\s:?#]{1,120}\.[a-z0-9]{1,5}$/i.test(name) && !/^https?:/i.test(a.name)) into.filenames.add(name.toLowerCase());
  }
  return into;
}

function addressOf(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

export function indicatorCount(ind: Indicators): number {
  return ind.messageIds.size + ind.senderSubjects.length + ind.senders.size + ind.urls.size + ind.domains.size + ind.ips.size + ind.sha256.size + ind.filenames.size;
}

/** A domain matches itself and its subdomains. */
export function domainMatches(host: string, domains: Set<string>): string | undefined {
  let h = host.toLowerCase().replace(/\.$/, '');
  for (;;) {
    if (domains.has(h)) return h;
    const dot = h.indexOf('.');
    if (dot < 0) return undefined;
    h = h.slice(dot + 1);
  }
}
