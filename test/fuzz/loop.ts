// The coverage-guided loop, run inside a worker thread (see fuzzer.ts for the supervisor): pick a corpus
// entry, mutate it (havoc), run it, and keep it when it reached blocks of src/ no input reached before.

import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { CoverageMap } from './coverage.ts';
import { execute } from './execute.ts';
import { minimise } from './minimise.ts';
import { havoc, Random } from './mutate.ts';
import { HEADER_BYTES, SLOT, type LoopMessage, type LoopOptions } from './protocol.ts';
import { targetByName, type FuzzTarget } from './targets.ts';

const SRC = pathToFileURL(resolve(import.meta.dirname, '../../src')).href + '/';

async function main(options: LoopOptions): Promise<void> {
  const send = (m: LoopMessage) => parentPort!.postMessage(m);
  const target: FuzzTarget = options.targetModule ? (await import(options.targetModule)).target : targetByName(options.target);
  const slots = new Int32Array(options.shared, 0, 4);
  const window = new Uint8Array(options.shared, HEADER_BYTES);
  const rng = new Random(options.seed);
  const dictionary = target.dictionary.map((t) => (typeof t === 'string' ? new TextEncoder().encode(t) : t));
  const reported = new Set(options.known);
  const coverage = new CoverageMap((url) => url.startsWith(SRC));
  const deadline = performance.now() + options.seconds * 1000;
  let execs = 0;

  // Every execution, minimising included, is announced in shared memory: if it hangs or kills the worker,
  // the supervisor reads which input it was.
  const exec = async (data: Uint8Array) => {
    window.set(data.subarray(0, window.length));
    Atomics.store(slots, SLOT.length, Math.min(data.length, window.length));
    Atomics.store(slots, SLOT.running, 1);
    const outcome = await execute(target, data, options.budgetMs);
    Atomics.store(slots, SLOT.running, 0);
    Atomics.add(slots, SLOT.execs, 1);
    execs++;
    return outcome;
  };
  const run = async (data: Uint8Array) => {
    let outcome = await exec(data);
    // On a loaded machine a 7-Zip or msg worker can miss the budget once; slow twice in a row is the input.
    if (!outcome.ok && outcome.kind === 'slow' && !reported.has(outcome.signature)) outcome = await exec(data);
    if (!outcome.ok && !reported.has(outcome.signature)) {
      reported.add(outcome.signature);
      // Slow inputs and timeouts are not minimised: each try would take the whole budget.
      const small =
        outcome.kind === 'timeout' || outcome.kind === 'slow'
          ? data
          : await minimise(data, async (c) => {
              const again = await exec(c);
              return !again.ok && again.signature === outcome.signature;
            }, options.minimiseMs);
      coverage.discard();
      send({ type: 'crash', kind: outcome.kind, signature: outcome.signature, message: outcome.message, data, minimised: small });
    }
    return outcome;
  };

  // Seeds first, each with its own take, so every seed's blocks count as the starting coverage.
  const corpus: Uint8Array[] = [];
  const avoided = new Set(options.avoid.map((a) => Buffer.from(a).toString('base64')));
  for (const input of [...(await target.seeds()), ...options.corpus]) {
    if (avoided.has(Buffer.from(input.slice(0, target.maxLength)).toString('base64'))) continue;
    await run(input.slice(0, target.maxLength));
    coverage.take();
    corpus.push(input.slice(0, target.maxLength));
  }
  if (corpus.length === 0) corpus.push(new Uint8Array(0)); // every seed hung: mutate from nothing
  send({ type: 'ready', seeds: corpus.length, blocks: coverage.coveredBlocks, known: coverage.knownBlocks });

  let lastStats = performance.now();
  const stats = () => ({ execs, corpus: corpus.length, blocks: coverage.coveredBlocks, known: coverage.knownBlocks });
  const more = () => performance.now() < deadline && (options.maxExecs === 0 || execs < options.maxExecs);
  // A take costs about 5 ms: batches of cheap inputs share one, a slow target (7-Zip workers) takes per input.
  let meanMs = 1;
  while (more()) {
    const batch: Uint8Array[] = [];
    const size = Math.max(1, Math.min(options.batch, Math.round(50 / meanMs)));
    for (let i = 0; i < size && more(); i++) {
      const input = havoc(rng.pick(corpus), { rng, dictionary, other: () => rng.pick(corpus), maxLength: target.maxLength });
      const began = performance.now();
      await run(input);
      meanMs = 0.9 * meanMs + 0.1 * (performance.now() - began);
      batch.push(input);
    }
    const fresh = coverage.take(batch.length > 1 ? false : true);
    if (batch.length === 1 && fresh.length > 0) {
      corpus.push(batch[0]!);
      send({ type: 'corpus', data: batch[0]! });
    } else if (fresh.length > 0) {
      // Which of the batch reached them: replay one by one, keeping each input that adds blocks.
      for (const input of batch) {
        await run(input);
        if (coverage.take().length > 0) {
          corpus.push(input);
          send({ type: 'corpus', data: input });
        }
      }
      coverage.record(fresh); // blocks a replay did not reach again (first-use caches) still count
    }
    if (performance.now() - lastStats > 1000) {
      lastStats = performance.now();
      send({ type: 'stats', ...stats() });
    }
  }
  coverage.close();
  send({ type: 'done', ...stats() });
}

await main(workerData as LoopOptions);
