// The egress proxy teams route detonation traffic through (HTTPS_PROXY / HTTP_PROXY, or config.fetch.proxy).
// The proxy is asked for the address tacklebox already checked, never for the name, so the proxy's own DNS
// cannot undo the SSRF check.

import http from 'node:http';
import type { Socket } from 'node:net';

/** The proxy for a target URL: the configured one, else the environment's, unless NO_PROXY covers the host. */
export function proxyFor(target: URL, configured: string | undefined, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const fromEnv = target.protocol === 'https:' ? (env.HTTPS_PROXY ?? env.https_proxy) : (env.HTTP_PROXY ?? env.http_proxy);
  const raw = configured || fromEnv;
  if (!raw) return undefined;
  if (!configured && bypassed(target.hostname, env.NO_PROXY ?? env.no_proxy ?? '')) return undefined;
  try {
    const url = new URL(raw.includes('://') ? raw : `http://${raw}`);
    if (url.protocol !== 'http:') throw new Error(`only http:// proxies are supported, got ${url.protocol}`);
    return url;
  } catch (err) {
    throw new Error(`the proxy setting "${raw}" is not usable: ${(err as Error).message}`);
  }
}

function bypassed(hostname: string, noProxy: string): boolean {
  const host = hostname.toLowerCase();
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const suffix = entry.toLowerCase().replace(/^\*?\./, '');
      return host === suffix || host.endsWith(`.${suffix}`);
    });
}

export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** Opens a CONNECT tunnel through the proxy to address:port and returns the raw socket. */
export function connectTunnel(proxy: URL, address: string, port: number, signal: AbortSignal): Promise<Socket> {
  const authority = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: Number(proxy.port) || 80,
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy) },
      signal,
    });
    req.once('connect', (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(new Error(`the proxy refused the tunnel to ${authority}: HTTP ${res.statusCode}`));
      }
    });
    req.once('error', reject);
    req.end();
  });
}
