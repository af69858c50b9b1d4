// The service's campaigns: every finished report clustered into campaigns (src/campaign/cluster.ts), kept in
// memory and clustered again only when the finished reports changed. Each request asks the store for a cheap
// version token (counts and latest times); the fingerprints are read and clustered when it differs. Concurrent
// requests share one computation.

import { clusterCampaigns, type Campaign, type ClusterOptions } from '../campaign/cluster.ts';
import type { Fingerprint } from '../campaign/fingerprint.ts';
import type { Store } from './store/types.ts';

export interface CampaignSnapshot {
  /** The store's version token the campaigns were computed from. */
  version: string;
  computedAt: string;
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

  private async compute(version: string): Promise<CampaignSnapshot> {
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
      campaigns,
      reports: fingerprints.length,
      campaignOf: (id) => byReport.get(id),
      byId: (id) => byId.get(id),
      member: (id) => members.get(id),
    };
  }
}
