// The one HTTP client: fetches a URL from a reported email the way a victim's Windows browser would, but
// only from checked public addresses, with every redirect re-checked, and inside time and size caps.

import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import tls from 'node:tls';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import { connectTunnel, proxyAuthorization, proxyFor } from './proxy.ts';
import { checkTarget, FetchRefused, type CheckedTarget, type TargetPolicy } from './target.ts';

export interface FetchPolicy extends TargetPolicy {
  userAgent: string;
  /** An http:// egress proxy; when unset, HTTPS_PROXY / HTTP_PROXY from the environment. */
  proxy?: string;
  maxBytes: number;
  timeMs: number;
  maxRedirects: number;
}

export interface FetchHop {
  url: string;
  address?: string;
  status?: number;
}

interface Common {
  url: string;
  /** Every URL requested, the first one included, with the address it was fetched from and the status. */
  hops: FetchHop[];
  elapsedMs: number;
}

export interface FetchServed extends Common {
  ok: true;
  finalUrl: string;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** The body was longer than the size cap and was cut there. */
  truncated: boolean;
  address: string;
  via: CheckedTarget['via'];
  proxied: boolean;
  /** For HTTPS: whether the certificate was valid (it is recorded, not required) and who it names. */
  tls?: TlsFacts;
}

export interface TlsFacts {
  authorized: boolean;
  error?: string;
  subject?: string;
  issuer?: string;
  validTo?: string;
}

export interface FetchFailed extends Common {
  ok: false;
  /** refused: the SSRF policy said no; failed: network or protocol; timeout: the time cap. */
  outcome: 'refused' | 'failed' | 'timeout' | 'too-many-redirects';
  detail: string;
}

export type FetchOutcome = FetchServed | FetchFailed;

/** Fetches `url`, following up to `maxRedirects` redirects, each one checked like the first. */
export async function safeFetch(url: string, policy: FetchPolicy, outer?: AbortSignal): Promise<FetchOutcome> {
  const started = performance.now();
  const timer = AbortSignal.timeout(policy.timeMs);
  const signal = outer ? AbortSignal.any([outer, timer]) : timer;
  const hops: FetchHop[] = [];
  const done = <T extends object>(rest: T) => ({ url, hops, elapsedMs: Math.round(performance.now() - started), ...rest });
  let current = url;
  try {
    for (let redirects = 0; ; redirects++) {
      const hop: FetchHop = { url: current };
      hops.push(hop);
      let target: URL;
      try {
        target = new URL(current);
      } catch {
        return done({ ok: false as const, outcome: 'refused' as const, detail: `not a valid URL: ${current}` });
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        return done({ ok: false as const, outcome: 'refused' as const, detail: `only http and https are fetched, not ${target.protocol}` });
      }
      const checked = await checkTarget(target.hostname, policy);
      hop.address = checked.address;
      const { response, proxied } = await request(target, checked, policy, signal);
      hop.status = response.statusCode;
      const location = response.headers.location;
      if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location) {
        response.resume();
        if (redirects >= policy.maxRedirects) {
          response.destroy();
          return done({ ok: false as const, outcome: 'too-many-redirects' as const, detail: `more than ${policy.maxRedirects} redirects; the last pointed to ${location}` });
        }
        current = new URL(location, target).href;
        continue;
      }
      const tlsFacts = tlsOf(response);
      const { body, truncated } = await readBody(response, policy.maxBytes, signal);
      return done({
        ok: true as const,
        finalUrl: target.href,
        status: response.statusCode ?? 0,
        headers: flatHeaders(response),
        body,
        truncated,
        address: checked.address,
        via: checked.via,
        proxied,
        ...(tlsFacts ? { tls: tlsFacts } : {}),
      });
    }
  } catch (err) {
    if (err instanceof FetchRefused) return done({ ok: false as const, outcome: 'refused' as const, detail: err.detail });
    if (timer.aborted) return done({ ok: false as const, outcome: 'timeout' as const, detail: `no complete answer within ${policy.timeMs} ms` });
    if (outer?.aborted) return done({ ok: false as const, outcome: 'timeout' as const, detail: 'the analysis time ran out during the download' });
    const e = err as NodeJS.ErrnoException;
    const detail = e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
    return done({ ok: false as const, outcome: 'failed' as const, detail });
  }
}

