// The sandbox process: quickjs (WebAssembly) under an OS memory cap set by the host. Each script gets a
// fresh quickjs runtime with a memory limit, a stack limit and an interrupt deadline; the guest mock
// layer is evaluated inside it and reports through one callback that accepts strings only.

import { readdirSync, readFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'yaml';
import { newQuickJSWASMModule, RELEASE_SYNC, type QuickJSContext, type QuickJSWASMModule } from 'quickjs-emscripten';
import { prepareForEmulation } from '../static/prepare.ts';
import type { EmulationRequest, GuestEvent, Outcome, WorkerMessage } from './protocol.ts';

/**
 * Repeated actions with nothing new after which a run counts as stuck in a retry loop: ~50 rounds of a
 * typical download loop, enough for a dropper that picks its URLs at random to have shown all of them
 * (on the dev corpus 100 already finds every URL that 1 000 finds).
 */
const STALL_EVENTS = 400;
/** What a script did, as opposed to what it looked at: never crowded out by routine events. */
const KEY_EVENTS = new Set(['exec', 'url', 'file', 'shortcut', 'code', 'task', 'reg', 'wmi', 'escape', 'print', 'error', 'self-delete', 'node-api']);
/** Characters of generated code one run may have prepared on the host (parsing costs host time). */
const PREPARE_CHARS = 16 * 1024 * 1024;
/** Time to set up the mock layer in a fresh runtime, even on a loaded machine. */
const MOCK_LAYER_MS = 3_000;
const GUEST_DIR = new URL('./guest/', import.meta.url);
const DESKTOP_RULES = new URL('../../../../rules/wsh-environment.yaml', import.meta.url);

/**
 * The mock layer: the guest modules in name order, inside one function that receives the only way out
 * (`__report`) and the run's settings, then removes both from the global object.
 */
const MOCK_LAYER = [
  '(function (global, report, config) {',
  "'use strict';",
  ...readdirSync(GUEST_DIR)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => readFileSync(new URL(f, GUEST_DIR), 'utf8')),
  '})(globalThis, globalThis.__report, JSON.parse(globalThis.__config));',
  'delete globalThis.__report;',
  'delete globalThis.__config;',
].join('\n');
const DESKTOP = parse(readFileSync(DESKTOP_RULES, 'utf8')) as unknown;

