// Chooses the store from the data folder (the embedded default). Issue 8 adds `--store postgres://…` here.

import { join } from 'node:path';
import { SqliteStore } from './sqlite.ts';
import type { Store } from './types.ts';

export async function openStore(dataDir: string): Promise<Store> {
  const store = new SqliteStore(join(dataDir, 'tacklebox.db'));
  await store.migrate();
  return store;
}
