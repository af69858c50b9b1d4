// A scaled-out tacklebox for tests: a throwaway PostgreSQL and Redis on 127.0.0.1, a shared data folder,
// and real `tacklebox worker` processes (spawned from bin/, killable with SIGKILL like a machine dying).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type Postgres } from './postgres.ts';
import { startRedis, type Redis } from './redis.ts';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tacklebox.js');

export interface WorkerProcess {
  child: ChildProcess;
  /** The worker's lease owner id, as it printed it. */
  id: string;
  /** Output so far (stdout and stderr), for failure messages. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface Cluster {
  postgres: Postgres;
  redis: Redis;
  /** A fresh database per cluster. */
  storeUrl: string;
  queueUrl: string;
  /** The folder every process shares; raw samples live in DATA/samples. */
  dataDir: string;
  samplesDir: string;
  /** Environment that points `startService` (and so the unchanged service tests) at this cluster. */
  serviceEnv: Record<string, string>;
  workers: WorkerProcess[];
  startWorker(options?: { args?: string[]; env?: Record<string, string> }): Promise<WorkerProcess>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Worker arguments after the connection flags (default: one analysis process, 3 s lease, 1 s sweep). */
  workerArgs?: string[];
}

const DEFAULT_WORKER_ARGS = ['--workers', '1', '--lease', '3', '--sweep', '1'];

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const postgres = await startPostgres();
  let redis: Redis | undefined;
  try {
    redis = await startRedis();
  } catch (err) {
    await postgres.stop();
    throw err;
  }
  const storeUrl = await postgres.createDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'tacklebox-cluster-'));
  const samplesDir = join(dataDir, 'samples');
  const workers: WorkerProcess[] = [];
  const cluster: Cluster = {
    postgres,
    redis,
    storeUrl,
    queueUrl: redis.url,
    dataDir,
    samplesDir,
    serviceEnv: { TACKLEBOX_STORE: storeUrl, TACKLEBOX_QUEUE: redis.url, TACKLEBOX_SAMPLES: samplesDir },
    workers,
    async startWorker(o = {}) {
      const args = ['worker', '--queue', redis!.url, '--store', storeUrl, '--data', dataDir, ...(o.args ?? options.workerArgs ?? DEFAULT_WORKER_ARGS)];
      const worker = await spawnWorker(args, o.env ?? {});
      workers.push(worker);
      return worker;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.kill('SIGTERM')));
      await redis!.stop();
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** Starts `tacklebox ARGS…` (a worker) and waits until it says it is ready. */
export async function spawnWorker(args: string[], env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (chunk: Buffer) => (out = (out + chunk.toString()).slice(-20_000));
  child.stderr!.on('data', collect);
  const id = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      collect(chunk);
      const m = /tacklebox worker: (\S+) ready/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited early (${code}):\n${out}`));
    });
  });
  return {
    child,
    id,
    output: () => out,
    kill(signal = 'SIGKILL') {
      return new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          if (force) clearTimeout(force);
          resolve();
        });
        child.kill(signal);
      });
    },
  };
}
