// What a report contributes to campaign grouping: its exact keys (Message-ID, sender + subject, URLs, hashes,
// sending IP), its body signature, and the indicators it shares with others.

import { getDomain } from 'tldts';
import type { Report } from '../verdict/report.ts';

export interface Fingerprint {
  /** The report's id in the store (or its input sha256 on the command line). */
  id: string;
  receivedAt: number;
  reporters: string[];
  verdict: Report['verdict'];
  score: number;
  messageId?: string;
  sender?: string;
  subject?: string;
  /** Subject with reply/forward prefixes, numbers and spacing normalised. */
  subjectKey?: string;
  urls: string[];
  linkDomains: string[];
  payloadHashes: string[];
  sendingIps: string[];
  signature?: number[];
}

/** Kinds whose hash identifies a campaign's payload (not bodies, links or command text). */
const PAYLOAD_RELATIONS = new Set(['attachment', 'downloaded', 'extracted', 'dropped-file', 'embedded']);

export function fingerprintOf(report: Report, id = report.input.sha256, receivedAt = Date.now(), reporters: string[] = []): Fingerprint {
  const urls = new Set<string>();
  const domains = new Set<string>();
  const ips = new Set<string>();
  for (const ioc of report.iocs) {
    if (ioc.type === 'url') {
      const normal = normalizeUrl(ioc.value);
      if (normal) {
        urls.add(normal);
        const domain = getDomain(new URL(normal).hostname) ?? new URL(normal).hostname;
        if (domain) domains.add(domain);
      }
    } else if (ioc.type === 'ip' && ioc.role === 'sending-ip') ips.add(ioc.value);
  }
  const hashes = report.artifacts.filter((a) => PAYLOAD_RELATIONS.has(a.relation) && a.size > 0).map((a) => a.sha256);
  const sender = addressOf(report.email.from);
  return {
    id,
    receivedAt,
    reporters: reporters.length ? reporters : report.email.reporter ? [report.email.reporter] : [],
    verdict: report.verdict,
    score: report.score,
    messageId: report.email.messageId?.trim().replace(/^<|>$/g, '').toLowerCase() || undefined,
    sender,
    subject: report.email.subject,
    subjectKey: report.email.subject !== undefined ? subjectKey(report.email.subject) : undefined,
    urls: [...urls],
    linkDomains: [...domains],
    payloadHashes: [...new Set(hashes)],
    sendingIps: [...ips],
    signature: report.fingerprint?.body ?? undefined,
  };
}

export function addressOf(from: string | undefined): string | undefined {
  if (!from) return undefined;
  const angle = /<([^<>@\s]+@[^<>\s]+)>/.exec(from);
  const bare = angle?.[1] ?? /[^\s<>"']+@[^\s<>"']+/.exec(from)?.[0];
  return bare?.toLowerCase();
}

/** "RE: Fwd: Invoice #4411 due" and "Invoice #5120 due" share a key. */
export function subjectKey(subject: string): string {
  return subject
    .toLowerCase()
    .replace(/^\s*((re|fw|fwd|aw|wg|tr|rv|sv|vs|antw)\s*(\[\d+\])?\s*:\s*)+/i, '')
    .replace(/\d+/g, '0')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const TRACKING_PARAM = /^(utm_|mc_|fbclid|gclid|msclkid|_hs|mkt_tok|e|email|recipient|uid|token|id)$/i;

/** Scheme and host lower-cased, no fragment, no per-recipient tracking parameters. */
export function normalizeUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  url.hash = '';
  for (const key of Array.from(url.searchParams.keys())) if (TRACKING_PARAM.test(key) || key.startsWith('utm_')) url.searchParams.delete(key);
  return url.toString();
}
