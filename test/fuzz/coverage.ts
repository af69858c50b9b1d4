// Block coverage of tacklebox's own code (src/) from V8's precise coverage, through node:inspector.
//
// V8 reports, per function, a list of nested ranges with execution counts; a block whose count equals its
// enclosing range's is merged away and not reported. So a block's count is the count of the innermost
// reported range that contains it, and a block once seen (reported on its own, e.g. as not taken) stays
// known: when it is later taken as often as its parent it is covered though not listed. The map below keeps
// every block ever seen and marks it covered when its innermost reported range has a count above zero.
//
// takePreciseCoverage costs about 5 ms whatever ran (V8 walks the heap), and resets the counters, so the
// fuzz loop takes it once per batch of inputs and replays a batch one by one only when it reached new blocks.

import { Session } from 'node:inspector';

interface V8Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface V8Function {
  functionName: string;
  ranges: V8Range[];
  isBlockCoverage: boolean;
}
interface V8Script {
  scriptId: string;
  url: string;
  functions: V8Function[];
}

/** Blocks of one function: known ranges, by "start:end", and their global ids. */
type FunctionBlocks = Map<string, { start: number; end: number; id: number }>;

export class CoverageMap {
  private readonly session = new Session();
  /** url → function start → its blocks */
  private readonly functions = new Map<string, Map<number, FunctionBlocks>>();
  private readonly covered = new Set<number>();
  private nextId = 0;

  constructor(private readonly include: (url: string) => boolean) {
    this.session.connect();
    this.post('Profiler.enable');
    this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    this.post('Profiler.takePreciseCoverage'); // start counting from here
  }

  /** Blocks known so far (seen in some report) and blocks covered. */
  get knownBlocks(): number {
    return this.nextId;
  }
  get coveredBlocks(): number {
    return this.covered.size;
  }

  /**
   * Blocks covered since the last take that no earlier take covered. Reading resets V8's counters. With
   * `record` false the blocks are only reported, so that the inputs of a batch can be replayed to find which
   * one reached them.
   */
  take(record = true): number[] {
    const { result } = this.post('Profiler.takePreciseCoverage') as { result: V8Script[] };
    const fresh: number[] = [];
    for (const script of result) {
      if (!this.include(script.url)) continue;
      let byStart = this.functions.get(script.url);
      if (!byStart) this.functions.set(script.url, (byStart = new Map()));
      for (const fn of script.functions) {
        const [whole] = fn.ranges;
        if (!whole || whole.count === 0) continue;
        let blocks = byStart.get(whole.startOffset);
        if (!blocks) byStart.set(whole.startOffset, (blocks = new Map()));
        for (const r of fn.ranges) {
          const key = `${r.startOffset}:${r.endOffset}`;
          if (!blocks.has(key)) blocks.set(key, { start: r.startOffset, end: r.endOffset, id: this.nextId++ });
        }
        for (const block of blocks.values()) {
          if (this.covered.has(block.id)) continue;
          if (innermostCount(fn.ranges, block.start, block.end) > 0) {
            if (record) this.covered.add(block.id);
            fresh.push(block.id);
          }
        }
      }
    }
    return fresh;
  }

  /** Marks blocks covered (after a batch whose replay could not pin them on one input). */
  record(ids: number[]): void {
    for (const id of ids) this.covered.add(id);
  }

  /** Forgets the counts since the last take without recording them. */
  discard(): void {
    this.post('Profiler.takePreciseCoverage');
  }

  close(): void {
    this.post('Profiler.stopPreciseCoverage');
    this.session.disconnect();
  }

  // Inspector sessions on the same thread answer synchronously.
  private post(method: string, params?: object): unknown {
    let answer: unknown;
    let failure: Error | null = null;
    this.session.post(method, params, (err, result) => {
      failure = err;
      answer = result;
    });
    if (failure) throw failure;
    return answer;
  }
}

/** The count of the smallest reported range that contains [start, end). */
function innermostCount(ranges: V8Range[], start: number, end: number): number {
  let best: V8Range | undefined;
  for (const r of ranges) {
    if (r.startOffset <= start && end <= r.endOffset && (!best || r.endOffset - r.startOffset <= best.endOffset - best.startOffset)) best = r;
  }
  return best?.count ?? 0;
}
