// A real PostgreSQL server for tests: a throwaway cluster (initdb) under a temp folder, listening on
// 127.0.0.1 at a free port, trust authentication on loopback only. initdb refuses to run as root, so root
// runs (CI) own the cluster as Debian's `postgres` account. If the server cannot start, this throws: a test
// that needs PostgreSQL fails rather than skipping.

import { execFile, execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './dovecot.ts';

const run = promisify(execFile);

export interface Postgres {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  adminUrl: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

async function binDir(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = (await readdir(root).catch(() => [] as string[])).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL under ${root}: apt-get install -y postgresql`);
  return join(root, versions[0]!, 'bin');
}

/** Runs a PostgreSQL tool as the cluster's owner. */
function asOwner(bin: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  if (userInfo().uid !== 0) return run(bin, args);
  return run('runuser', ['-u', 'postgres', '--', bin, ...args]);
}

export async function startPostgres(): Promise<Postgres> {
  const bin = await binDir();
  const root = await mkdtemp(join(tmpdir(), 'tacklebox-pg-'));
  await chmod(root, 0o755);
  if (userInfo().uid === 0) {
    const [uid, gid] = execFileSync('getent', ['passwd', 'postgres']).toString().split(':').slice(2, 4).map(Number);
    await chown(root, uid!, gid!);
  }
  const data = join(root, 'data');
  const port = await freePort();
  await asOwner(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  // Loopback only, sockets in the temp folder, durability traded for speed (a throwaway cluster).
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  try {
    await asOwner(join(bin, 'pg_ctl'), ['-D', data, '-l', join(root, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  } catch (err) {
    const log = await run('cat', [join(root, 'server.log')]).then((r) => r.stdout, () => '');
    await rm(root, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${log}`);
  }
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let databases = 0;
  let stopped = false;
  return {
    port,
    adminUrl,
    async createDatabase(name = `tb_${process.pid}_${++databases}`) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await asOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}
