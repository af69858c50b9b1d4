// Campaign clustering time for 10k and 100k generated reports (fingerprints with body signatures),
// against a baseline measured in the same run: grouping the same reports by exact sender alone (one hash map),
// the least any grouping must do. Run: npx tsx bench/campaign.ts
import { clusterCampaigns } from '../src/campaign/cluster.ts';
import type { Fingerprint } from '../src/campaign/fingerprint.ts';
import { generateFingerprints } from '../test/generators/campaigns.ts';

function timeIt<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}

function baseline(fps: readonly Fingerprint[]): number {
  const groups = new Map<string, string[]>();
  for (const fp of fps) {
    const key = fp.sender ?? fp.id;
    const list = groups.get(key);
    if (list) list.push(fp.id);
    else groups.set(key, [fp.id]);
  }
  return groups.size;
}

for (const total of [10_000, 100_000]) {
  const campaigns = Math.round(total / 50);
  const gen = timeIt(() => generateFingerprints(campaigns, 40, total - campaigns * 40, 42));
  const fps = gen.value.fingerprints;
  baseline(fps); // warm-up
  const base = timeIt(() => baseline(fps));
  const run = timeIt(() => clusterCampaigns(fps));
  const found = run.value.filter((c) => c.members.length > 1).length;
  console.log(
    `${total.toLocaleString('en')} reports: clustering ${run.ms.toFixed(0)} ms (${Math.round(total / (run.ms / 1000)).toLocaleString('en')} reports/s), ` +
      `${run.value.length} campaigns (${found} with 2+ members, ${campaigns} generated); ` +
      `baseline exact-sender grouping ${base.ms.toFixed(1)} ms; ratio ${(run.ms / base.ms).toFixed(1)}x; ` +
      `(generating signatures took ${gen.ms.toFixed(0)} ms)`,
  );
}
