// UI login: a user's name and API token buy a session cookie (HttpOnly, SameSite=Strict) and a CSRF token
// the page sends back in a header on every change.

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE, SESSION_HOURS, hashSecret, sameSecret } from '../auth.ts';
import type { ApiContext } from './context.ts';

export function registerSessionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post('/api/session', async (request, reply) => {
    const body = (request.body ?? {}) as { name?: unknown; token?: unknown };
    if (!request.headers['content-type']?.startsWith('application/json')) {
      return reply.code(415).send({ error: 'send the login as application/json' });
    }
    if (typeof body.name !== 'string' || typeof body.token !== 'string') {
      return reply.code(400).send({ error: 'name and token are required' });
    }
    const user = await ctx.store.userByTokenHash(hashSecret(body.token));
    if (!user || !sameSecret(user.name, body.name)) return reply.code(401).send({ error: 'wrong name or token' });
    const sid = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000).toISOString();
    await ctx.store.createSession({ idHash: hashSecret(sid), userId: user.id, csrf, expiresAt });
    void reply.setCookie(SESSION_COOKIE, sid, {
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/',
      maxAge: SESSION_HOURS * 3600,
    });
    return { user: { name: user.name, role: user.role }, csrf };
  });

  app.get('/api/session', async (request) => {
    const caller = request.caller!;
    return { user: { name: caller.user.name, role: caller.user.role }, csrf: caller.csrf ?? null };
  });

  app.delete('/api/session', async (request, reply) => {
    const sid = request.cookies[SESSION_COOKIE];
    if (sid) await ctx.store.deleteSession(hashSecret(sid));
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });
}
