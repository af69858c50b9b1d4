// A pool of worker processes (one per core by default) for the work that parses hostile bytes. Each job gets a time limit: a job that
// outlives it has its worker killed (SIGKILL: a stuck parser does not answer politely) and a fresh worker
// takes the next job. A worker that dies mid-job fails that job; the caller decides whether to retry.

import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { EngineConfig } from '../../engine/types.ts';
import type { ReportIdentity } from '../identity.ts';
import type { AnalysisJob, AnalysisOutcome, FromWorker, TaskOutcomes, ToWorker, WorkerTask } from './protocol.ts';

export interface AnalysisPoolOptions {
  config: EngineConfig;
  /** Worker processes; defaults to the number of cores. */
  size?: number;
  /** Wall-clock limit of one job, worker start-up excluded. */
  jobTimeMs: number;
  /** V8 heap cap of a worker, so one hostile sample cannot take the machine's memory. */
  workerMemoryMiB?: number;
  /** Intake workers only read identities and need no analyzer services (default true). */
  openServices?: boolean;
  /** Shown in the process list (`worker.ts analysis`), so an operator can tell the pools apart. */
  role?: string;
}

export class JobTimeLimit extends Error {}
export class WorkerDied extends Error {}
export class PoolClosed extends Error {}

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  /** Settles the job in flight when the worker exits under it. */
  onExit?: (reason: string) => void;
}

const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');
const WORKER_START_MS = 120_000;

export class AnalysisPool {
  readonly size: number;
  private readonly workers = new Set<Worker>();
  /** Jobs waiting for a worker; null means the pool closed under them. */
  private readonly waiting: ((w: Worker | null) => void)[] = [];
  private nextJobId = 1;
  private closed = false;

  constructor(private readonly options: AnalysisPoolOptions) {
    this.size = Math.max(1, options.size ?? availableParallelism());
  }

  /** Analyses one sample in a worker process. Rejects with JobTimeLimit or WorkerDied. */
  analyze(job: AnalysisJob): Promise<AnalysisOutcome> {
    return this.run({ type: 'analyze', ...job });
  }

  /** Reads a new report's identity in a worker process, off the API's event loop. */
  identify(samplePath: string): Promise<ReportIdentity> {
    return this.run({ type: 'identify', samplePath });
  }

  /** Starts every worker now rather than at the first job. */
  warm(): void {
    while (!this.closed && this.workers.size < this.size) this.spawn();
  }

  async run<T extends WorkerTask>(task: T): Promise<TaskOutcomes[T['type']]> {
    const worker = await this.acquire();
    if (!worker) throw new PoolClosed('the analysis pool is closed');
    try {
      await worker.ready;
    } catch (err) {
      this.discard(worker);
      throw err;
    }
    const jobId = this.nextJobId++;
    return new Promise<TaskOutcomes[T['type']]>((resolve, reject) => {
      const timer = setTimeout(() => {
        finish();
        this.discard(worker);
        const what = task.type === 'identify' ? 'reading the report' : 'analysis';
        reject(new JobTimeLimit(`${what} took longer than the job time limit (${Math.round(this.options.jobTimeMs / 1000)} s); the worker was stopped`));
      }, this.options.jobTimeMs);
      const onMessage = (message: FromWorker) => {
        if (message.type === 'ready' || message.jobId !== jobId) return;
        finish();
        this.release(worker);
        if (message.type === 'result') resolve(message.outcome as TaskOutcomes[T['type']]);
        else reject(new Error(message.message));
      };
      const finish = () => {
        clearTimeout(timer);
        worker.child.off('message', onMessage);
        worker.onExit = undefined;
      };
      worker.onExit = (reason) => {
        finish();
        reject(this.closed ? new PoolClosed('the service stopped during the analysis') : new WorkerDied(`the analysis worker died (${reason})`));
      };
      worker.child.on('message', onMessage);
      const message: ToWorker = { type: 'job', jobId, task };
      worker.child.send(message);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter(null);
    const exits = [...this.workers].map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
          w.child.once('exit', () => resolve());
          w.child.disconnect?.();
          setTimeout(() => w.child.kill('SIGKILL'), 3000).unref();
        }),
    );
    this.workers.clear();
    await Promise.all(exits);
  }

  private acquire(): Promise<Worker | null> {
    if (this.closed) return Promise.reject(new PoolClosed('the analysis pool is closed'));
    for (const w of this.workers) {
      if (!w.busy) {
        w.busy = true;
        return Promise.resolve(w);
      }
    }
    if (this.workers.size < this.size) {
      const w = this.spawn();
      w.busy = true;
      return Promise.resolve(w);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) next(worker);
    else worker.busy = false;
  }

  /** Kills a worker and lets the next waiting job start a fresh one. */
  private discard(worker: Worker): void {
    worker.onExit = undefined;
    worker.child.kill('SIGKILL');
    // A worker that already exited had its slot handed on by its exit handler.
    if (!this.workers.delete(worker)) return;
    const next = this.waiting.shift();
    if (next && !this.closed) {
      const fresh = this.spawn();
      fresh.busy = true;
      next(fresh);
    }
  }

  private spawn(): Worker {
    const child = fork(WORKER_ENTRY, [this.options.role ?? 'analysis'], {
      execArgv: ['--import', TSX_LOADER, `--max-old-space-size=${this.options.workerMemoryMiB ?? 2048}`],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker: Worker = { child, busy: false, ready: Promise.resolve() };
    worker.ready = new Promise<void>((resolve, reject) => {
      // A worker that cannot open its services in time is as good as dead: kill it so its job can be retried.
      const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_START_MS);
      const onReady = (m: FromWorker) => {
        if (m.type !== 'ready') return;
        clearTimeout(timer);
        child.off('message', onReady);
        resolve();
      };
      child.on('message', onReady);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new WorkerDied(`the analysis worker did not start (exit ${signal ?? code})`));
      });
    });
    worker.ready.catch(() => {}); // observed by run(); this keeps an early exit from being an unhandled rejection
    child.on('exit', (code, signal) => {
      const wasMember = this.workers.delete(worker);
      worker.onExit?.(signal ?? `exit code ${code}`);
      if (wasMember && worker.busy) {
        // a worker died outside a job (or its job already settled): hand its slot to whoever waits
        const next = this.waiting.shift();
        if (next && !this.closed) {
          const fresh = this.spawn();
          fresh.busy = true;
          next(fresh);
        }
      }
    });
    child.on('error', () => {}); // reported through 'exit'
    const init: ToWorker = { type: 'init', config: this.options.config, openServices: this.options.openServices ?? true };
    child.send(init);
    this.workers.add(worker);
    return worker;
  }
}
