// A target that misbehaves on purpose, for the harness's own test (test/fuzz.test.ts): each failure the
// supervisor must catch is spelled in the input. Not in targets.ts: it is loaded by module path.

import type { Analyzer } from '../../src/engine/types.ts';
import type { FuzzTarget } from './targets.ts';

const misbehaving: Analyzer = {
  name: 'selftest',
  findings: { 'selftest.read': { title: 'Read', score: 0, attack: [] } },
  async analyze(artifact, ctx) {
    const text = Buffer.from(artifact.data).toString('latin1');
    if (text.includes('BOOM')) throw new Error(`boom after ${text.length} bytes`);
    if (text.includes('ODD')) return { findings: [{ id: 'selftest.not-in-catalogue', evidence: text }] };
    if (text.includes('SLOW')) {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      return {};
    }
    if (text.includes('LATE')) return new Promise(() => {});
    if (text.includes('HANG')) for (;;);
    if (text.includes('HOARD')) {
      const hoard: number[][] = [];
      for (;;) hoard.push(Array.from({ length: 1 << 20 }, () => text.length));
    }
    return { findings: [{ id: 'selftest.read', evidence: text.slice(0, 20) }] };
  },
};

const enc = (s: string) => new TextEncoder().encode(s);

export const target: FuzzTarget = {
  name: 'selftest',
  analyzer: misbehaving,
  fileName: 'selftest.bin',
  kindOf: () => 'binary',
  seeds: async () => ['plain input', 'xxBOOMxx', 'an ODD one', 'SLOW', 'LATE', 'HANG', 'HOARD'].map(enc),
  dictionary: [],
  maxLength: 64,
};
