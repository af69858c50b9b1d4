// The service's HTTP face (fastify): the JSON API under /api, the analysts' UI at /. Every /api route needs a
// caller (bearer token or UI session); cookie-authenticated changes need the session's CSRF header.

import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { CSRF_HEADER, callerFrom, sameSecret } from '../auth.ts';
import { CampaignIndex } from '../campaigns.ts';
import { registerWeb } from '../web.ts';
import { registerCampaignRoutes } from './campaigns.ts';
import type { ApiContext } from './context.ts';
import { registerReportRoutes } from './reports.ts';
import { registerSessionRoutes } from './session.ts';
import { registerUserRoutes } from './users.ts';

export interface AppOptions {
  /** Largest report accepted, in bytes. */
  maxReportBytes: number;
}

const UNAUTHENTICATED = new Set(['POST /api/session']);

export async function buildApp(ctx: ApiContext, options: AppOptions): Promise<FastifyInstance> {
  ctx = { ...ctx, campaigns: ctx.campaigns ?? new CampaignIndex(ctx.store) };
  const app = Fastify({ logger: false, bodyLimit: options.maxReportBytes, trustProxy: false });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: options.maxReportBytes, files: 20, fields: 10, parts: 30 } });
  app.decorateRequest('caller', null);

  // Raw reports come as they are: keep the bytes, no parsing in the request path.
  app.addContentTypeParser(['message/rfc822', 'application/vnd.ms-outlook', 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) =>
    done(null, body),
  );

  app.addHook('onRequest', async (request, reply) => {
    // Decided by the matched route, not the raw URL, so that /%61pi/… cannot slip past.
    const pattern = request.routeOptions.url;
    if (!pattern?.startsWith('/api/')) return;
    request.caller = await callerFrom(ctx.store, request.headers, request.cookies);
    const route = `${request.method} ${pattern}`;
    if (!request.caller && UNAUTHENTICATED.has(route)) return;
    if (!request.caller) {
      return reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'authentication required: send "Authorization: Bearer TOKEN" or log in' });
    }
    if (request.caller.via === 'session' && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !request.caller.csrf || !sameSecret(sent, request.caller.csrf)) {
        return reply.code(403).send({ error: `missing or wrong ${CSRF_HEADER} header` });
      }
    }
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    if (!reply.hasHeader('Content-Security-Policy')) {
      reply.header(
        'Content-Security-Policy',
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      reply.header('X-Frame-Options', 'DENY');
    }
    if (request.routeOptions.url?.startsWith('/api/')) reply.header('Cache-Control', 'no-store');
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) process.stderr.write(`tacklebox serve: ${err.stack ?? err.message}\n`);
    void reply.code(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });

  app.get('/healthz', async () => ({ ok: true }));
  registerSessionRoutes(app, ctx);
  registerReportRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerCampaignRoutes(app, ctx);
  await registerWeb(app);
  return app;
}
