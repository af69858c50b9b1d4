// HTTPS through the safe downloader: straight to a TLS server (SNI carries the site's name while the
// connection goes to the checked address), and through an egress proxy's CONNECT tunnel to that address.
// The certificate is generated per run with openssl (self-signed; the downloader records, not trusts, TLS).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { defaultConfig } from '../src/config.ts';
import { createFetcher } from '../src/fetch/service.ts';

let tlsServer: https.Server;
let proxy: http.Server;
let tlsPort: number;
let proxyPort: number;
const sniSeen: (string | false)[] = [];
const tunnels: string[] = [];

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tacklebox-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=invoices.example', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    tlsServer = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`tls ok for ${req.headers.host}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  tlsServer.on('secureConnection', (socket) => sniSeen.push((socket as unknown as { servername: string | false }).servername));
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  tlsPort = (tlsServer.address() as AddressInfo).port;

  // A minimal CONNECT proxy, as corporate egress proxies are: it records the authority it was asked for.
  proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = [req.url!.slice(0, req.url!.lastIndexOf(':')), Number(req.url!.slice(req.url!.lastIndexOf(':') + 1))];
    const upstream = net.connect(port, host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyPort = (proxy.address() as AddressInfo).port;
});

after(() => {
  tlsServer.closeAllConnections();
  tlsServer.close();
  proxy.close();
});

function fetcher(extra: Partial<ReturnType<typeof defaultConfig>['fetch']> = {}) {
  const config = defaultConfig();
  config.fetch = { ...config.fetch, mode: 'live', allowHosts: ['invoices.example'], resolve: { 'invoices.example': '127.0.0.1' }, ...extra };
  return createFetcher(config);
}

test('HTTPS to a pinned name: connects to the checked address, SNI and Host name the site', async () => {
  const outcome = await fetcher().fetch(`https://invoices.example:${tlsPort}/inv.zip`);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.detail);
  assert.equal(Buffer.from(outcome.body).toString(), `tls ok for invoices.example:${tlsPort}`);
  assert.equal(sniSeen.at(-1), 'invoices.example');
  assert.equal(outcome.tls?.authorized, false, 'a self-signed certificate is recorded as not valid');
  assert.match(outcome.tls?.subject ?? '', /CN=invoices\.example/);
});

test('HTTPS through a CONNECT proxy: the tunnel goes to the checked address, not the name', async () => {
  const outcome = await fetcher({ proxy: `http://127.0.0.1:${proxyPort}` }).fetch(`https://invoices.example:${tlsPort}/inv.zip`);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.detail);
  assert.equal(outcome.proxied, true);
  assert.deepEqual(tunnels, [`127.0.0.1:${tlsPort}`]);
  assert.equal(sniSeen.at(-1), 'invoices.example');
});
