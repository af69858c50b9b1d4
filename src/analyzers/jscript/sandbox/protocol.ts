// The messages between the host and a sandbox process: one JSON line per message, strings only.
// Events stream out as they happen so that a run killed at its wall-clock limit still reports what it did.

export interface EmulationRequest {
  id: number;
  /** The script, already prepared by the static pass (conditional compilation resolved, eval calls marked). */
  code: string;
  scriptName: string;
  /** How the mocked HTTP objects answer: 404 makes a dropper walk its whole URL list. */
  http: 'not-found' | 'ok';
  timeMs: number;
  memoryBytes: number;
  stackBytes: number;
  maxEvents: number;
  maxEventBytes: number;
}

/** One thing the script did, as the guest mock layer reported it. `t` is the kind of event. */
export interface GuestEvent {
  t: string;
  [field: string]: unknown;
}

export type Outcome =
  | 'completed' // the script ran to its end
  | 'quit' // WScript.Quit
  | 'error' // the script threw (often on purpose, after its work is done)
  | 'timeout' // the interrupt deadline or the wall-clock kill
  | 'stalled' // stopped in a loop that only repeated what it had already done (waiting for a payload)
  | 'memory' // the sandbox ran out of its memory
  | 'stack' // unbounded recursion
  | 'crashed'; // the sandbox process died

export interface EmulationResult {
  outcome: Outcome;
  /** The script's own error message, or why the sandbox ended the run. */
  message?: string;
  events: GuestEvent[];
  /** Events dropped once maxEvents or maxEventBytes was reached. */
  droppedEvents: number;
  elapsedMs: number;
}

export type WorkerMessage =
  | { id: number; event: GuestEvent }
  | { id: number; done: { outcome: Outcome; message?: string; droppedEvents: number; retiring?: boolean } }
  | { ready: true };
