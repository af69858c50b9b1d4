// Who is asking: API tokens (Authorization: Bearer) for scripts and the report button, session cookies for
// the UI. Tokens and session ids are random and stored only as hashes. Cookie-authenticated requests that
// change anything must carry the session's CSRF token in a header, which another site's page cannot send.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role, Store, User } from './store/types.ts';

export const SESSION_COOKIE = 'tacklebox_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_HOURS = 12;

const RANK: Record<Role, number> = { reporter: 0, analyst: 1, admin: 2 };

/** Admins can do what analysts can, analysts what reporters can. */
export function hasRole(user: User, needed: Role): boolean {
  return RANK[user.role] >= RANK[needed];
}

export function newToken(): string {
  return `tbx_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface Caller {
  user: User;
  via: 'token' | 'session';
  csrf?: string;
}

export async function callerFrom(
  store: Store,
  headers: { authorization?: string },
  cookies: Record<string, string | undefined>,
): Promise<Caller | null> {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) return null;
    const user = await store.userByTokenHash(hashSecret(m[1]!));
    return user ? { user, via: 'token' } : null;
  }
  const sid = cookies[SESSION_COOKIE];
  if (!sid) return null;
  const session = await store.sessionByHash(hashSecret(sid));
  return session ? { user: session.user, via: 'session', csrf: session.csrf } : null;
}

/** Creates a user with a fresh token; the token is returned once and only its hash is kept. */
export async function createUser(store: Store, name: string, role: Role, email: string | null): Promise<{ user: User; token: string }> {
  const token = newToken();
  const user = await store.addUser({ name, role, email, tokenHash: hashSecret(token) });
  return { user, token };
}

export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
