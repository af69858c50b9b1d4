// The service's campaigns: every finished report clustered into campaigns (src/campaign/cluster.ts), kept in
// memory and clustered again only when the finished reports changed. Each request asks the store for a cheap
// version token (counts and latest times); the fingerprints are read and clustered when it differs. Concurrent
// requests share one computation.
//
// Reading and clustering run on the API's event loop (100k reports: seconds). On a big, busy store, where
// reports finish every few seconds, clustering on every change would keep the API busy; so a computation that
// took long is followed by a cool-down of COOLDOWN_FACTOR times its duration, during which the last campaigns
// are served, marked stale. Small stores (under SLOW_MS) are always current.

import { clusterCampaigns, type Campaign, type ClusterOptions } from '../campaign/cluster.ts';
import type { Fingerprint } from '../campaign/fingerprint.ts';
import type { Store } from './store/types.ts';

/** A computation this slow starts a cool-down (milliseconds). */
const SLOW_MS = 250;
const COOLDOWN_FACTOR = 10;

export interface CampaignSnapshot {
  /** The store's version token the campaigns were computed from. */
  version: string;
  computedAt: string;
  /** How long reading and clustering took. */
  durationMs: number;
  /** True when finished reports changed since, and the campaigns are served from the cool-down. */
  stale: boolean;
  /** Largest first (the clustering's order). */
  campaigns: readonly Campaign[];
  /** How many finished reports the campaigns cover. */
  reports: number;
  campaignOf(reportId: string): Campaign | undefined;
  byId(campaignId: string): Campaign | undefined;
  /** The member's fingerprint: its subject, verdict, sender and time for listing a campaign's reports. */
  member(reportId: string): Fingerprint | undefined;
}

export class CampaignIndex {
  private snapshot: CampaignSnapshot | undefined;
  private pending: Promise<CampaignSnapshot> | undefined;
  private pendingVersion: string | undefined;
  /** How many times the reports were clustered (for tests and the stats an operator reads). */
  computations = 0;

  constructor(
    private readonly store: Store,
    private readonly options: Partial<ClusterOptions> = {},
  ) {}

  /** The campaigns as of now: the cached ones while the finished reports are unchanged. */
  async current(): Promise<CampaignSnapshot> {
    const version = await this.store.finishedReportsVersion();
    if (this.snapshot?.version === version) return this.snapshot;
    if (this.snapshot && this.coolingDown(this.snapshot)) return { ...this.snapshot, stale: true };
    if (this.pending && this.pendingVersion === version) return this.pending;
    const run = this.compute(version);
    this.pending = run;
    this.pendingVersion = version;
    try {
      const snapshot = await run;
      // A slower, older computation must not replace a newer one that finished first.
      if (!this.snapshot || this.pending === run) this.snapshot = snapshot;
      return snapshot;
    } finally {
      if (this.pending === run) {
        this.pending = undefined;
        this.pendingVersion = undefined;
      }
    }
  }

  private coolingDown(snapshot: CampaignSnapshot): boolean {
    if (snapshot.durationMs < SLOW_MS) return false;
    return Date.now() - Date.parse(snapshot.computedAt) < snapshot.durationMs * COOLDOWN_FACTOR;
  }

  private async compute(version: string): Promise<CampaignSnapshot> {
    const started = performance.now();
    const fingerprints = await this.store.campaignFingerprints();
    const campaigns = clusterCampaigns(fingerprints, this.options);
    this.computations++;
    const byReport = new Map<string, Campaign>();
    const byId = new Map<string, Campaign>();
    for (const c of campaigns) {
      byId.set(c.id, c);
      for (const m of c.members) byReport.set(m, c);
    }
    const members = new Map(fingerprints.map((f) => [f.id, f]));
    return {
      version,
      computedAt: new Date().toISOString(),
      durationMs: performance.now() - started,
      stale: false,
      campaigns,
      reports: fingerprints.length,
      campaignOf: (id) => byReport.get(id),
      byId: (id) => byId.get(id),
      member: (id) => members.get(id),
    };
  }
}
