// AFL-style "havoc" mutations: a few random edits stacked on one corpus entry. Seeded, so a run can be
// replayed from its seed. Inputs never grow past `maxLength`, which keeps one input's memory bounded.

/** A small, fast, seedable PRNG (mulberry32): the same seed replays the same run. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** 0 ≤ n < 2^32 */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** 0 ≤ n < bound */
  below(bound: number): number {
    return bound <= 1 ? 0 : this.u32() % bound;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
  chance(p: number): boolean {
    return this.u32() / 2 ** 32 < p;
  }
}

// The values AFL tries in integer fields: the edges where length and offset checks go wrong.
const INTERESTING_8 = [-128, -1, 0, 1, 16, 32, 64, 100, 127, 0x80, 0xff];
const INTERESTING_16 = [-32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767, 0xffff];
const INTERESTING_32 = [-2147483648, -100663046, -32769, 32768, 65535, 65536, 100663045, 2147483647, 0xffffffff];

export interface MutationContext {
  rng: Random;
  /** Tokens of the target's format (MIME header names, PowerShell keywords, magic numbers…). */
  dictionary: readonly Uint8Array[];
  /** Other corpus entries, for splicing. */
  other: () => Uint8Array | undefined;
  maxLength: number;
}

type Mutation = (data: Uint8Array, m: MutationContext) => Uint8Array;

const position = (data: Uint8Array, m: MutationContext) => m.rng.below(data.length);

function writeInt(data: Uint8Array, at: number, value: number, width: 1 | 2 | 4, bigEndian: boolean): void {
  for (let i = 0; i < width && at + i < data.length; i++) {
    const shift = bigEndian ? (width - 1 - i) * 8 : i * 8;
    data[at + i] = (value >>> shift) & 0xff;
  }
}

function insert(data: Uint8Array, at: number, piece: Uint8Array, maxLength: number): Uint8Array {
  const room = Math.max(0, maxLength - data.length);
  const add = piece.subarray(0, room);
  if (add.length === 0) return data;
  const out = new Uint8Array(data.length + add.length);
  out.set(data.subarray(0, at));
  out.set(add, at);
  out.set(data.subarray(at), at + add.length);
  return out;
}

/** A block length biased to small values, as AFL's choose_block_len. */
function blockLength(m: MutationContext, limit: number): number {
  if (limit <= 1) return 1;
  const cap = m.rng.pick([8, 32, 128, 1024, limit]);
  return 1 + m.rng.below(Math.min(cap, limit));
}

const MUTATIONS: Mutation[] = [
  // bit flip
  (d, m) => {
    if (d.length === 0) return d;
    const at = position(d, m);
    d[at]! ^= 1 << m.rng.below(8);
    return d;
  },
  // random byte
  (d, m) => {
    if (d.length === 0) return d;
    d[position(d, m)] = m.rng.below(256);
    return d;
  },
  // interesting 8/16/32-bit values, little or big endian
  (d, m) => {
    if (d.length === 0) return d;
    const width = m.rng.pick([1, 2, 4] as const);
    const table = width === 1 ? INTERESTING_8 : width === 2 ? INTERESTING_16 : INTERESTING_32;
    writeInt(d, position(d, m), m.rng.pick(table), width, m.rng.chance(0.3));
    return d;
  },
  // arithmetic on a byte, word or dword (lengths and offsets off by a little)
  (d, m) => {
    if (d.length < 4) return d;
    const at = m.rng.below(d.length - 3);
    const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
    const delta = 1 + m.rng.below(35);
    const sign = m.rng.chance(0.5) ? 1 : -1;
    if (m.rng.chance(0.5)) view.setUint16(at, view.getUint16(at, true) + sign * delta, true);
    else view.setUint32(at, (view.getUint32(at, true) + sign * delta) >>> 0, true);
    return d;
  },
  // delete a block
  (d, m) => {
    if (d.length < 2) return d;
    const len = blockLength(m, d.length - 1);
    const at = m.rng.below(d.length - len + 1);
    const out = new Uint8Array(d.length - len);
    out.set(d.subarray(0, at));
    out.set(d.subarray(at + len), at);
    return out;
  },
  // duplicate a block (repetition drives loops and counters)
  (d, m) => {
    if (d.length === 0) return d;
    const len = blockLength(m, d.length);
    const from = m.rng.below(d.length - len + 1);
    const copies = m.rng.chance(0.2) ? 1 + m.rng.below(16) : 1;
    let out = d;
    for (let i = 0; i < copies; i++) out = insert(out, m.rng.below(out.length + 1), d.slice(from, from + len), m.maxLength);
    return out;
  },
  // overwrite a block with another block of the input
  (d, m) => {
    if (d.length < 2) return d;
    const len = blockLength(m, d.length - 1);
    const from = m.rng.below(d.length - len + 1);
    const to = m.rng.below(d.length - len + 1);
    d.copyWithin(to, from, from + len);
    return d;
  },
  // truncate
  (d, m) => (d.length === 0 ? d : d.slice(0, m.rng.below(d.length))),
  // insert or overwrite with a dictionary token
  (d, m) => {
    if (m.dictionary.length === 0) return d;
    const token = m.rng.pick(m.dictionary);
    const at = m.rng.below(d.length + 1);
    if (m.rng.chance(0.5) || at + token.length > d.length) return insert(d, at, token, m.maxLength);
    d.set(token, at);
    return d;
  },
  // splice: our head, another entry's tail
  (d, m) => {
    const other = m.other();
    if (!other || other.length === 0) return d;
    const cut = m.rng.below(d.length + 1);
    const from = m.rng.below(other.length);
    const tail = other.subarray(from, from + Math.max(0, m.maxLength - cut));
    const out = new Uint8Array(cut + tail.length);
    out.set(d.subarray(0, cut));
    out.set(tail, cut);
    return out;
  },
];

/** One havoc round: 1 to 16 stacked mutations of a copy of `input`. */
export function havoc(input: Uint8Array, m: MutationContext): Uint8Array {
  let data: Uint8Array = input.slice(0, m.maxLength);
  const rounds = 1 << m.rng.below(5);
  for (let i = 0; i < rounds; i++) data = m.rng.pick(MUTATIONS)(data, m);
  return data;
}

export const MUTATION_COUNT = MUTATIONS.length;
