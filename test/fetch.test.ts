// The download analyzer inside the engine: each URL once, a per-submission budget that keeps room for links
// that look like payloads, the fetch recorded as facts, and what was served analysed as a `downloaded` child.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { downloadAnalyzer } from '../src/analyzers/download/index.ts';
import { downloadName } from '../src/analyzers/download/filename.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import type { Analyzer, EngineConfig } from '../src/engine/types.ts';
import { createFetcher } from '../src/fetch/service.ts';
import { buildReport } from '../src/verdict/report.ts';
import { startPayloadServer, type PayloadServer } from './generators/payload-server.ts';
import { makeZip } from './generators/zip.ts';

let server: PayloadServer;

before(async () => {
  const routes: Parameters<typeof startPayloadServer>[0] = {
    '/doc.pdf': { body: await makeZip([{ name: 'a.js', data: 'WScript.Echo(1)' }]), type: 'application/pdf' },
    '/tool.exe': { body: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]), type: 'application/octet-stream' },
    '/gone.zip': { status: 404, body: 'not here' },
  };
  for (let i = 0; i < 10; i++) routes[`/page${i}`] = { body: `<html><body>page ${i}</body></html>`, type: 'text/html' };
  server = await startPayloadServer(routes);
});
after(() => server.close());

/** A stand-in email that links to each of `urls` (url children, as the real email/url analyzers make them). */
function linking(urls: string[]): Analyzer {
  return {
    name: 'email',
    findings: {},
    analyze: () => ({ children: urls.map((u) => ({ relation: 'link' as const, name: u, data: new TextEncoder().encode(u), kind: 'url' })) }),
  };
}

async function run(urls: string[], options: { limits?: Partial<EngineConfig['limits']>; fetch?: Partial<EngineConfig['fetch']>; shared?: boolean } = {}) {
  const config = defaultConfig();
  config.fetch = { ...config.fetch, mode: 'live', allowHosts: ['127.0.0.1'], ...options.fetch };
  Object.assign(config.limits, options.limits ?? {});
  const services = options.shared === false ? {} : { fetcher: createFetcher(config) };
  const mail = new TextEncoder().encode('From: a@b.example\nSubject: x\n\nlinks');
  return buildReport(await analyzeSubmission({ name: 'r.eml', data: mail }, { config, analyzers: [linking(urls), downloadAnalyzer], services }));
}

test('each URL is fetched once; the fragment does not make it another URL', async () => {
  const before = server.requests.length;
  await run([server.url('/page1'), server.url('/page1#top'), server.url('/page1')]);
  assert.equal(server.requests.length - before, 1);
});

test('the fetch budget keeps room for payload-looking links behind many ordinary ones', async () => {
  const pages = Array.from({ length: 8 }, (_, i) => server.url(`/page${i}`));
  const report = await run([...pages, server.url('/tool.exe')], { limits: { maxFetches: 4 } });
  const fetched = report.artifacts.filter((a) => a.relation === 'downloaded').map((a) => a.name);
  assert.deepEqual(fetched, ['page0', 'page1', 'tool.exe'], 'two ordinary pages (half the budget), then the payload');
  assert.equal(report.limits.filter((l) => l.limit === 'maxFetches').length, 1, 'the cap is reported once');
  assert.ok(report.findings.some((f) => f.id === 'download.executable-content'));
});

test('the served bytes are identified by content; a ZIP served as a PDF is called out', async () => {
  const report = await run([server.url('/doc.pdf')]);
  const served = report.artifacts.find((a) => a.relation === 'downloaded')!;
  assert.equal(served.kind, 'zip');
  assert.equal(served.name, 'doc.pdf');
  assert.match(report.findings.find((f) => f.id === 'download.disguised-content')!.evidence, /is zip/);
  const url = report.artifacts.find((a) => a.id === served.parent)!;
  const fetch = (url.facts as { fetch: Record<string, unknown> }).fetch;
  assert.equal(fetch.status, 200);
  assert.equal((fetch.headers as Record<string, string>)['content-type'], 'application/pdf');
  assert.equal(typeof fetch.fetchedAt, 'string');
  assert.ok(report.iocs.some((i) => i.type === 'filename' && i.value === 'doc.pdf' && i.role === 'downloaded-file'));
  assert.ok(report.iocs.some((i) => i.type === 'sha256' && i.value === served.sha256 && i.role === 'downloaded-file'));
});

test('an error status is a fact and a zero-score finding, not a child', async () => {
  const report = await run([server.url('/gone.zip')]);
  assert.ok(!report.artifacts.some((a) => a.relation === 'downloaded'));
  const failed = report.findings.find((f) => f.id === 'download.failed')!;
  assert.match(failed.evidence, /HTTP 404/);
  assert.equal(failed.score, 0);
  assert.equal(report.verdict, 'benign');
});

test('without the shared service the analyzer builds its own downloader from the config', async () => {
  const report = await run([server.url('/page3')], { shared: false });
  assert.ok(report.artifacts.some((a) => a.relation === 'downloaded' && a.name === 'page3'));
});

test('with fetching off nothing is requested', async () => {
  const before = server.requests.length;
  const report = await run([server.url('/tool.exe')], { fetch: { mode: 'off' } });
  assert.equal(server.requests.length, before);
  assert.ok(!report.artifacts.some((a) => a.relation === 'downloaded'));
});

test('download names: Content-Disposition (RFC 6266 too), else the last path segment, never a path', () => {
  assert.equal(downloadName('http://x.example/a/b/Invoice%204411.zip?x=1', undefined), 'Invoice 4411.zip');
  assert.equal(downloadName('http://x.example/get', 'attachment; filename="Scan 0091.zip"'), 'Scan 0091.zip');
  assert.equal(downloadName('http://x.example/get', "attachment; filename*=UTF-8''Rechnung%20%C3%BC.zip; filename=\"x.zip\""), 'Rechnung ü.zip');
  assert.equal(downloadName('http://x.example/get', 'attachment; filename="..\\..\\Windows\\evil.dll"'), 'evil.dll');
  assert.equal(downloadName('http://x.example/', undefined), 'x.example');
});

test('the browser profile is configurable by name (rules/fetch.yaml) or as a literal User-Agent', async () => {
  for (const [setting, expected] of [['windows-firefox', /Firefox\/\d+/], ['Mozilla/5.0 (custom analyst UA)', /^Mozilla\/5\.0 \(custom analyst UA\)$/]] as const) {
    await run([server.url(`/page9?ua=${encodeURIComponent(setting)}`)], { fetch: { userAgent: setting } });
    const seen = server.requests.at(-1)!;
    assert.match(seen.headers['user-agent'] ?? '', expected);
  }
});
