// Follows a link (a `url` artifact) when fetching is live: what the server served becomes a `downloaded`
// child, analysed by its content; the fetch itself (final URL, redirects, status, headers, time) becomes facts
// on the URL artifact, so the case keeps what the server served at report time.

import { sha256 } from '../../engine/hash.ts';
import { identify } from '../../engine/identify.ts';
import type { AnalysisContext, Analyzer, AnalyzerResult, Artifact, IocHit } from '../../engine/types.ts';
import { refusalReason } from '../../fetch/address-policy.ts';
import type { FetchOutcome, FetchServed } from '../../fetch/client.ts';
import { createFetcher, FETCHER_SERVICE, type Fetcher } from '../../fetch/service.ts';
import { takeFetch } from './budget.ts';
import { downloadName } from './filename.ts';
import { DOWNLOAD_FINDINGS } from './findings.ts';

/** Kinds that run when a victim opens them: served straight from a link, they are a strong tell. */
const RUNNABLE_KINDS = new Set(['pe', 'jscript', 'jse', 'vbscript', 'wsf', 'hta', 'lnk', 'powershell', 'cmdline', 'onenote']);
const CONTAINER_KINDS = new Set(['zip', '7z', 'rar', 'iso', 'udf', 'vhd', 'vhdx', 'gzip', 'cab']);
/** Names and types that announce a harmless document or page. */
const DOCUMENT_EXTENSION = /\.(pdf|docx?|xlsx?|pptx?|rtf|txt|csv|jpe?g|png|gif|html?|aspx?|php)$/i;
const DOCUMENT_TYPE = /^(text\/|image\/|application\/pdf)/i;

// Analyzer tests may run without openServices: they get a downloader built from their own config.
const ownFetchers = new WeakMap<object, Fetcher>();

function fetcherFor(ctx: AnalysisContext): Fetcher {
  const shared = ctx.services[FETCHER_SERVICE] as Fetcher | undefined;
  if (shared) return shared;
  let own = ownFetchers.get(ctx.config);
  if (!own) ownFetchers.set(ctx.config, (own = createFetcher(ctx.config)));
  return own;
}

/** Undoes the usual defanging (hxxp, [.], [:]) so a defanged link in a report can still be followed. */
export function refang(text: string): string {
  return text
    .trim()
    .replace(/^hxxp/i, 'http')
    .replace(/\[\.\]|\(\.\)/g, '.')
    .replace(/\[:\]/g, ':')
    .replace(/\[:\/\/\]/g, '://');
}

export const downloadAnalyzer: Analyzer = {
  name: 'download',
  findings: DOWNLOAD_FINDINGS,
  async analyze(artifact: Artifact, ctx: AnalysisContext): Promise<AnalyzerResult> {
    if (ctx.fetchMode !== 'live') return {};
    let url: URL;
    try {
      url = new URL(refang(Buffer.from(artifact.data).toString('utf8')));
    } catch {
      return {};
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return {};
    url.hash = ''; // the fragment never reaches the server: one fetch per resource
    if (!ctx.claimFetch(url.href)) return {};
    const budget = takeFetch(ctx, url);
    if (!budget.granted) {
      return {
        facts: { fetch: { url: url.href, outcome: 'not fetched', detail: budget.detail } },
        limits: budget.firstRefusal ? [{ limit: 'maxFetches', detail: budget.detail }] : [],
      };
    }
    const fetchedAt = new Date().toISOString();
    const outcome = await fetcherFor(ctx).fetch(url.href, ctx.signal);
    return outcome.ok ? served(outcome, fetchedAt, ctx) : notServed(outcome, fetchedAt);
  },
};

function hopFacts(outcome: FetchOutcome) {
  return outcome.hops.map((h) => ({ url: h.url, address: h.address, status: h.status }));
}

function notServed(outcome: Extract<FetchOutcome, { ok: false }>, fetchedAt: string): AnalyzerResult {
  const refused = outcome.outcome === 'refused';
  return {
    findings: [{ id: refused ? 'download.refused' : 'download.failed', evidence: `${outcome.url}: ${outcome.detail}` }],
    facts: { fetch: { url: outcome.url, outcome: outcome.outcome, detail: outcome.detail, redirects: hopFacts(outcome), fetchedAt, elapsedMs: outcome.elapsedMs } },
    label: refused ? 'not fetched (refused)' : `not fetched (${outcome.outcome})`,
  };
}

function served(outcome: FetchServed, fetchedAt: string, ctx: AnalysisContext): AnalyzerResult {
  const facts = {
    fetch: {
      url: outcome.url,
      finalUrl: outcome.finalUrl,
      status: outcome.status,
      redirects: hopFacts(outcome),
      address: outcome.address,
      headers: outcome.headers,
      bytes: outcome.body.length,
      truncated: outcome.truncated,
      proxied: outcome.proxied,
      ...(outcome.tls ? { tls: outcome.tls } : {}),
      fetchedAt,
      elapsedMs: outcome.elapsedMs,
    },
  };
  const iocs: IocHit[] = [];
  if (outcome.finalUrl !== outcome.url) iocs.push({ type: 'url', value: outcome.finalUrl, role: 'redirect-target' });
  if (!refusalReason(outcome.address)) iocs.push({ type: 'ip', value: outcome.address, role: 'payload-server' });
  const result: AnalyzerResult = { facts, iocs, findings: [] };
  if (outcome.status < 200 || outcome.status >= 300) {
    result.findings!.push({ id: 'download.failed', evidence: `${outcome.finalUrl}: HTTP ${outcome.status}` });
    result.label = `HTTP ${outcome.status}`;
    return result;
  }
  if (outcome.truncated) {
    result.limits = [{ limit: 'fetchBytes', detail: `${outcome.finalUrl} served more than ${ctx.limits.fetchBytes} bytes; kept the first ${outcome.body.length}` }];
  }
  const name = downloadName(outcome.finalUrl, outcome.headers['content-disposition']);
  const kind = identify(outcome.body, name);
  const contentType = outcome.headers['content-type'] ?? '';
  if (RUNNABLE_KINDS.has(kind) || CONTAINER_KINDS.has(kind)) {
    // What a victim's browser saved: the name and hash hunts look for in endpoint file-creation events.
    iocs.push({ type: 'filename', value: name, role: 'downloaded-file' }, { type: 'sha256', value: sha256(outcome.body), role: 'downloaded-file' });
  }
  if (RUNNABLE_KINDS.has(kind)) {
    result.findings!.push({ id: 'download.executable-content', evidence: `${outcome.finalUrl} served ${kind} "${name}" (${outcome.body.length} bytes)` });
  }
  if ((RUNNABLE_KINDS.has(kind) || CONTAINER_KINDS.has(kind)) && (DOCUMENT_EXTENSION.test(name) || DOCUMENT_TYPE.test(contentType))) {
    result.findings!.push({ id: 'download.disguised-content', evidence: `"${name}" served as ${contentType || 'no type'} is ${kind}` });
  }
  result.children = [{ relation: 'downloaded', name, data: outcome.body, meta: { url: outcome.url, finalUrl: outcome.finalUrl, contentType } }];
  result.label = `downloaded (HTTP ${outcome.status})`;
  return result;
}