function request(target: URL, checked: CheckedTarget, policy: FetchPolicy, signal: AbortSignal): Promise<{ response: IncomingMessage; proxied: boolean }> {
  const isHttps = target.protocol === 'https:';
  const port = Number(target.port) || (isHttps ? 443 : 80);
  const headers: Record<string, string> = {
    host: target.host,
    'user-agent': policy.userAgent,
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'accept-language': 'en-US,en;q=0.9',
    'accept-encoding': 'gzip, deflate, br',
    connection: 'close',
  };
  const proxy = proxyFor(target, policy.proxy);
  // Connect to the checked address only: the lookup hook answers with it instead of asking DNS again.
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: checked.address, family: checked.family }]);
    else callback(null, checked.address, checked.family);
  };
  const servername = checked.via === 'literal' ? undefined : checked.host;
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage) => resolve({ response, proxied: proxy !== undefined });
    if (!proxy) {
      const options = { hostname: checked.host, port, path: target.pathname + target.search, method: 'GET', headers, signal, lookup: pinned, servername, rejectUnauthorized: false, agent: false };
      const req = (isHttps ? https : http).request(options, onResponse);
      req.once('error', reject);
      req.end();
      return;
    }
    const address = checked.family === 6 ? `[${checked.address}]` : checked.address;
    if (!isHttps) {
      // Plain HTTP through a proxy: the absolute URL names the checked address, the Host header the site.
      const req = http.request(
        { host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port) || 80, method: 'GET', path: `http://${address}:${port}${target.pathname}${target.search}`, headers: { ...headers, ...proxyAuthorization(proxy) }, signal, agent: false },
        onResponse,
      );
      req.once('error', reject);
      req.end();
      return;
    }
    connectTunnel(proxy, checked.address, port, signal).then((socket) => {
      const req = https.request(
        {
          hostname: checked.host,
          port,
          path: target.pathname + target.search,
          method: 'GET',
          headers,
          signal,
          // No agent: only without one does node use createConnection (and never resolve the name itself).
          createConnection: () => tls.connect({ socket, servername, rejectUnauthorized: false }),
        },
        onResponse,
      );
      req.once('error', reject);
      req.end();
    }, reject);
  });
}

/** Reads at most `maxBytes` of the decoded body; a longer body is cut and marked, never buffered whole. */
async function readBody(response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<{ body: Uint8Array; truncated: boolean }> {
  const decoder = decoderFor(response.headers['content-encoding']);
  const stream = decoder ? response.pipe(decoder) : response;
  if (decoder) response.once('error', (err) => decoder.destroy(err));
  const chunks: Buffer[] = [];
  let total = 0;
  let truncated = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal.aborted) throw signal.reason;
      const room = maxBytes - total;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        total += room;
        truncated = true;
        break;
      }
      chunks.push(chunk);
      total += chunk.length;
    }
  } finally {
    response.destroy();
    decoder?.destroy();
  }
  return { body: new Uint8Array(Buffer.concat(chunks, total)), truncated };
}

function decoderFor(encoding: string | undefined): Transform | undefined {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

function tlsOf(response: IncomingMessage): TlsFacts | undefined {
  const socket = response.socket as tls.TLSSocket | null;
  if (!socket || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  const name = (n: unknown) => (n && typeof n === 'object' ? Object.entries(n as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(', ') : undefined);
  const error = socket.authorizationError;
  return {
    authorized: socket.authorized,
    ...(error ? { error: String(error) } : {}),
    ...(cert && Object.keys(cert).length ? { subject: name(cert.subject), issuer: name(cert.issuer), validTo: cert.valid_to } : {}),
  };
}

const MAX_HEADER_VALUE = 500;

function flatHeaders(response: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = text.length > MAX_HEADER_VALUE ? `${text.slice(0, MAX_HEADER_VALUE)}…` : text;
  }
  return out;
}
