import assert from 'node:assert/strict';
import { test } from 'node:test';
import { urlAnalyzer } from '../src/analyzers/url/index.ts';
import { decodeProofpointV2, decodeProofpointV3, unwrapUrl } from '../src/analyzers/url/unwrap.ts';
import { defaultConfig } from '../src/config.ts';
import type { AnalysisContext, AnalyzerResult, Artifact } from '../src/engine/types.ts';
import { analysisContext } from './generators/context.ts';

function context(ownDomains: string[] = []): AnalysisContext {
  return analysisContext({ config: { ...defaultConfig(), ownDomains } });
}

async function run(url: string, opts: { own?: string[]; meta?: Record<string, unknown> } = {}): Promise<AnalyzerResult> {
  const data = new TextEncoder().encode(url);
  const artifact: Artifact = { id: 'a4', parent: 'a2', relation: 'link', kind: 'url', name: url, sha256: '', size: data.length, depth: 2, data, meta: opts.meta ?? {} };
  return urlAnalyzer.analyze(artifact, context(opts.own));
}

const ids = async (url: string, own: string[] = []) => ((await run(url, { own })).findings ?? []).map((f) => f.id).sort();

test('IOCs: the URL and its domain, or its IP; label "link"', async () => {
  const r = await run('https://Files.Example.org/a/b.pdf');
  assert.deepEqual(r.iocs, [
    { type: 'url', value: 'https://files.example.org/a/b.pdf', role: 'link' },
    { type: 'domain', value: 'files.example.org', role: 'link-host' },
  ]);
  assert.equal(r.label, 'link');
  assert.equal(r.facts?.domain, 'example.org');
  const ip = await run('http://198.51.100.7:8080/x.dat');
  assert.deepEqual(ip.iocs?.[1], { type: 'ip', value: '198.51.100.7', role: 'link-host' });
  assert.deepEqual(await ids('http://198.51.100.7:8080/x.dat'), ['url.ip-host']);
});

test('each signal on its own', async () => {
  assert.deepEqual(await ids('https://bit.ly/3xYz'), ['url.shortener']);
  assert.deepEqual(await ids('http://3232235777/p'), ['url.ip-host'], 'decimal IP forms are normalised first');
  assert.deepEqual(await ids('https://shop.example/dl/Invoice%204411.zip'), ['url.download.archive']);
  assert.deepEqual(await ids('https://shop.example/x/INV_0042.JS'), ['url.download.executable']);
  assert.deepEqual(await ids('https://shop.example/report.pdf'), []);
  assert.deepEqual(await ids('https://my-invoice.000webhostapp.com/'), ['url.free-hosting']);
  assert.deepEqual(await ids('http://c2.duckdns.org/'), ['url.dynamic-dns']);
  assert.deepEqual(await ids('https://www.paypal.com@login.example/'), ['url.credentials-in-url']);
  assert.deepEqual(await ids('https://xn--mller-kva.example/'), ['url.punycode']);
});

test('lookalikes of our domains and of brands', async () => {
  assert.deepEqual(await ids('https://acme-c0rp.com/sso', ['acme-corp.com']), ['url.lookalike.own']);
  assert.deepEqual(await ids('https://sso.acme-corp.com/', ['acme-corp.com']), []);
  assert.deepEqual(await ids('https://xn--pypal-4ve.com/signin'), ['url.lookalike.brand', 'url.punycode']);
  const weak = await run('https://paypal-support-center.net/');
  assert.equal(weak.findings?.[0]?.id, 'url.lookalike.brand');
  assert.equal(weak.findings?.[0]?.score, 150, 'a brand name inside a longer domain scores lower than a look-alike spelling');
  assert.deepEqual(await ids('https://login.microsoftonline.com/common/oauth2'), []);
});

test("a Mimecast link's domain hint is an IOC and is checked for lookalikes", async () => {
  const r = await run('https://protect-eu.mimecast.com/s/Xy12?domain=acme-corp.co', {
    own: ['acme-corp.com'],
    meta: { wrappers: ['Mimecast URL Protect'], wrappedDomain: 'acme-corp.co' },
  });
  assert.ok(r.iocs?.some((i) => i.type === 'domain' && i.value === 'acme-corp.co'));
  assert.match(r.findings?.[0]?.evidence ?? '', /acme-corp\.co imitates our acme-corp\.com \(tld swap\)/);
  assert.deepEqual(r.facts?.unwrappedFrom, ['Mimecast URL Protect']);
});

test('not a URL: an error, never a crash', async () => {
  const r = await run('::not a url::');
  assert.equal(r.findings, undefined);
  assert.match(r.errors?.[0] ?? '', /not a URL/);
});

test('Proofpoint encodings decode as the vendor documents them', () => {
  assert.equal(decodeProofpointV2('https-3A__www.example.com_a-3Fb-3D1-26c-3D2'), 'https://www.example.com/a?b=1&c=2');
  // "*" takes the next replaced character; "**A" a run of two.
  assert.equal(decodeProofpointV3('https://urldefense.com/v3/__https://ex.example/a*b__;Iw!!tok!sig$'), 'https://ex.example/a#b');
  assert.equal(decodeProofpointV3('https://urldefense.com/v3/__https://ex.example/?q=**A__;JiY!!tok$'), 'https://ex.example/?q=&&');
  assert.equal(decodeProofpointV3('https://urldefense.com/v3/__https://ex.example/***__;!!tok$'), undefined, 'missing characters');
});

test('wrappers nest: the innermost URL wins, bounded layers', () => {
  const inner = 'https://payload.example/x.zip';
  const google = `https://www.google.com/url?q=${encodeURIComponent(inner)}`;
  const safelinks = `https://nam12.safelinks.protection.outlook.com/?url=${encodeURIComponent(google)}&data=1`;
  const r = unwrapUrl(safelinks);
  assert.equal(r.url, inner);
  assert.deepEqual(r.wrappers, ['Microsoft Safe Links', 'Google redirect']);
  let loop = inner;
  for (let i = 0; i < 20; i++) loop = `https://www.google.com/url?q=${encodeURIComponent(loop)}`;
  assert.equal(unwrapUrl(loop).wrappers.length, 5);
  assert.deepEqual(unwrapUrl('https://www.google.com/url?q=javascript:alert(1)').wrappers, [], 'only web URLs are unwrapped');
});
