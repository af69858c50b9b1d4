// User management for admins: list, add (the token is shown once), rotate a token, remove.

import type { FastifyInstance } from 'fastify';
import { USER_NAME, createUser, hashSecret, newToken } from '../auth.ts';
import { ROLES, type Role } from '../store/types.ts';
import { allow, type ApiContext } from './context.ts';

export function registerUserRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/users', async (request, reply) => {
    if (!allow(request, reply, 'admin')) return reply;
    return { users: await ctx.store.listUsers() };
  });

  app.post('/api/users', async (request, reply) => {
    if (!allow(request, reply, 'admin')) return reply;
    const body = (request.body ?? {}) as { name?: unknown; role?: unknown; email?: unknown };
    if (typeof body.name !== 'string' || !USER_NAME.test(body.name)) {
      return reply.code(400).send({ error: 'name: 1-64 letters, digits, . _ @ -' });
    }
    if (typeof body.role !== 'string' || !ROLES.includes(body.role as Role)) {
      return reply.code(400).send({ error: `role: one of ${ROLES.join(', ')}` });
    }
    const email = typeof body.email === 'string' && body.email.includes('@') ? body.email.trim().toLowerCase() : null;
    if (await ctx.store.userByName(body.name)) return reply.code(409).send({ error: `user ${body.name} exists` });
    const { user, token } = await createUser(ctx.store, body.name, body.role as Role, email);
    return reply.code(201).send({ user, token });
  });

  app.post('/api/users/:name/token', async (request, reply) => {
    if (!allow(request, reply, 'admin')) return reply;
    const { name } = request.params as { name: string };
    const token = newToken();
    if (!(await ctx.store.setUserToken(name, hashSecret(token)))) return reply.code(404).send({ error: `no user ${name}` });
    return { token };
  });

  app.delete('/api/users/:name', async (request, reply) => {
    const caller = allow(request, reply, 'admin');
    if (!caller) return reply;
    const { name } = request.params as { name: string };
    if (name === caller.user.name) return reply.code(400).send({ error: 'you cannot remove yourself' });
    if (!(await ctx.store.removeUser(name))) return reply.code(404).send({ error: `no user ${name}` });
    return { ok: true };
  });
}
