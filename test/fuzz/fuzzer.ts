// The supervisor: runs the fuzz loop (loop.ts) in a worker thread with a capped heap, watches it through
// shared memory, and turns a hang (no execution finished for `hangMs`) or a dead worker (out of memory, a
// fatal error) into a crash record with the input that caused it; then starts a fresh worker with the
// corpus so far and the time left.

import { Worker } from 'node:worker_threads';
import type { FailureKind } from './execute.ts';
import { currentInput, SLOT, sharedFor, type LoopMessage, type LoopOptions } from './protocol.ts';
import { targetByName, type FuzzTarget } from './targets.ts';

export interface FuzzOptions {
  target: string;
  /** A module exporting `target`, instead of a name from targets.ts. */
  targetModule?: string;
  seconds: number;
  maxExecs?: number;
  seed?: number;
  batch?: number;
  budgetMs?: number;
  /** No execution finished for this long: the input hangs (a synchronous parser cannot be aborted). */
  hangMs?: number;
  heapMb?: number;
  minimiseMs?: number;
  /** Called about once a second with progress. */
  onStats?: (s: FuzzStats) => void;
  onCrash?: (c: CrashRecord) => void;
}

export interface CrashRecord {
  kind: FailureKind | 'hang' | 'worker-died';
  signature: string;
  message: string;
  data: Uint8Array;
  minimised: Uint8Array;
}

export interface FuzzStats {
  target: string;
  execs: number;
  seconds: number;
  execsPerSecond: number;
  seeds: number;
  corpus: number;
  /** Blocks of src/ the seeds alone covered, and after fuzzing. */
  seedBlocks: number;
  blocks: number;
  knownBlocks: number;
  restarts: number;
}

export interface FuzzSummary extends FuzzStats {
  crashes: CrashRecord[];
}

const MAX_RESTARTS = 50;
const MAX_SAME_FAILURES = 5;
const WORKER = new URL('./worker.mjs', import.meta.url);

export async function fuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const target: FuzzTarget = options.targetModule ? (await import(options.targetModule)).target : targetByName(options.target);
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const crashes: CrashRecord[] = [];
  const kept: Uint8Array[] = [];
  const avoid: Uint8Array[] = [];
  const hangMs = options.hangMs ?? Math.max(10_000, (options.budgetMs ?? 2000) * 3);
  let execsBefore = 0; // executions of workers that have ended
  let restarts = 0;
  const stats: FuzzStats = { target: target.name, execs: 0, seconds: 0, execsPerSecond: 0, seeds: 0, corpus: 0, seedBlocks: 0, blocks: 0, knownBlocks: 0, restarts: 0 };
  const note = (c: CrashRecord) => {
    crashes.push(c);
    options.onCrash?.(c);
  };

  for (;;) {
    const left = (deadline - performance.now()) / 1000;
    const execsLeft = options.maxExecs ? options.maxExecs - execsBefore : 0;
    if (left <= 0 || (options.maxExecs && execsLeft <= 0)) break;
    const shared = sharedFor(target.maxLength);
    const loop: LoopOptions = {
      target: target.name,
      targetModule: options.targetModule,
      avoid,
      seconds: left,
      maxExecs: execsLeft,
      seed: (options.seed ?? 1) + restarts * 7919,
      batch: options.batch ?? 32,
      budgetMs: options.budgetMs ?? 2000,
      corpus: kept,
      known: crashes.map((c) => c.signature),
      shared,
      minimiseMs: options.minimiseMs ?? 5000,
    };
    const ended = await runWorker(loop, options.heapMb ?? 1024, hangMs, (m) => {
      if (m.type === 'ready') {
        if (restarts === 0) {
          stats.seeds = m.seeds;
          stats.seedBlocks = m.blocks;
        }
      } else if (m.type === 'corpus') kept.push(m.data);
      else if (m.type === 'crash') note({ kind: m.kind, signature: m.signature, message: m.message, data: m.data, minimised: m.minimised });
      else {
        stats.execs = execsBefore + m.execs;
        stats.blocks = Math.max(stats.blocks, m.blocks);
        stats.knownBlocks = Math.max(stats.knownBlocks, m.known);
        stats.corpus = stats.seeds + kept.length;
        stats.seconds = (performance.now() - started) / 1000;
        stats.execsPerSecond = stats.execs / stats.seconds;
        options.onStats?.({ ...stats });
      }
    });
    execsBefore += ended.execs;
    stats.execs = execsBefore;
    if (ended.failure) {
      const data = ended.input;
      avoid.push(data);
      // Hangs share one signature whatever their cause: keep a few distinct inputs, not only the first.
      const same = crashes.filter((c) => c.signature === ended.failure!.signature);
      if (same.length < MAX_SAME_FAILURES && !same.some((c) => Buffer.compare(c.data, data) === 0)) note({ ...ended.failure, data, minimised: data });
      // The killer input must not come back through the corpus: it was never kept (it ended the worker
      // before its coverage was taken). Start again with what was kept.
      restarts++;
      stats.restarts = restarts;
      if (restarts > MAX_RESTARTS) break;
      continue;
    }
    break;
  }
  stats.seconds = (performance.now() - started) / 1000;
  stats.execsPerSecond = stats.execs / stats.seconds;
  stats.corpus = stats.seeds + kept.length;
  return { ...stats, crashes };
}

interface WorkerEnd {
  execs: number;
  failure?: { kind: 'hang' | 'worker-died'; signature: string; message: string };
  input: Uint8Array;
}

function runWorker(loop: LoopOptions, heapMb: number, hangMs: number, onMessage: (m: LoopMessage) => void): Promise<WorkerEnd> {
  return new Promise((resolve) => {
    const slots = new Int32Array(loop.shared, 0, 4);
    const worker = new Worker(WORKER, { workerData: loop, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
    let last = Atomics.load(slots, SLOT.execs);
    let lastMoved = performance.now();
    let settled = false;
    const finish = (end: Omit<WorkerEnd, 'execs' | 'input'>) => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      resolve({ ...end, execs: Atomics.load(slots, SLOT.execs), input: currentInput(loop.shared) });
    };
    const watchdog = setInterval(() => {
      const now = Atomics.load(slots, SLOT.execs);
      if (now !== last) {
        last = now;
        lastMoved = performance.now();
        return;
      }
      // Only an input that is running can hang; start-up (building seeds, loading modules) is not timed.
      if (Atomics.load(slots, SLOT.running) === 1 && performance.now() - lastMoved > hangMs) {
        finish({ failure: { kind: 'hang', signature: `${loop.target}: hang (no result after ${hangMs} ms)`, message: `one input ran for more than ${hangMs} ms` } });
        void worker.terminate();
      }
    }, 200);
    worker.on('message', (m: LoopMessage) => {
      onMessage(m);
      if (m.type === 'done') finish({});
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      finish({
        failure: {
          kind: 'worker-died',
          signature: oom ? `${loop.target}: out of memory (heap cap ${heapMb} MB)` : `${loop.target}: worker died: ${err.name}: ${err.message.split('\n')[0]}`,
          message: `${err.name}: ${err.message}\n${err.stack ?? ''}`.slice(0, 2000),
        },
      });
    });
    worker.on('exit', () => finish({}));
  });
}
