// Groups reports into campaigns. Three passes over one union-find, each near-linear in the number of reports:
// 1. exact keys: Message-ID, sender + subject within a time window, normalised URL, payload hash, sending IP;
// 2. near-duplicate bodies: MinHash signatures bucketed by LSH bands, confirmed by estimated similarity;
// 3. shared indicators of suspicious reports (link domains), once hub indicators seen everywhere are dropped.

import { loadRules } from '../engine/rules.ts';
import type { Fingerprint } from './fingerprint.ts';
import { SIGNATURE_SIZE, similarity } from './minhash.ts';

export interface ClusterOptions {
  /** Reports with the same sender and subject join when received within this window. */
  senderSubjectWindowMs: number;
  /** Estimated body similarity from which two reports are near-duplicates. */
  minSimilarity: number;
  /** LSH bands (rows per band = signature size / bands). */
  bands: number;
  /** Link domains that never tie reports by themselves (shared hosting platforms); rules/hub-domains.yaml. */
  hubDomains: ReadonlySet<string>;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = {
  senderSubjectWindowMs: 7 * 24 * 3600 * 1000,
  minSimilarity: 0.5,
  bands: 16,
  get hubDomains() {
    return new Set(loadRules<string[]>('hub-domains.yaml'));
  },
};

export interface Campaign {
  id: string;
  members: string[];
  reporters: string[];
  firstSeen: string;
  lastSeen: string;
  verdict: Fingerprint['verdict'];
  subjects: string[];
  senders: string[];
  /** Indicators held by at least two members, most shared first. */
  sharedIocs: { type: 'url' | 'domain' | 'sha256' | 'ip' | 'email'; value: string; members: number }[];
  /** Why the members are together: each tie that joined them, with how many members it covers. */
  ties: { key: string; members: number }[];
  /** Reproduces the campaign over the reports: any member matches one of the exact ties (see matchesCampaign). */
  query: string;
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n).map((_, i) => i);
  }
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[i] !== root) {
      const next = this.parent[i]!;
      this.parent[i] = root;
      i = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

const VERDICT_RANK = { benign: 0, suspicious: 1, malicious: 2 } as const;

export function clusterCampaigns(fingerprints: readonly Fingerprint[], options: Partial<ClusterOptions> = {}): Campaign[] {
  const opts = { ...DEFAULT_CLUSTER_OPTIONS, ...options };
  const n = fingerprints.length;
  const uf = new UnionFind(n);
  const tiesOf = new Map<string, number[]>();
  const tie = (key: string, i: number) => {
    const list = tiesOf.get(key);
    if (list) {
      uf.union(list[0]!, i);
      list.push(i);
    } else tiesOf.set(key, [i]);
  };

  // 1. Exact keys.
  const bySenderSubject = new Map<string, number[]>();
  fingerprints.forEach((fp, i) => {
    if (fp.messageId) tie(`message-id:${fp.messageId}`, i);
    for (const url of fp.urls) tie(`url:${url}`, i);
    for (const hash of fp.payloadHashes) tie(`sha256:${hash}`, i);
    for (const ip of fp.sendingIps) tie(`sending-ip:${ip}`, i);
    if (fp.sender && fp.subjectKey) {
      const key = `${fp.sender}\u0000${fp.subjectKey}`;
      const list = bySenderSubject.get(key) ?? [];
      list.push(i);
      bySenderSubject.set(key, list);
    }
  });
  for (const [key, members] of bySenderSubject) {
    if (members.length < 2) continue;
    members.sort((a, b) => fingerprints[a]!.receivedAt - fingerprints[b]!.receivedAt);
    const [sender, subject] = key.split('\u0000');
    for (let k = 1; k < members.length; k++) {
      const prev = members[k - 1]!;
      const cur = members[k]!;
      if (fingerprints[cur]!.receivedAt - fingerprints[prev]!.receivedAt <= opts.senderSubjectWindowMs) {
        const label = `sender+subject:${sender} ${subject}`;
        const list = tiesOf.get(label) ?? [];
        if (list.length === 0) list.push(prev);
        list.push(cur);
        tiesOf.set(label, list);
        uf.union(prev, cur);
      }
    }
  }

  // 2. Near-duplicate bodies.
  const similar: number[] = [];
  tiesOf.set(SIMILAR_BODY, similar);
  const rows = Math.floor(SIGNATURE_SIZE / opts.bands);
  const buckets = new Map<string, number[]>();
  fingerprints.forEach((fp, i) => {
    if (!fp.signature) return;
    for (let b = 0; b < opts.bands; b++) {
      const key = `${b}:${fp.signature.slice(b * rows, (b + 1) * rows).join(',')}`;
      const list = buckets.get(key);
      if (list) list.push(i);
      else buckets.set(key, [i]);
    }
  });
  for (const members of buckets.values()) {
    if (members.length < 2) continue;
    // Compare with the bucket's first member and the previous one: enough to connect true near-duplicates
    // without a quadratic scan of a big bucket.
    for (let k = 1; k < members.length; k++) {
      const i = members[k]!;
      for (const j of new Set([members[0]!, members[k - 1]!])) {
        if (uf.find(i) === uf.find(j)) continue;
        if (similarity(fingerprints[i]!.signature!, fingerprints[j]!.signature!) >= opts.minSimilarity) {
          uf.union(i, j);
          similar.push(i, j);
        }
      }
    }
  }

  // 3. Shared link domains of suspicious reports. A domain that legitimate mail links to too, or a shared
  // hosting platform, is a hub: it says nothing about who sent the lure.
  const hubs = new Set(opts.hubDomains);
  for (const fp of fingerprints) if (fp.verdict === 'benign') for (const d of fp.linkDomains) hubs.add(d);
  fingerprints.forEach((fp, i) => {
    if (fp.verdict === 'benign') return;
    for (const d of fp.linkDomains) if (!hubs.has(d)) tie(`link-domain:${d}`, i);
  });

  return assemble(fingerprints, uf, tiesOf);
}

function assemble(fingerprints: readonly Fingerprint[], uf: UnionFind, tiesOf: Map<string, number[]>): Campaign[] {
  const groups = new Map<number, number[]>();
  fingerprints.forEach((_, i) => {
    const root = uf.find(i);
    const list = groups.get(root);
    if (list) list.push(i);
    else groups.set(root, [i]);
  });
  // A tie key may join several campaigns (one sender+subject split by the time window): count it per campaign.
  const tiesByRoot = new Map<number, { key: string; members: number }[]>();
  for (const [key, members] of tiesOf) {
    const perRoot = new Map<number, Set<number>>();
    for (const i of members) {
      const root = uf.find(i);
      const set = perRoot.get(root) ?? new Set<number>();
      set.add(i);
      perRoot.set(root, set);
    }
    for (const [root, set] of perRoot) {
      if (set.size < 2) continue;
      const list = tiesByRoot.get(root) ?? [];
      list.push({ key, members: set.size });
      tiesByRoot.set(root, list);
    }
  }

  const campaigns: Campaign[] = [];
  for (const [root, members] of groups) {
    const fps = members.map((i) => fingerprints[i]!);
    const times = fps.map((f) => f.receivedAt);
    const ties = (tiesByRoot.get(root) ?? []).sort((a, b) => b.members - a.members || a.key.localeCompare(b.key));
    campaigns.push({
      id: `c-${fps[0]!.id.slice(0, 16)}`,
      members: fps.map((f) => f.id),
      reporters: uniq(fps.flatMap((f) => f.reporters)),
      firstSeen: new Date(Math.min(...times)).toISOString(),
      lastSeen: new Date(Math.max(...times)).toISOString(),
      verdict: fps.reduce<Fingerprint['verdict']>((v, f) => (VERDICT_RANK[f.verdict] > VERDICT_RANK[v] ? f.verdict : v), 'benign'),
      subjects: topValues(fps.map((f) => f.subject)),
      senders: topValues(fps.map((f) => f.sender)),
      sharedIocs: sharedIocs(fps),
      ties: ties.slice(0, 20),
      query: queryOf(ties),
    });
  }
  return campaigns.sort((a, b) => b.members.length - a.members.length || a.firstSeen.localeCompare(b.firstSeen));
}

function sharedIocs(fps: readonly Fingerprint[]): Campaign['sharedIocs'] {
  const counts = new Map<string, number>();
  const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const fp of fps) {
    for (const u of new Set(fp.urls)) bump(`url\u0000${u}`);
    for (const d of new Set(fp.linkDomains)) bump(`domain\u0000${d}`);
    for (const h of new Set(fp.payloadHashes)) bump(`sha256\u0000${h}`);
    for (const ip of new Set(fp.sendingIps)) bump(`ip\u0000${ip}`);
    if (fp.sender) bump(`email\u0000${fp.sender}`);
  }
  return [...counts]
    .filter(([, c]) => c >= 2)
    .map(([key, members]) => {
      const [type, value] = key.split('\u0000') as [Campaign['sharedIocs'][number]['type'], string];
      return { type, value, members };
    })
    .sort((a, b) => b.members - a.members || a.type.localeCompare(b.type) || a.value.localeCompare(b.value))
    .slice(0, 100);
}

