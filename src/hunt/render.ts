// The readable hunt summary for a person: counts first, then the hosts that need action, then coverage gaps.

import type { HuntResult } from './impact.ts';

const VERDICT_WORDS: Record<string, string> = {
  infected: 'INFECTED (payload ran)',
  payload_dropped: 'payload dropped',
  executed_script: 'script executed',
  no_evidence: 'no evidence in its telemetry',
  no_telemetry: 'NO TELEMETRY (cannot be cleared)',
};

export function renderHunt(r: HuntResult): string {
  const out: string[] = [];
  const s = r.summary;
  out.push(`Hunted ${r.events} events from ${r.coverage.sources.length} source(s) with ${r.rules} rule(s) and ${r.filters} filter(s).`);
  out.push(`Mail: ${s.delivered} recipient(s) delivered, ${s.blocked} blocked. Web: ${s.clicked} clicked, ${s.downloaded} downloaded. Hosts infected: ${s.infected}.`);
  if (r.hosts.length) {
    out.push('', 'Hosts:');
    for (const h of r.hosts) {
      out.push(`  ${h.host.padEnd(28)} ${VERDICT_WORDS[h.verdict] ?? h.verdict}${h.users.length ? `  users: ${h.users.join(', ')}` : ''}`);
      for (const e of h.evidence.slice(0, 5)) out.push(`      - ${e}`);
      if (h.evidence.length > 5) out.push(`      … ${h.evidence.length - 5} more`);
    }
  }
  if (r.detections.length) {
    out.push('', `Detections (${r.summary.detections}):`);
    for (const d of r.detections.slice(0, 30)) out.push(`  [${d.level}] ${d.title} on ${d.host ?? '?'} as ${d.user ?? '?'} at ${d.time ?? '?'}  (${d.source})`);
    if (r.detections.length > 30) out.push(`  … ${r.detections.length - 30} more (use --json)`);
  }
  if (r.suppressed.length) {
    out.push('', `Suppressed by filters (${r.summary.suppressed}):`);
    for (const x of r.suppressed.slice(0, 20)) out.push(`  ${x.title} on ${x.host ?? '?'}: filter "${x.filter}"  (${x.source})`);
  }
  if (r.recipients.length) {
    out.push('', 'Recipients:');
    for (const x of r.recipients.slice(0, 50)) out.push(`  ${x.recipient.padEnd(32)} ${x.outcome.padEnd(9)} ${x.time ?? ''}  by ${x.matchedBy}`);
  }
  if (r.clickers.length) {
    out.push('', 'Clicks:');
    for (const x of r.clickers.slice(0, 50)) out.push(`  ${(x.user ?? x.host ?? x.client ?? '?').padEnd(24)} ${x.via.padEnd(8)} ${x.url} ${x.status ?? ''}`);
  }
  out.push('', 'Coverage:');
  for (const c of r.coverage.sources) {
    out.push(`  ${c.file}: ${c.shapes.join(', ') || 'unrecognised'}, ${c.events} events${c.from ? `, ${c.from} → ${c.to}` : ''}${c.errors ? `, ${c.errors} unreadable record(s)` : ''}`);
    for (const e of c.errorSamples.slice(0, 3)) out.push(`      line ${e.line}: ${e.error}`);
  }
  if (r.coverage.uncovered.length) {
    out.push(`  Without endpoint telemetry (not cleared): ${r.coverage.uncovered.join(', ')}`);
  }
  return out.join('\n');
}