function emit(message: WorkerMessage): void {
  const buf = Buffer.from(`${JSON.stringify(message)}\n`);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (err) {
      // stdout is a non-blocking pipe: wait for the host to drain it.
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

function classify(message: string): Outcome {
  if (/interrupted/i.test(message)) return 'timeout';
  if (/out of memory|string too long|invalid array length|allocation failed/i.test(message)) return 'memory';
  if (/stack overflow|call stack/i.test(message)) return 'stack';
  return 'error';
}

function run(qjs: QuickJSWASMModule, req: EmulationRequest): { outcome: Outcome; message?: string; droppedEvents: number } {
  const runtime = qjs.newRuntime();
  runtime.setMemoryLimit(req.memoryBytes);
  runtime.setMaxStackSize(req.stackBytes);
  // The mock layer gets its own allowance; the script's time starts when the script does.
  let deadline = Date.now() + MOCK_LAYER_MS;
  let interrupted = false;
  let stalled = false;
  runtime.setInterruptHandler(() => {
    if (Date.now() > deadline) interrupted = true;
    return interrupted || stalled;
  });
  // A dropper that loops until a download passes its checks repeats the same actions forever; once nothing
  // new has happened for STALL_EVENTS events the run is stopped (an interrupt the script cannot catch).
  const signatures = new Set<string>();
  let sinceNew = 0;
  // No module loader: import() in the guest fails instead of reaching the host's files.
  const vm: QuickJSContext = runtime.newContext();
  // Preparing generated code runs on the host: the same code is prepared once, and the total is bounded
  // (past it, code runs as generated: still emulated, only its own eval calls go unreported).
  const preparedCode = new Map<string, string>();
  let prepareBudget = PREPARE_CHARS;
  const prepare = (code: string) => {
    const known = preparedCode.get(code);
    if (known !== undefined) return vm.newString(known);
    if (code.length > prepareBudget) return undefined;
    prepareBudget -= code.length;
    const prepared = prepareForEmulation(code);
    if (preparedCode.size < 1_000) preparedCode.set(code, prepared);
    return vm.newString(prepared);
  };
  let events = 0;
  let routineEvents = 0;
  let bytes = 0;
  let dropped = 0;
  try {
    const report = vm.newFunction('__report', (handle) => {
      if (vm.typeof(handle) !== 'string') return undefined;
      const text = vm.getString(handle);
      let event: GuestEvent;
      try {
        event = JSON.parse(text) as GuestEvent;
      } catch {
        return undefined;
      }
      if (typeof event?.t !== 'string') return undefined;
      const signature = `${event.t}\u0000${String(event.url ?? event.cmd ?? event.path ?? event.code ?? event.key ?? event.query ?? event.progid ?? event.what ?? event.member ?? '')}`;
      // Sleeping in a loop is how scripts wait out sandboxes before acting: it neither counts nor resets.
      if (event.t === 'sleep') {
        // not a sign of a retry loop on its own
      } else if (signatures.has(signature)) {
        if (++sinceNew >= STALL_EVENTS) stalled = true;
      } else {
        if (signatures.size < 100_000) signatures.add(signature);
        sinceNew = 0;
      }
      // Routine events (objects, probes, unknown members, sleeps) and the ones a report is made of (commands,
      // URLs, files, code, persistence) are capped separately, so a flood of the first cannot hide the second.
      const routine = !KEY_EVENTS.has(event.t);
      if ((routine ? routineEvents : events) >= req.maxEvents || bytes + text.length > req.maxEventBytes) {
        dropped++;
        if (event.t === 'code' && event.complete === true && typeof event.code === 'string' && event.language === 'JScript') {
          return prepare(event.code);
        }
        return undefined;
      }
      if (routine) routineEvents++;
      else events++;
      bytes += text.length;
      emit({ id: req.id, event });
      // Generated code is prepared like the script itself (conditional compilation, eval marks) before the
      // guest runs it; the answer is a string, like the question.
      if (event.t === 'code' && event.complete === true && typeof event.code === 'string' && event.language === 'JScript') {
        return prepare(event.code);
      }
      return undefined;
    });
    vm.setProp(vm.global, '__report', report);
    report.dispose();
    const config = vm.newString(JSON.stringify({ http: req.http, scriptName: req.scriptName, desktop: DESKTOP }));
    vm.setProp(vm.global, '__config', config);
    config.dispose();

    const setup = vm.evalCode(MOCK_LAYER, 'wsh-mock.js');
    if (setup.error) {
      const message = String(vm.dump(setup.error)?.message ?? vm.dump(setup.error));
      setup.error.dispose();
      return { outcome: 'crashed', message: `mock layer failed: ${message}`, droppedEvents: dropped };
    }
    setup.value.dispose();
    deadline = Date.now() + req.timeMs;

    const finish = (handle: { error?: { dispose(): void }; value?: { dispose(): void } }): { outcome: Outcome; message?: string } => {
      if (handle.error) {
        const err = handle.error as Parameters<QuickJSContext['dump']>[0];
        const quit = vm.getProp(vm.global, '__tb_is_quit');
        const isQuit = vm.callFunction(quit, vm.undefined, err);
        quit.dispose();
        let wasQuit = false;
        if (!isQuit.error) {
          wasQuit = vm.dump(isQuit.value) === true;
          isQuit.value.dispose();
        } else isQuit.error.dispose();
        const dumped = vm.dump(err) as { name?: string; message?: string; stack?: string } | string;
        handle.error.dispose();
        if (wasQuit) return { outcome: 'quit' };
        // Where the script stopped helps an analyst: the innermost frame of the guest's stack.
        const where = typeof dumped === 'object' && dumped?.stack ? /\((?:[^)]*?):(\d+:\d+)\)/.exec(dumped.stack)?.[1] : undefined;
        const message = typeof dumped === 'object' && dumped ? `${dumped.name ?? 'Error'}: ${dumped.message ?? ''}${where ? ` (at ${where})` : ''}` : String(dumped);
        if (stalled && !interrupted) return { outcome: 'stalled', message: `stopped after ${STALL_EVENTS} repeated actions with nothing new` };
        return { outcome: interrupted ? 'timeout' : classify(message), message: message.slice(0, 400) };
      }
      handle.value?.dispose();
      return { outcome: 'completed' };
    };

    let result = finish(vm.evalCode(req.code, req.scriptName));
    if (result.outcome === 'completed' || result.outcome === 'error') {
      // Timers the script set run after its body, as under WSH (a thrown error does not stop them there either).
      const after = vm.getProp(vm.global, '__tb_after');
      const afterResult = finish(vm.callFunction(after, vm.undefined));
      after.dispose();
      if (afterResult.outcome !== 'completed') result = afterResult.outcome === 'error' ? result : afterResult;
    }
    return { ...result, droppedEvents: dropped };
  } catch (err) {
    // A host-side RangeError means the wasm stack ran out: the runtime is unusable afterwards.
    const message = (err as Error).message ?? String(err);
    return { outcome: classify(message), message: message.slice(0, 400), droppedEvents: dropped };
  } finally {
    try {
      vm.dispose();
      runtime.dispose();
    } catch {
      // A runtime left in a bad state by a stack overflow cannot be freed cleanly; the process is recycled.
      process.exitCode = 3;
    }
  }
}

async function main(): Promise<void> {
  const qjs = await newQuickJSWASMModule(RELEASE_SYNC);
  emit({ ready: true });
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const req = JSON.parse(line) as EmulationRequest;
    const done = run(qjs, req);
    // A run that ended in a stack overflow may have left the wasm module in a bad state: start afresh.
    const retiring = done.outcome === 'stack' || process.exitCode === 3;
    emit({ id: req.id, done: { ...done, retiring } });
    if (retiring) process.exit(3);
  }
}

await main();