const SIMILAR_BODY = 'similar body text';

/** The exact ties as a query: `message-id:"…" OR url:"…" OR sender+subject:"a@b.example invoice 0 due"`. */
function queryOf(ties: readonly { key: string }[]): string {
  return ties
    .map((t) => t.key)
    .filter((k) => k !== SIMILAR_BODY)
    .map((k) => {
      const colon = k.indexOf(':');
      return `${k.slice(0, colon)}:${JSON.stringify(k.slice(colon + 1))}`;
    })
    .join(' OR ');
}

/** Whether a report matches a campaign's query: how an analyst re-finds the campaign among new reports. */
export function matchesQuery(query: string, fp: Fingerprint): boolean {
  for (const m of query.matchAll(/([\w+-]+):("(?:[^"\\]|\\.)*")/g)) {
    const field = m[1]!;
    const value = JSON.parse(m[2]!) as string;
    if (keysOf(fp, field).includes(value)) return true;
  }
  return false;
}

function keysOf(fp: Fingerprint, field: string): string[] {
  switch (field) {
    case 'message-id':
      return fp.messageId ? [fp.messageId] : [];
    case 'url':
      return fp.urls;
    case 'sha256':
      return fp.payloadHashes;
    case 'sending-ip':
      return fp.sendingIps;
    case 'link-domain':
      return fp.linkDomains;
    case 'sender+subject':
      return fp.sender && fp.subjectKey ? [`${fp.sender} ${fp.subjectKey}`] : [];
    default:
      return [];
  }
}

function uniq(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function topValues(values: readonly (string | undefined)[], max = 5): string[] {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, max).map(([v]) => v);
}
