// A CSV blocklist: one row per blockable indicator, ready for a proxy, firewall or EDR import.
// Values are never defanged here (machines read it) but are guarded against spreadsheet formula injection.

import type { Report } from '../verdict/report.ts';
import { isBlockable } from './allowlist.ts';

const BLOCK_TYPES = new Set(['url', 'domain', 'ip', 'sha256', 'email']);
export const CSV_HEADER = ['type', 'value', 'port', 'role', 'verdict', 'report_sha256', 'summary'];

export function csvCell(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  // A cell a spreadsheet would evaluate as a formula is prefixed with a quote.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsvRows(report: Report, ownDomains: readonly string[] = []): string[][] {
  return report.iocs
    .filter((i) => BLOCK_TYPES.has(i.type) && isBlockable(i, ownDomains))
    .filter((i) => !(i.type === 'email' && i.role !== 'sender'))
    .map((i) => [i.type, i.value, i.port ? String(i.port) : '', i.role ?? '', report.verdict, report.input.sha256, report.summary]);
}

export function toCsv(reports: readonly Report[], ownDomains: readonly string[] = []): string {
  const seen = new Set<string>();
  const lines = [CSV_HEADER.join(',')];
  for (const report of reports) {
    for (const row of toCsvRows(report, ownDomains)) {
      const key = `${row[0]}\u0000${row[1]}\u0000${row[2]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(row.map(csvCell).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
