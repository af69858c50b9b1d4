// The readable report for a person at a terminal: verdict, score, the chain, findings with evidence,
// indicators defanged, passwords. Never prints a live link.

import { defang } from '../intel/defang.ts';
import type { Report } from '../verdict/report.ts';

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, text: string) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
const VERDICT_COLOR = { malicious: '1;31', suspicious: '1;33', benign: '1;32' } as const;

/** Control characters from hostile input must not drive the analyst's terminal. */
export function safe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function oneLine(text: string, max = 160): string {
  const flat = safe(text.replace(/\s+/g, ' ').trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function renderReport(report: Report, path: string): string {
  const out: string[] = [];
  const verdict = paint(VERDICT_COLOR[report.verdict], report.verdict.toUpperCase());
  out.push(`${safe(path)}: ${verdict} (score ${report.score})${report.simulation ? `  [phishing simulation: ${safe(report.simulation.vendor)}]` : ''}`);
  if (report.summary) out.push(`  chain: ${safe(report.summary)}`);
  if (report.email.subject !== undefined) out.push(`  subject: ${oneLine(report.email.subject)}`);
  if (report.email.from) out.push(`  from: ${oneLine(defang('email', report.email.from))}`);
  if (report.email.reporter) out.push(`  reported by: ${oneLine(report.email.reporter)}`);

  if (report.findings.length > 0) {
    out.push('  findings:');
    for (const f of report.findings) {
      const attack = f.attack.length ? ` [${f.attack.join(', ')}]` : '';
      out.push(`    ${String(f.score).padStart(5)}  ${f.id}: ${oneLine(f.title, 100)}${attack}`);
      if (f.evidence) out.push(`           ${paint('2', oneLine(defangText(f.evidence), 140))}`);
    }
  }
  if (report.iocs.length > 0) {
    out.push('  indicators:');
    for (const i of report.iocs.slice(0, 50)) {
      const extra = i.port ? `:${i.port}` : '';
      out.push(`    ${i.type.padEnd(8)} ${oneLine(defang(i.type, i.value), 200)}${extra}${i.role ? `  (${i.role})` : ''}`);
    }
    if (report.iocs.length > 50) out.push(`    … ${report.iocs.length - 50} more (see --json)`);
  }
  if (report.passwords.length > 0) {
    out.push('  passwords:');
    for (const p of report.passwords) {
      const opened = p.opened.length ? ` → opened ${p.opened.join(', ')}` : '';
      out.push(`    ${oneLine(p.value, 60)}  (${oneLine(p.source, 80)})${opened}`);
    }
  }
  for (const l of report.limits) out.push(`  limit reached: ${l.limit} at ${l.artifact}: ${oneLine(l.detail)}`);
  for (const e of report.errors) out.push(`  error: ${e.analyzer} on ${e.artifact}: ${oneLine(e.message)}`);
  return out.join('\n');
}

/** Evidence may quote URLs; show them defanged too. */
function defangText(text: string): string {
  return text.replace(/\b(https?|ftp):\/\/[^\s"'<>)]+/gi, (url) => defang('url', url));
}
