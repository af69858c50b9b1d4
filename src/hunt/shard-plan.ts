// A hunt over many logs cut into shards: one per log file and time slice. Folders are expanded as the
// single-process hunt expands them, so the shards' order is the hunt's reading order. A slice is
// [from, to) in the logs' ISO-8601 time; the first slice also takes events whose time is missing or unreadable,
// so every event belongs to exactly one shard of its file.

import type { LogEvent } from './event.ts';
import { listLogFiles } from './logs/open.ts';

export interface HuntShard {
  /** Position in the plan. */
  index: number;
  /** One log file (a zip's members are read together by its shard). */
  path: string;
  /** Position of the file in reading order: merged results follow it. */
  fileIndex: number;
  slice: number;
  /** Inclusive start, ISO 8601; null: open (and events without a time). */
  from: string | null;
  /** Exclusive end; null: open. */
  to: string | null;
}

export class SlicePlanError extends Error {}

/** Shards for every file under `logs`, each cut at the given instants (ISO 8601, any order). */
export async function planShards(logs: string[], sliceAt: string[] = []): Promise<HuntShard[]> {
  const cuts = normaliseCuts(sliceAt);
  const files: string[] = [];
  for (const p of logs) files.push(...(await listLogFiles(p)));
  const bounds = [null, ...cuts, null];
  const shards: HuntShard[] = [];
  for (const [fileIndex, path] of files.entries()) {
    for (let slice = 0; slice < bounds.length - 1; slice++) {
      shards.push({ index: shards.length, path, fileIndex, slice, from: bounds[slice]!, to: bounds[slice + 1]! });
    }
  }
  return shards;
}

/** Cut instants as the ISO-8601 UTC text log events carry (so that text order is time order). */
export function normaliseCuts(sliceAt: string[]): string[] {
  const out = new Set<string>();
  for (const raw of sliceAt) {
    const t = Date.parse(raw);
    if (!/^\d{4}-\d{2}-\d{2}/.test(raw.trim()) || Number.isNaN(t)) throw new SlicePlanError(`not an ISO 8601 time: "${raw}"`);
    out.add(new Date(t).toISOString());
  }
  return [...out].sort();
}

/** Whether an event is this shard's: its time in [from, to), or no readable time and the first slice. */
export function inSlice(shard: Pick<HuntShard, 'from' | 'to' | 'slice'>): (e: LogEvent) => boolean {
  if (shard.from === null && shard.to === null) return () => true;
  return (e) => {
    const t = e.time && /^\d{4}-/.test(e.time) ? e.time : undefined;
    if (t === undefined) return shard.slice === 0;
    return (shard.from === null || t >= shard.from) && (shard.to === null || t < shard.to);
  };
}
