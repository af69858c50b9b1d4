// The YARA service shared by one run: the rule set is read and compile-checked once when the run opens,
// then every scan goes to a worker thread running libyara-wasm. The worker is replaced when its wasm heap
// has grown past a threshold (the package leaks per call) or when a scan is abandoned.

import { Worker } from 'node:worker_threads';
import type { ServiceFactory } from '../../services.ts';
import { loadRuleSet, type RuleSet, RuleSetError, whereIs } from './ruleset.ts';

export interface YaraStringMatch {
  id: string;
  offset: number;
  length: number;
  /** The matched bytes (at most 200), read from the scanned data. */
  data: Uint8Array;
}

export interface YaraMatch {
  rule: string;
  strings: YaraStringMatch[];
}

export interface YaraScanner {
  readonly ruleSet: RuleSet;
  scan(data: Uint8Array, signal?: AbortSignal): Promise<YaraMatch[]>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (m: YaraMatch[]) => void;
  reject: (e: Error) => void;
}

/** Past this wasm heap size the worker is replaced before the next scan (the heap never shrinks). */
const RECYCLE_HEAP_BYTES = 384 * 1024 * 1024;
const WORKER_URL = new URL('./scan-worker.mjs', import.meta.url);

export class YaraService implements YaraScanner {
  readonly ruleSet: RuleSet;
  private worker?: Worker;
  private ready?: Promise<void>;
  private heap = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Scans run one at a time: the worker is single-threaded and a queue keeps the heap check simple. */
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Workers started so far (for the benchmark and tests). */
  started = 0;

  private readonly keepAlive: boolean;
  private readonly recycleHeapBytes: number;

  /**
   * keepAlive false: the worker does not hold the process open (for the process-wide fallback).
   * recycleHeapBytes: replace the worker once its wasm heap is past this size.
   */
  constructor(ruleSet: RuleSet = loadRuleSet(), options: { keepAlive?: boolean; recycleHeapBytes?: number } = {}) {
    this.ruleSet = ruleSet;
    this.keepAlive = options.keepAlive ?? true;
    this.recycleHeapBytes = options.recycleHeapBytes ?? RECYCLE_HEAP_BYTES;
  }

  /** Starts the worker and fails with the rule file and line when the rules do not compile. */
  async open(): Promise<void> {
    await this.ensureWorker();
  }

  scan(data: Uint8Array, signal?: AbortSignal): Promise<YaraMatch[]> {
    const job = this.chain.then(() => this.scanNow(data, signal));
    this.chain = job.catch(() => undefined);
    return job;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stopWorker();
  }

  private async scanNow(data: Uint8Array, signal?: AbortSignal): Promise<YaraMatch[]> {
    if (this.closed) throw new Error('the YARA service is closed');
    signal?.throwIfAborted();
    if (this.heap > this.recycleHeapBytes) await this.stopWorker();
    await this.ensureWorker();
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise<YaraMatch[]>((resolve, reject) => {
      const onAbort = () => {
        // The wasm call cannot be interrupted: drop the worker, the next scan starts a fresh one.
        this.pending.delete(id);
        void this.stopWorker();
        reject(signal!.reason instanceof Error ? signal!.reason : new Error('YARA scan abandoned'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (m) => {
          signal?.removeEventListener('abort', onAbort);
          for (const match of m) {
            for (const s of match.strings) s.data = data.subarray(s.offset, s.offset + Math.min(s.length, 200));
          }
          resolve(m);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      // An idle fallback worker must not hold the process open, but a busy one must, or the process could
      // exit with a scan still pending.
      worker.ref();
      // A copy in its own ArrayBuffer, transferred: the worker owns it, and the engine's buffer is never shared.
      // (Buffer#slice would be a view: transferring its .buffer would detach the caller's bytes.)
      const copy = new Uint8Array(data);
      worker.postMessage({ id, data: copy }, [copy.buffer]);
    });
  }

  private ensureWorker(): Promise<void> {
    if (this.worker && this.ready) return this.ready;
    const worker = new Worker(WORKER_URL, { workerData: { rules: this.ruleSet.source } });
    this.worker = worker;
    this.heap = 0;
    this.started++;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: { type: string; id?: number; matches?: YaraMatch[]; error?: string; heap: number; errors?: { message: string; line: number; warning: boolean }[] }) => {
        this.heap = msg.heap;
        if (msg.type === 'ready') {
          const errors = (msg.errors ?? []).filter((e) => !e.warning);
          if (errors.length > 0) {
            reject(new RuleSetError(`YARA rules do not compile: ${errors.map((e) => `${whereIs(this.ruleSet, e.line)}: ${e.message}`).join('; ')}`));
            void this.stopWorker();
          } else {
            if (!this.keepAlive && this.pending.size === 0) worker.unref();
            resolve();
          }
          return;
        }
        const p = this.pending.get(msg.id!);
        if (!p) return;
        this.pending.delete(msg.id!);
        if (!this.keepAlive && this.pending.size === 0) worker.unref();
        if (msg.error) p.reject(new Error(`YARA scan failed: ${msg.error}`));
        else p.resolve(msg.matches ?? []);
      });
      worker.on('error', (err) => {
        reject(err);
        this.failAll(err);
        if (this.worker === worker) this.worker = undefined;
      });
      worker.on('exit', () => {
        if (this.worker === worker) this.worker = undefined;
        this.failAll(new Error('the YARA worker stopped'));
      });
    });
    return this.ready;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (worker) await worker.terminate();
  }
}

let shared: YaraService | undefined;

/**
 * For callers that run the engine without opening services (library use, other analyzers' tests): one
 * process-wide scanner whose worker does not keep the process alive.
 */
export function sharedYara(): YaraService {
  shared ??= new YaraService(loadRuleSet(), { keepAlive: false });
  return shared;
}

/** Opened once per run by src/services.ts. */
export const yaraServiceFactory: ServiceFactory = async () => {
  const service = new YaraService();
  await service.open();
  return { name: 'yara', service, close: () => service.close() };
};
