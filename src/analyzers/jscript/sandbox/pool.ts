// A pool of warm sandbox processes, shared by every script of one run (a folder of samples starts each
// process once). Each process runs under an OS data-segment cap (`ulimit -d`: quickjs's own limit does not
// cover every allocation, and an address-space cap would stop V8 from starting); a run that outlives its
// wall-clock budget, or a process that dies, is killed and replaced, and the run reports what it saw.

import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EmulationRequest, EmulationResult, GuestEvent, Outcome, WorkerMessage } from './protocol.ts';

export interface SandboxPoolOptions {
  /** Sandbox processes kept warm (the machine's cores are the useful bound). */
  size: number;
  /** Memory cap of each sandbox process (the whole process, node included). */
  memoryMiB: number;
  /** Wall-clock time past a run's own limit before its process is killed (default: set-up allowance + grace). */
  killAfterMs?: number;
}

export type EmulationJob = Omit<EmulationRequest, 'id' | 'memoryBytes' | 'stackBytes'> & { signal?: AbortSignal };

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
/** Time a process may take to start and load quickjs before it counts as broken. */
const START_MS = 20_000;
/** Time past the interrupt deadline before the host kills the process. */
const KILL_GRACE_MS = 1_500;
/** Bound on setting up the mock layer before the script starts (the worker enforces it too). */
const MOCK_LAYER_ALLOWANCE_MS = 3_000;
/** quickjs's stack for the guest: deep enough for real droppers, shallow enough for the wasm stack. */
const GUEST_STACK_BYTES = 256 * 1024;
/** The part of the process cap left to node and the quickjs module itself. */
const HOST_OVERHEAD_MIB = 96;
/**
 * What node's V8 reserves in the data segment before any code runs, added to the cap: V8 13 (Node 24) reserves
 * a code range per isolate there (a bare node 24 starts with VmData ≈ 562 MiB), and the sandbox has two isolates
 * (the main one and tsx's loader thread). V8 11–12 (Node 20, 22) reserve about 48 MiB, which the cap has always
 * included. Reserved is not used: what the guest can really allocate stays bounded by memoryMiB.
 */
export const V8_STARTUP_RESERVATION_MIB = Number(process.versions.v8.split('.')[0]) >= 13 ? 2 * 576 : 0;

interface Pending {
  id: number;
  events: GuestEvent[];
  resolve(result: EmulationResult): void;
  started: number;
  timer?: NodeJS.Timeout;
}

class SandboxProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  pending?: Pending;
  dead = false;
  private stderr = '';

  constructor(memoryMiB: number, onExit: (p: SandboxProcess) => void) {
    const kib = (Math.max(memoryMiB, HOST_OVERHEAD_MIB + 32) + V8_STARTUP_RESERVATION_MIB) * 1024;
    // sh sets the cap and execs node, so the process the host kills is the sandbox itself.
    this.child = spawn(
      '/bin/sh',
      ['-c', 'ulimit -d "$0" || exit 97; exec "$@"', String(kib), process.execPath, '--max-old-space-size=96', '--import', TSX, WORKER],
      { cwd: tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_OPTIONS: '' }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-2000);
    });
    let markReady: () => void = () => {};
    let markFailed: (e: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    this.ready.catch(() => {});
    const startTimer = setTimeout(() => {
      markFailed(new Error('sandbox process did not start in time'));
      this.kill();
    }, START_MS);
    const lines = createInterface({ input: this.child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => {
      let msg: WorkerMessage;
      try {
        msg = JSON.parse(line) as WorkerMessage;
      } catch {
        return;
      }
      if ('ready' in msg) {
        clearTimeout(startTimer);
        markReady();
        return;
      }
      const p = this.pending;
      if (!p || msg.id !== p.id) return;
      if ('event' in msg) p.events.push(msg.event);
      else if ('done' in msg) {
        // The process exits after this run: it must not be handed another one.
        if (msg.done.retiring) this.dead = true;
        this.settle(msg.done.outcome, msg.done.message, msg.done.droppedEvents);
      }
    });
    this.child.on('exit', (code, signal) => {
      clearTimeout(startTimer);
      this.dead = true;
      markFailed(new Error(`sandbox process exited before it was ready (${code ?? signal}): ${this.stderr.trim().slice(-300)}`));
      if (this.pending) {
        const oom = /out of memory|OOM|allocation failed|Cannot allocate/i.test(this.stderr);
        this.settle(oom ? 'memory' : 'crashed', oom ? 'the sandbox process hit its memory cap' : `the sandbox process exited (${code ?? signal})`, 0);
      }
      onExit(this);
    });
    // Writing to a process that has just died is reported by its exit, not as an unhandled error.
    this.child.stdin?.on('error', () => {});
    this.child.on('error', (err) => {
      this.stderr += String(err);
    });
  }

  run(request: EmulationRequest, killAfterMs: number, signal?: AbortSignal): Promise<EmulationResult> {
    return new Promise<EmulationResult>((resolve) => {
      const pending: Pending = { id: request.id, events: [], resolve, started: performance.now() };
      this.pending = pending;
      // The worker's own deadline starts after the mock layer is set up; the kill allows for that too.
      const wallMs = request.timeMs + killAfterMs;
      pending.timer = setTimeout(() => {
        this.settle('timeout', `killed after ${wallMs} ms of wall-clock time`, 0);
        this.kill();
      }, wallMs);
      const onAbort = () => {
        this.settle('timeout', 'the analyzer ran out of time', 0);
        this.kill();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.child.stdin!.write(`${JSON.stringify(request)}\n`);
    });
  }

  private settle(outcome: Outcome, message: string | undefined, droppedEvents: number): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve({ outcome, message, events: p.events, droppedEvents, elapsedMs: performance.now() - p.started });
  }

  kill(): void {
    // Dead from now on for the pool, even before the exit event arrives: it must not get another run.
    this.dead = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

export class SandboxPool {
  private readonly idle: SandboxProcess[] = [];
  private readonly all = new Set<SandboxProcess>();
  private readonly waiting: ((p: SandboxProcess) => void)[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: SandboxPoolOptions) {}

  /** Runs one script in a warm sandbox process; never throws for anything the script does. */
  async emulate(job: EmulationJob): Promise<EmulationResult> {
    const process = await this.acquire();
    try {
      await process.ready;
    } catch (err) {
      this.discard(process);
      throw err;
    }
    const { signal, ...rest } = job;
    const request: EmulationRequest = {
      ...rest,
      id: this.nextId++,
      memoryBytes: Math.max(16, this.options.memoryMiB - HOST_OVERHEAD_MIB) * 1024 * 1024,
      stackBytes: GUEST_STACK_BYTES,
    };
    const result = await process.run(request, this.options.killAfterMs ?? MOCK_LAYER_ALLOWANCE_MS + KILL_GRACE_MS, signal);
    this.release(process);
    return result;
  }

  /** Starts the processes ahead of the first script (a folder run pays the start-up once). */
  async warm(): Promise<void> {
    const started: SandboxProcess[] = [];
    while (this.all.size < this.options.size) started.push(this.spawn());
    for (const p of started) {
      this.idle.push(p);
      await p.ready.catch(() => this.discard(p));
    }
  }

  /** The process ids of the live sandbox processes (for diagnostics: their limits are in /proc/PID/limits). */
  pids(): number[] {
    return [...this.all].filter((p) => !p.dead && p.child.pid !== undefined).map((p) => p.child.pid!);
  }

  async close(): Promise<void> {
    this.closed = true;
    const exits = [...this.all].map((p) => new Promise<void>((resolve) => (p.child.exitCode !== null || p.child.signalCode !== null ? resolve() : p.child.once('exit', () => resolve()))));
    for (const p of this.all) {
      p.child.stdin?.end();
      p.kill();
    }
    await Promise.all(exits);
    this.idle.length = 0;
  }

  private spawn(): SandboxProcess {
    const p = new SandboxProcess(this.options.memoryMiB, (dead) => this.discard(dead));
    this.all.add(p);
    return p;
  }

  private acquire(): Promise<SandboxProcess> {
    if (this.closed) return Promise.reject(new Error('the sandbox pool is closed'));
    while (this.idle.length) {
      const p = this.idle.pop()!;
      if (!p.dead) return Promise.resolve(p);
    }
    if (this.all.size < this.options.size) return Promise.resolve(this.spawn());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(p: SandboxProcess): void {
    if (p.dead || this.closed) return this.discard(p);
    const next = this.waiting.shift();
    if (next) next(p);
    else this.idle.push(p);
  }

  private discard(p: SandboxProcess): void {
    if (!this.all.delete(p)) return;
    const i = this.idle.indexOf(p);
    if (i >= 0) this.idle.splice(i, 1);
    p.kill();
    this.handOn();
  }

  /** A process went away: a waiting run gets a fresh one. */
  private handOn(): void {
    if (this.closed || !this.waiting.length || this.all.size >= this.options.size) return;
    const next = this.waiting.shift()!;
    next(this.spawn());
  }
}
