// The service's campaigns on a big SQLite store (10k and 100k finished reports with generated fingerprints):
// what the cache check costs per request, what a recomputation costs (reading every fingerprint in one query,
// then clustering), against a baseline measured in the same run: clustering the same fingerprints already in
// memory (bench/campaign.ts measures that alone). Run: npx tsx bench/service-campaigns.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterCampaigns } from '../src/campaign/cluster.ts';
import { CampaignIndex } from '../src/service/campaigns.ts';
import { SqliteStore } from '../src/service/store/sqlite.ts';
import { generateFingerprints } from '../test/generators/campaigns.ts';

async function timeIt<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

for (const total of [10_000, 100_000]) {
  const dir = await mkdtemp(join(tmpdir(), 'tacklebox-bench-campaigns-'));
  const store = new SqliteStore(join(dir, 'db.sqlite'));
  try {
    await store.migrate();
    const campaigns = Math.round(total / 50);
    const { fingerprints } = generateFingerprints(campaigns, 40, total - campaigns * 40, 42);
    // Rows as finishReport leaves them, written directly: analysing 100k mails is not what this measures.
    const insertReport = store.db.prepare(
      `INSERT INTO reports (id, identity, sample_sha256, sample_size, sample_name, sample_type, status, subject, verdict, score, fingerprint_json, created_at, finished_at)
       VALUES (?, ?, ?, 1, 'r.eml', 'message/rfc822', 'done', ?, ?, ?, ?, ?, ?)`,
    );
    const insertReporter = store.db.prepare("INSERT INTO reporters (report_id, reporter_key, name, via, reported_at) VALUES (?, ?, ?, 'api', ?)");
    store.db.transaction(() => {
      for (const fp of fingerprints) {
        const { id, receivedAt, reporters: _r, ...stored } = fp;
        const at = new Date(receivedAt).toISOString();
        insertReport.run(id, `identity:${id}`, '0'.repeat(64), fp.subject ?? null, fp.verdict, fp.score, JSON.stringify(stored), at, at);
        insertReporter.run(id, `name:user${receivedAt % 97}`, `user${receivedAt % 97}`, at);
      }
    })();

    const inMemory = await timeIt(() => clusterCampaigns(fingerprints));
    const index = new CampaignIndex(store);
    const first = await timeIt(() => index.current());
    const version = await timeIt(() => store.finishedReportsVersion());
    const load = await timeIt(() => store.campaignFingerprints());
    const cached = await timeIt(() => index.current());
    console.log(
      `${total.toLocaleString('en')} finished reports: baseline in-memory clustering ${inMemory.ms.toFixed(0)} ms; ` +
        `first request (one query + clustering) ${first.ms.toFixed(0)} ms = ${(first.ms / inMemory.ms).toFixed(2)}x; ` +
        `reading the fingerprints ${load.ms.toFixed(0)} ms = ${(load.ms / inMemory.ms).toFixed(2)}x; ` +
        `cached request ${cached.ms.toFixed(1)} ms = ${(cached.ms / inMemory.ms).toFixed(4)}x (version check ${version.ms.toFixed(1)} ms); ` +
        `${first.value.campaigns.length} campaigns, computed ${index.computations} time(s)`,
    );
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
