// Helpers for the property-based tests (test/fuzz-properties.test.ts): byte mutations as fast-check
// arbitraries (bit flips, interesting integers, truncations, block deletions and duplications, splices of
// valid samples), and the property every parser must hold on any input.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { execute } from './execute.ts';
import type { FuzzTarget } from './targets.ts';

export type Edit =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; width: 1 | 2 | 4; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'insert'; at: number; bytes: Uint8Array };

/** Positions are fractions of the input length, so one edit means the same thing on any sample. */
// Unbiased: fast-check favours small values, which would put most edits on the magic number at offset 0.
const where = fc.noBias(fc.integer({ min: 0, max: 0xffffff })).map((n) => n / 0x1000000);
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

const edit: fc.Arbitrary<{ op: Edit['op']; at: number; bit: number; width: 1 | 2 | 4; value: number; length: number; bytes: Uint8Array }> = fc.record({
  op: fc.constantFrom('flip', 'flip', 'set', 'set', 'truncate', 'delete', 'duplicate', 'insert'),
  at: where,
  bit: fc.integer({ min: 0, max: 7 }),
  width: fc.constantFrom(1 as const, 2 as const, 4 as const),
  value: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat()),
  length: fc.integer({ min: 1, max: 512 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
});

export function applyEdits(input: Uint8Array, edits: { op: Edit['op']; at: number; bit: number; width: 1 | 2 | 4; value: number; length: number; bytes: Uint8Array }[]): Uint8Array {
  let data = input.slice();
  for (const e of edits) {
    const at = Math.floor(e.at * data.length);
    switch (e.op) {
      case 'flip':
        if (data.length) data[at] = data[at]! ^ (1 << e.bit);
        break;
      case 'set':
        for (let i = 0; i < e.width && at + i < data.length; i++) data[at + i] = (e.value >>> (8 * i)) & 0xff;
        break;
      case 'truncate':
        data = data.slice(0, at);
        break;
      case 'delete':
        data = Uint8Array.from([...data.subarray(0, at), ...data.subarray(at + e.length)]);
        break;
      case 'duplicate':
        data = Uint8Array.from([...data.subarray(0, at + e.length), ...data.subarray(at)]);
        break;
      case 'insert':
        data = Uint8Array.from([...data.subarray(0, at), ...e.bytes, ...data.subarray(at)]);
        break;
    }
  }
  return data;
}

/** A valid sample with 1 to 8 random edits, or the head of one spliced onto the tail of another. */
export function mutatedSample(samples: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const pick = fc.integer({ min: 0, max: samples.length - 1 });
  const edited = fc.tuple(pick, fc.array(edit, { minLength: 1, maxLength: 8 })).map(([i, edits]) => applyEdits(samples[i]!, edits));
  const spliced = fc.tuple(pick, pick, where, where).map(([a, b, cutA, cutB]) => {
    const x = samples[a]!;
    const y = samples[b]!;
    return Uint8Array.from([...x.subarray(0, Math.floor(cutA * x.length)), ...y.subarray(Math.floor(cutB * y.length))]);
  });
  return fc.oneof({ weight: 4, arbitrary: edited }, { weight: 1, arbitrary: spliced });
}

/**
 * The property: the analyzer returns a result (or stops on its abort signal within the grace period), every
 * finding it raises is in its catalogue, and it never throws. The failure message carries the input.
 */
export async function assertBehaves(target: FuzzTarget, data: Uint8Array, budgetMs = 5000): Promise<void> {
  const outcome = await execute(target, data, budgetMs, 10_000);
  if (outcome.ok || outcome.kind === 'slow') return;
  assert.fail(`${outcome.kind}: ${outcome.signature}\n${outcome.message}\ninput (base64, ${data.length} bytes): ${Buffer.from(data).toString('base64').slice(0, 2000)}`);
}
