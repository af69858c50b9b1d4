// `tacklebox campaigns REPORT.json...`: groups reports into campaigns and prints each with its ties.

import { basename } from 'node:path';
import { clusterCampaigns } from '../campaign/cluster.ts';
import { fingerprintOf } from '../campaign/fingerprint.ts';
import { defang } from '../intel/defang.ts';
import { parse, UsageError } from './args.ts';
import { safe } from './render.ts';
import { readReports } from './reports.ts';

const HELP = `usage: tacklebox campaigns REPORT.json... [--json]

Groups reports written by 'tacklebox analyze --json' (or --jsonl) into campaigns: by Message-ID, sender and
subject, URL, payload hash and sending IP, then by near-duplicate body text, then by shared link domains.`;

export async function campaignsCommand(argv: string[]): Promise<number> {
  const args = parse(argv, { json: { type: 'boolean' } } as const, HELP);
  if (!args) return 0;
  if (args.positionals.length === 0) throw new UsageError(`no REPORT given\n\n${HELP}`);
  const reports = await readReports(args.positionals);
  const fingerprints = reports.map((r, i) => fingerprintOf(r, `${r.input.sha256.slice(0, 12)}:${basename(r.input.name)}#${i}`, Date.parse(r.email.date ?? '') || 0));
  const campaigns = clusterCampaigns(fingerprints);
  if (args.values.json) {
    process.stdout.write(`${JSON.stringify(campaigns, null, 2)}\n`);
    return 0;
  }
  for (const c of campaigns) {
    process.stdout.write(`${c.id}: ${c.members.length} report(s), ${c.verdict}, ${c.firstSeen} … ${c.lastSeen}\n`);
    for (const s of c.subjects.slice(0, 3)) process.stdout.write(`  subject: ${safe(s)}\n`);
    for (const t of c.ties.slice(0, 5)) process.stdout.write(`  tie: ${safe(defangTie(t.key))} (${t.members})\n`);
    for (const i of c.sharedIocs.slice(0, 5)) process.stdout.write(`  shared ${i.type}: ${safe(defang(i.type, i.value))} (${i.members})\n`);
  }
  return 0;
}

function defangTie(key: string): string {
  return key.replace(/\b(https?):\/\/\S+/g, (u) => defang('url', u));
}
