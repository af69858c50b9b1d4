// The downloader's SSRF guard: every address form an attacker can put in a link (or answer from DNS, or
// redirect to) must be refused before any connection, unless the analyst allowed the host.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { defaultConfig } from '../src/config.ts';
import type { FetchOutcome } from '../src/fetch/client.ts';
import { proxyFor } from '../src/fetch/proxy.ts';
import { createFetcher } from '../src/fetch/service.ts';
import { systemResolver, type Resolver } from '../src/fetch/target.ts';
import { startPayloadServer, type PayloadServer } from './generators/payload-server.ts';

let server: PayloadServer;

before(async () => {
  server = await startPayloadServer({
    '/payload.zip': { body: 'PK payload', type: 'application/zip' },
    '/windows-only': { body: 'for windows', userAgent: /Windows NT/ },
    '/big': { body: 'x'.repeat(100_000) },
    '/gz': { body: gzipSync('compressed page'), headers: { 'content-encoding': 'gzip' }, type: 'text/html' },
    '/to-file': { redirect: 'file:///etc/passwd' },
  });
});
after(() => server.close());

/** Canned DNS: the names tests use, so no test ever asks a real resolver (except for localhost). */
const cannedDns: Resolver = async (host) => {
  const answers: Record<string, string[]> = {
    'intranet.example': ['10.0.0.5'],
    'metadata.example': ['169.254.169.254'],
    'rebind.example': ['93.184.216.34', '127.0.0.1'],
    'v6private.example': ['fd12:3456::1'],
  };
  const a = answers[host];
  if (!a) throw Object.assign(new Error(`no canned answer for ${host}`), { code: 'ENOTFOUND' });
  return a;
};

function fetcher(fetch: Partial<ReturnType<typeof defaultConfig>['fetch']> = {}, limits: Partial<ReturnType<typeof defaultConfig>['limits']> = {}, resolver: Resolver = cannedDns) {
  const config = defaultConfig();
  config.fetch = { ...config.fetch, mode: 'live', ...fetch };
  Object.assign(config.limits, limits);
  return createFetcher(config, resolver);
}

function refused(outcome: FetchOutcome): string {
  assert.equal(outcome.ok, false, `expected a refusal, got ${outcome.ok ? `HTTP ${outcome.status}` : ''}`);
  assert.ok(!outcome.ok);
  assert.equal(outcome.outcome, 'refused', outcome.detail);
  return outcome.detail;
}

test('loopback in every spelling is refused before any connection', async () => {
  const before = server.requests.length;
  const port = server.port;
  const forms = {
    [`http://127.0.0.1:${port}/payload.zip`]: /loopback/,
    [`http://2130706433:${port}/payload.zip`]: /loopback/, // decimal
    [`http://0x7f.1:${port}/payload.zip`]: /loopback/, // hex, short form
    [`http://0x7f000001:${port}/payload.zip`]: /loopback/, // hex, one number
    [`http://017700000001:${port}/payload.zip`]: /loopback/, // octal
    [`http://0177.0.0.1:${port}/payload.zip`]: /loopback/, // octal, dotted
    [`http://127.1:${port}/payload.zip`]: /loopback/,
    [`http://[::1]:${port}/payload.zip`]: /loopback/,
    [`http://[::ffff:127.0.0.1]:${port}/payload.zip`]: /IPv4-mapped/,
    [`http://[::ffff:7f00:1]:${port}/payload.zip`]: /IPv4-mapped/,
  };
  for (const [url, why] of Object.entries(forms)) assert.match(refused(await fetcher().fetch(url)), why, url);
  assert.equal(server.requests.length, before, 'nothing reached the server');
});

