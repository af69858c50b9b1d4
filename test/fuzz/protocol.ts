// What the fuzz worker (loop.ts) and its supervisor (fuzzer.ts) tell each other.
//
// The worker copies every input into shared memory before running it and bumps a counter after: when the
// counter stops moving the supervisor knows which input hangs, and after an out-of-memory death which input
// killed the worker, without a message per execution.

import type { FailureKind } from './execute.ts';

export interface LoopOptions {
  target: string;
  /** A module exporting `target` (a FuzzTarget not in targets.ts: the harness's own tests). */
  targetModule?: string;
  /** Inputs that hung or killed an earlier worker: not run again when the seeds and corpus are replayed. */
  avoid: Uint8Array[];
  /** Wall-clock seconds for this worker (the supervisor passes what is left after a restart). */
  seconds: number;
  /** Stop after this many executions (0: no cap). */
  maxExecs: number;
  seed: number;
  /** Inputs run between two coverage takes. */
  batch: number;
  /** An asynchronous analyzer is aborted after this long. */
  budgetMs: number;
  /** Corpus entries from before a restart (seeds are rebuilt by the worker). */
  corpus: Uint8Array[];
  /** Crash signatures already reported (not minimised and reported again after a restart). */
  known: string[];
  shared: SharedArrayBuffer;
  /** Time spent minimising one crash. */
  minimiseMs: number;
}

export type LoopMessage =
  | { type: 'ready'; seeds: number; blocks: number; known: number }
  | { type: 'corpus'; data: Uint8Array }
  | { type: 'crash'; kind: FailureKind; signature: string; message: string; data: Uint8Array; minimised: Uint8Array }
  | { type: 'stats'; execs: number; corpus: number; blocks: number; known: number }
  | { type: 'done'; execs: number; corpus: number; blocks: number; known: number };

/** Shared memory layout: Int32 slots, then the bytes of the current input. */
export const SLOT = { execs: 0, length: 1, running: 2 } as const;
export const HEADER_BYTES = 16;

export function sharedFor(maxLength: number): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + maxLength);
}

export function currentInput(shared: SharedArrayBuffer): Uint8Array {
  const slots = new Int32Array(shared, 0, 4);
  const length = Atomics.load(slots, SLOT.length);
  return new Uint8Array(shared, HEADER_BYTES, Math.min(length, shared.byteLength - HEADER_BYTES)).slice();
}
