// Chooses the store: the embedded SQLite file in the data folder by default, `sqlite:PATH` for another file,
// or `postgres://…` (also `postgresql://…`) for a database shared by several machines.

import { join } from 'node:path';
import { PostgresStore } from './postgres.ts';
import { SqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export class StoreUrlError extends Error {}

/** Opens and migrates the store `url` names (default: DATA/tacklebox.db). */
export async function openStore(dataDir: string, url?: string): Promise<Store> {
  const store = storeFor(dataDir, url);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
  return store;
}

export function storeFor(dataDir: string, url?: string): Store {
  const where = parseStoreUrl(dataDir, url);
  return where.engine === 'sqlite' ? new SqliteStore(where.path) : new PostgresStore(where.url);
}

/** Which engine a store URL names, without opening anything (so that a typo is a usage error). */
export function parseStoreUrl(dataDir: string, url?: string): { engine: 'sqlite'; path: string } | { engine: 'postgres'; url: string } {
  if (!url) return { engine: 'sqlite', path: join(dataDir, 'tacklebox.db') };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (!path) throw new StoreUrlError('sqlite: needs a path, as in sqlite:/var/lib/tacklebox/tacklebox.db');
    return { engine: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { engine: 'postgres', url };
  throw new StoreUrlError(`unknown store "${redact(url)}": use sqlite:PATH or postgres://user:pass@host:port/db`);
}

/** A store URL fit for messages and logs: the password is not. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
