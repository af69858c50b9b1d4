// Merging the shards of one hunt back into what a single pass over the same logs finds. Every listed item
// carries its reading position in its file, so lists are put back in reading order (file, then position) and
// the single pass's caps are applied again: detections and suppressions listed up to maxListed, endpoint
// lookups of the case's domains only while fewer than maxListed clickers are listed, host evidence deduplicated
// and capped at 50. Counts add up, spans widen, sets unite, a host takes its worst verdict.

import {
  ORDERED_LISTS,
  type HuntPartial,
  type OrderedList,
  type PartialHost,
  type SourceCoverage,
  type WebHit,
} from './impact.ts';
import { worse } from './stages.ts';

export interface ShardPartial {
  /** Reading order of the shard's file among all files of the hunt. */
  fileIndex: number;
  partial: HuntPartial;
}

const MAX_EVIDENCE = 50;

type Key = [file: number, at: number];
const byKey = (a: { key: Key }, b: { key: Key }) => a.key[0] - b.key[0] || a.key[1] - b.key[1];

export function mergeShards(shards: ShardPartial[], maxListed = 1000): HuntPartial {
  if (shards.length === 0) throw new Error('no shards to merge');
  // Stable sorts keep the order of items one event produced.
  const ordered = [...shards].sort((a, b) => a.fileIndex - b.fileIndex);
  const first = ordered[0]!.partial;
  const merged: HuntPartial = {
    rules: first.rules,
    filters: first.filters,
    events: 0,
    detectionCount: 0,
    suppressedCount: 0,
    detections: [],
    suppressed: [],
    recipients: [],
    clickers: [],
    downloaders: [],
    sources: mergeSources(ordered),
    hosts: mergeHosts(ordered),
    ipToHost: [],
    at: { detections: [], suppressed: [], recipients: [], clickers: [], downloaders: [] },
  };
  for (const { partial } of ordered) {
    merged.events += partial.events;
    merged.detectionCount += partial.detectionCount;
    merged.suppressedCount += partial.suppressedCount;
  }
  for (const list of ORDERED_LISTS) {
    const items = ordered.flatMap(({ fileIndex, partial }) =>
      (partial[list] as unknown[]).map((item, i) => ({ key: [fileIndex, partial.at[list][i]!] as Key, item })),
    );
    items.sort(byKey);
    const out = merged[list] as unknown[];
    for (const { key, item } of items) {
      if (!keep(list, item, out.length, maxListed)) continue;
      out.push(item);
      merged.at[list].push(key[1]);
    }
  }
  // The last address seen for an IP names its host, as in one pass.
  const ips = new Map<string, { key: Key; host: string }>();
  for (const { fileIndex, partial } of ordered) {
    for (const x of partial.ipToHost) {
      const seen = ips.get(x.ip);
      const key: Key = [fileIndex, x.at];
      if (!seen || byKey(seen, { key }) < 0) ips.set(x.ip, { key, host: x.host });
    }
  }
  merged.ipToHost = [...ips].map(([ip, v]) => ({ ip, host: v.host, at: v.key[1] }));
  return merged;
}

/** The single pass's list caps, applied in reading order. */
function keep(list: OrderedList, item: unknown, listed: number, maxListed: number): boolean {
  if (list === 'detections' || list === 'suppressed') return listed < maxListed;
  if (list === 'clickers' && (item as WebHit).via === 'endpoint') return listed < maxListed;
  return true;
}

/**
 * Each shard of a file read the whole file, so its per-member reports (events, errors) are the same; the time
 * span and hosts come from the events each shard kept, and widen across the file's slices.
 */
function mergeSources(ordered: ShardPartial[]): SourceCoverage[] {
  const byFile = new Map<number, SourceCoverage[]>();
  for (const { fileIndex, partial } of ordered) {
    const known = byFile.get(fileIndex);
    if (!known) {
      byFile.set(fileIndex, partial.sources.map((s) => ({ ...s, hosts: [...s.hosts] })));
      continue;
    }
    for (const [i, s] of partial.sources.entries()) {
      const m = known[i];
      if (!m) continue;
      m.from = earliest(m.from, s.from);
      m.to = latest(m.to, s.to);
      m.hosts = [...new Set([...m.hosts, ...s.hosts])].sort();
    }
  }
  return [...byFile.keys()].sort((a, b) => a - b).flatMap((k) => byFile.get(k)!);
}

function mergeHosts(ordered: ShardPartial[]): PartialHost[] {
  const hosts = new Map<string, { host: PartialHost; evidence: { key: Key; line: string }[] }>();
  for (const { fileIndex, partial } of ordered) {
    for (const h of partial.hosts) {
      const evidence = h.evidence.map((line, i) => ({ key: [fileIndex, h.evidenceAt[i]!] as Key, line }));
      const m = hosts.get(h.key);
      if (!m) {
        hosts.set(h.key, { host: { ...h, users: [...h.users], shapes: [...h.shapes], evidence: [], evidenceAt: [] }, evidence });
        continue;
      }
      m.host.users = [...new Set([...m.host.users, ...h.users])];
      m.host.shapes = [...new Set([...m.host.shapes, ...h.shapes])];
      m.host.verdict = worse(m.host.verdict, h.verdict);
      m.host.events += h.events;
      m.host.from = earliest(m.host.from, h.from);
      m.host.to = latest(m.host.to, h.to);
      m.evidence.push(...evidence);
    }
  }
  return [...hosts.values()].map(({ host, evidence }) => {
    evidence.sort(byKey);
    for (const { key, line } of evidence) {
      if (host.evidence.length >= MAX_EVIDENCE) break;
      if (host.evidence.includes(line)) continue;
      host.evidence.push(line);
      host.evidenceAt.push(key[1]);
    }
    return host;
  });
}

/** Spans compare as the single pass compares them: ISO-8601 text, unreadable times ignored. */
function earliest(a: string | null, b: string | null): string | null {
  if (!b || !/^\d{4}-/.test(b)) return a;
  if (!a) return b;
  return b < a ? b : a;
}

function latest(a: string | null, b: string | null): string | null {
  if (!b || !/^\d{4}-/.test(b)) return a;
  if (!a) return b;
  return b > a ? b : a;
}
