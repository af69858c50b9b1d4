// A real Redis server for tests: `redis-server` on 127.0.0.1 at a free port, no persistence (`--save ''`),
// its folder a throwaway temp dir. restart() stops it and starts an empty one on the same port, as a crash of
// an unpersisted Redis would. If the server cannot start, this throws: the test fails rather than skipping.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './dovecot.ts';

export const REDIS_BIN = '/usr/bin/redis-server';

export interface Redis {
  port: number;
  /** redis://127.0.0.1:PORT */
  url: string;
  /** Kills the server (SIGKILL) and starts an empty one on the same port. */
  restart(): Promise<void>;
  /** Kills the server (SIGKILL): everything it held is gone, as after a crash without persistence. */
  down(): Promise<void>;
  /** Starts an empty server on the same port again. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<Redis> {
  const dir = await mkdtemp(join(tmpdir(), 'tacklebox-redis-'));
  const port = await freePort();
  let child = await launch(port, dir);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await kill(child);
      child = await launch(port, dir);
    },
    async down() {
      await kill(child);
    },
    async up() {
      child = await launch(port, dir);
    },
    async stop() {
      await kill(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(REDIS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`redis-server did not start: ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${errors}`)));
  });
  exited.catch(() => {}); // a later death is seen by the tests through the queue, not as an unhandled rejection
  await Promise.race([ready(port), exited]);
  return child;
}

/** Waits until the server answers PING. */
async function ready(port: number, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', () => resolve(false));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