test('private, link-local, CGNAT, multicast, unspecified and IPv6 ULA/link-local addresses are refused', async () => {
  const forms = {
    'http://10.1.2.3/x': /private/,
    'http://172.16.0.1/x': /private/,
    'http://192.168.1.1/x': /private/,
    'http://169.254.169.254/latest/meta-data/': /link-local/,
    'http://100.64.0.1/x': /carrier-grade NAT/,
    'http://224.0.0.1/x': /multicast/,
    'http://239.255.255.250/x': /multicast/,
    'http://0.0.0.0/x': /unspecified/,
    'http://0/x': /unspecified/,
    'http://[::]/x': /unspecified/,
    'http://[fd00::1]/x': /unique local/,
    'http://[fc00::5]/x': /unique local/,
    'http://[fe80::1]/x': /link-local/,
    'http://[ff02::1]/x': /multicast/,
    'http://[64:ff9b::a00:1]/x': /NAT64/,
  };
  for (const [url, why] of Object.entries(forms)) assert.match(refused(await fetcher().fetch(url)), why, url);
});

test('a name whose DNS answer is private is refused, as is a mixed public/private answer', async () => {
  assert.match(refused(await fetcher().fetch('http://intranet.example/x')), /intranet\.example → 10\.0\.0\.5: private/);
  assert.match(refused(await fetcher().fetch('http://metadata.example/x')), /link-local/);
  assert.match(refused(await fetcher().fetch('http://rebind.example/x')), /127\.0\.0\.1: loopback/);
  assert.match(refused(await fetcher().fetch('http://v6private.example/x')), /unique local/);
  // The system resolver too: localhost answers from /etc/hosts with a loopback address.
  const real = fetcher({}, {}, systemResolver);
  assert.match(refused(await real.fetch(`http://localhost:${server.port}/payload.zip`)), /localhost → .*loopback/);
});

test('a --resolve pin to a private address is still checked', async () => {
  const f = fetcher({ resolve: { 'invoices.example': '127.0.0.1' } });
  assert.match(refused(await f.fetch(server.url('/payload.zip', 'invoices.example'))), /invoices\.example → 127\.0\.0\.1: loopback/);
});

test('--allow-host by address or by name lets tests reach 127.0.0.1; the served bytes and facts come back', async () => {
  const byIp = await fetcher({ allowHosts: ['127.0.0.1'] }).fetch(server.url('/payload.zip'));
  assert.ok(byIp.ok);
  assert.equal(Buffer.from(byIp.body).toString(), 'PK payload');
  assert.equal(byIp.status, 200);
  assert.equal(byIp.headers['content-type'], 'application/zip');

  const byName = await fetcher({ allowHosts: ['invoices.example'], resolve: { 'invoices.example': '127.0.0.1' } }).fetch(server.url('/payload.zip', 'invoices.example'));
  assert.ok(byName.ok);
  assert.equal(byName.address, '127.0.0.1');
  assert.equal(byName.via, 'pinned');
  const seen = server.requests.at(-1)!;
  assert.equal(seen.headers.host, `invoices.example:${server.port}`, 'the site is asked for by its name');
});

test('a redirect from an allowed host to 127.0.0.1 is refused at the redirect', async () => {
  const pins = { allowHosts: ['allowed.example'], resolve: { 'allowed.example': '127.0.0.1' } };
  const redirecting = await startPayloadServer({ '/go': { redirect: server.url('/payload.zip') } });
  try {
    const before = server.requests.length;
    const outcome = await fetcher(pins).fetch(redirecting.url('/go', 'allowed.example'));
    assert.match(refused(outcome), /127\.0\.0\.1: loopback/);
    assert.deepEqual(outcome.hops.map((h) => h.url), [redirecting.url('/go', 'allowed.example'), server.url('/payload.zip')]);
    assert.equal(outcome.hops[0]!.status, 302);
    assert.equal(server.requests.length, before, 'the redirect target was never contacted');
  } finally {
    await redirecting.close();
  }
});

