// Opening a log path: plain, gzip or zip (every member is a log of its own), told apart by magic bytes,
// streamed so a large log never sits in memory. A folder means every file inside it.

import { createReadStream, openAsBlob } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { BlobReader, ZipReader, configure } from '@zip.js/zip.js';

export interface LogStream {
  /** File name, with `!member` for archive members. */
  name: string;
  chunks: AsyncIterable<Uint8Array>;
}

configure({ useWebWorkers: false });

async function magic(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(4);
    await fh.read(buf, 0, 4, 0);
    return buf;
  } finally {
    await fh.close();
  }
}

export async function listLogFiles(path: string): Promise<string[]> {
  const s = await stat(path);
  if (!s.isDirectory()) return [path];
  const out: string[] = [];
  for (const name of (await readdir(path)).sort()) {
    if (name.startsWith('.')) continue;
    out.push(...(await listLogFiles(join(path, name))));
  }
  return out;
}

export async function* openLog(path: string, options: { zipPassword?: string } = {}): AsyncGenerator<LogStream> {
  const m = await magic(path);
  if (m[0] === 0x1f && m[1] === 0x8b) {
    yield { name: path, chunks: createReadStream(path).pipe(createGunzip()) };
  } else if (m[0] === 0x50 && m[1] === 0x4b && m[2] === 0x03 && m[3] === 0x04) {
    const reader = new ZipReader(new BlobReader(await openAsBlob(path)), { password: options.zipPassword });
    try {
      for (const entry of await reader.getEntries()) {
        if (entry.directory || !entry.getData) continue;
        const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
        const done = entry.getData(writable).catch((err: Error) => {
          throw new Error(`${path}!${entry.filename}: ${entry.encrypted && !options.zipPassword ? 'encrypted member (give --zip-password)' : err.message}`);
        });
        yield { name: `${path}!${entry.filename}`, chunks: memberChunks(readable, done) };
      }
    } finally {
      await reader.close();
    }
  } else {
    yield { name: path, chunks: createReadStream(path) };
  }
}

/**
 * Streams a member's bytes; if the decompressor fails (wrong password, corrupt data) before it closes the
 * stream, the failure ends the read instead of leaving it waiting forever.
 */
async function* memberChunks(readable: ReadableStream<Uint8Array>, done: Promise<unknown>): AsyncGenerator<Uint8Array> {
  const reader = readable.getReader();
  const failed = done.then(() => new Promise<never>(() => {}));
  failed.catch(() => undefined);
  for (;;) {
    const r = await Promise.race([reader.read(), failed]);
    if (r.done) break;
    yield r.value;
  }
  await done;
}
