// A test payload server: serves given paths on 127.0.0.1 (random port), like the compromised sites of the
// chains do, and records what each request looked like. Reused by every test that needs a link to answer.
//
//   const server = await startPayloadServer({ '/inv.zip': { body: zipBytes, type: 'application/zip' } });
//   server.url('/inv.zip')  // http://127.0.0.1:PORT/inv.zip
//   await server.close();

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PayloadRoute {
  status?: number;
  body?: string | Uint8Array;
  /** Content-Type (default application/octet-stream). */
  type?: string;
  headers?: Record<string, string>;
  /** Answer with a 302 to this location (absolute or relative). */
  redirect?: string;
  /** Answer 404 unless the User-Agent matches, as payload servers that filter on Windows browsers do. */
  userAgent?: RegExp;
}

export interface SeenRequest {
  path: string;
  method: string;
  headers: http.IncomingHttpHeaders;
}

export interface PayloadServer {
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The URL of a path on this server, optionally under another host name (for --resolve pins). */
  url(path: string, host?: string): string;
  /** Every request received, in order. */
  requests: SeenRequest[];
  close(): Promise<void>;
}

export async function startPayloadServer(routes: Record<string, PayloadRoute>): Promise<PayloadServer> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, method: req.method ?? 'GET', headers: req.headers });
    const route = routes[path] ?? routes[path.split('?')[0]!];
    if (!route || (route.userAgent && !route.userAgent.test(req.headers['user-agent'] ?? ''))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (route.redirect) {
      res.writeHead(route.status ?? 302, { location: route.redirect, ...route.headers }).end();
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/octet-stream', ...route.headers });
    res.end(route.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    url: (path, host = '127.0.0.1') => `http://${host}:${port}${path}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