test('redirects: at most maxRedirects, http(s) only; the chain is recorded', async () => {
  const routes: Record<string, { redirect: string }> = {};
  for (let i = 0; i < 8; i++) routes[`/r${i}`] = { redirect: `/r${i + 1}` };
  const loop = await startPayloadServer({ ...routes, '/r3': { redirect: server.url('/payload.zip') } });
  try {
    const f = fetcher({ allowHosts: ['127.0.0.1'] }, { maxRedirects: 5 });
    const ok = await f.fetch(loop.url('/r0'));
    assert.ok(ok.ok);
    assert.equal(ok.finalUrl, server.url('/payload.zip'));
    assert.deepEqual(ok.hops.map((h) => new URL(h.url).pathname), ['/r0', '/r1', '/r2', '/r3', '/payload.zip']);

    const tooMany = await fetcher({ allowHosts: ['127.0.0.1'] }, { maxRedirects: 2 }).fetch(loop.url('/r0'));
    assert.ok(!tooMany.ok);
    assert.equal(tooMany.outcome, 'too-many-redirects');
  } finally {
    await loop.close();
  }
  assert.match(refused(await fetcher({ allowHosts: ['127.0.0.1'] }).fetch(server.url('/to-file'))), /only http and https/);
  assert.match(refused(await fetcher().fetch('ftp://files.example/x.zip')), /only http and https/);
});

test('a Windows browser User-Agent by default; size cap; compressed answers decoded', async () => {
  const f = fetcher({ allowHosts: ['127.0.0.1'] }, { fetchBytes: 10_000 });
  const windows = await f.fetch(server.url('/windows-only'));
  assert.ok(windows.ok);
  assert.equal(windows.status, 200, 'the UA-filtering server served us');

  const big = await f.fetch(server.url('/big'));
  assert.ok(big.ok);
  assert.equal(big.body.length, 10_000);
  assert.equal(big.truncated, true);

  const gz = await f.fetch(server.url('/gz'));
  assert.ok(gz.ok);
  assert.equal(Buffer.from(gz.body).toString(), 'compressed page');
});

test('a server that never answers ends at the time cap as an outcome, not a hang', async () => {
  const silent = http.createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  try {
    const port = (silent.address() as AddressInfo).port;
    const outcome = await fetcher({ allowHosts: ['127.0.0.1'] }, { fetchTimeMs: 300 }).fetch(`http://127.0.0.1:${port}/`);
    assert.ok(!outcome.ok);
    assert.equal(outcome.outcome, 'timeout');
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});

test('through an egress proxy, the proxy is asked for the checked address, with the site in Host', async () => {
  const seen: { url?: string; host?: string }[] = [];
  const proxy = http.createServer((req, res) => {
    seen.push({ url: req.url, host: req.headers.host });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('via proxy');
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const f = fetcher({ proxy: proxyUrl, allowHosts: ['invoices.example'], resolve: { 'invoices.example': '127.0.0.1' } });
    const outcome = await f.fetch('http://invoices.example:8080/inv.zip');
    assert.ok(outcome.ok);
    assert.equal(outcome.proxied, true);
    assert.equal(Buffer.from(outcome.body).toString(), 'via proxy');
    assert.deepEqual(seen, [{ url: 'http://127.0.0.1:8080/inv.zip', host: 'invoices.example:8080' }]);
    // The SSRF check still runs before the proxy is involved.
    assert.match(refused(await fetcher({ proxy: proxyUrl }).fetch('http://10.0.0.1/x')), /private/);
    assert.equal(seen.length, 1);
  } finally {
    proxy.closeAllConnections();
    proxy.close();
  }
});

test('HTTPS_PROXY / HTTP_PROXY from the environment, NO_PROXY honoured', () => {
  const env = { HTTPS_PROXY: 'http://egress:3128', HTTP_PROXY: 'egress:8080', NO_PROXY: 'internal.example,.corp' };
  assert.equal(proxyFor(new URL('https://bad.example/x'), undefined, env)?.host, 'egress:3128');
  assert.equal(proxyFor(new URL('http://bad.example/x'), undefined, env)?.host, 'egress:8080');
  assert.equal(proxyFor(new URL('http://a.internal.example/x'), undefined, env), undefined);
  assert.equal(proxyFor(new URL('http://x.corp/x'), undefined, env), undefined);
  assert.equal(proxyFor(new URL('http://bad.example/x'), undefined, {}), undefined);
});

test('a name that does not resolve is a failure, not a refusal', async () => {
  const outcome = await fetcher().fetch('http://gone.example/x.zip');
  assert.ok(!outcome.ok);
  assert.equal(outcome.outcome, 'failed');
  assert.match(outcome.detail, /gone\.example does not resolve \(ENOTFOUND\)/);
});
