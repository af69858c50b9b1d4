// Serves the analysts' UI: plain files from web/ (no build step), read once at start.

import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export async function registerWeb(app: FastifyInstance): Promise<void> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of await readdir(WEB_ROOT)) {
    const type = TYPES[extname(name)];
    if (type) files.set(`/${name}`, { body: await readFile(join(WEB_ROOT, name)), type });
  }
  const index = files.get('/index.html');
  for (const [path, file] of files) {
    app.get(path, async (_request, reply) => reply.header('Content-Type', file.type).header('Cache-Control', 'no-cache').send(file.body));
  }
  if (index) app.get('/', async (_request, reply) => reply.header('Content-Type', index.type).header('Cache-Control', 'no-cache').send(index.body));
}
