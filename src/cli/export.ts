// `tacklebox export REPORT.json... --format stix|misp|csv|sigma`: hands a case's indicators to the tools
// that block and hunt (a TIP, MISP, a proxy blocklist, the SIEM).

import { writeFile } from 'node:fs/promises';
import { isBlockable } from '../intel/allowlist.ts';
import { toCsv } from '../intel/csv.ts';
import { toMispEvent } from '../intel/misp.ts';
import { toStixBundle } from '../intel/stix.ts';
import { sigmaRulesFromReport } from '../hunt/sigma/generate.ts';
import { parse, UsageError } from './args.ts';
import { readReports } from './reports.ts';

const HELP = `usage: tacklebox export REPORT.json... --format stix|misp|csv|sigma [options]

Reads reports written by 'tacklebox analyze --json' (or --jsonl) and writes:
  stix    a STIX 2.1 bundle of the whole chain (one bundle per report; an array for several)
  misp    a MISP event per report
  csv     one blocklist for all reports (type,value,port,role,verdict,report_sha256,summary)
  sigma   Sigma rules from the reports' indicators, and a filters file for trusted devices

options:
  --format F          stix, misp, csv or sigma (required)
  --own-domain D      never hand out D or its subdomains as a block (repeatable)
  --trusted-host H    (sigma) a device whose matches the filters file excludes: admin jump host, sandbox (repeatable)
  --out FILE          write to FILE instead of standard output (for sigma: FILE and FILE's .filters.yml)`;

const OPTIONS = {
  format: { type: 'string' },
  'own-domain': { type: 'string', multiple: true },
  out: { type: 'string' },
  'trusted-host': { type: 'string', multiple: true },
} as const;

export async function exportCommand(argv: string[]): Promise<number> {
  const args = parse(argv, OPTIONS, HELP);
  if (!args) return 0;
  const { values, positionals } = args;
  if (positionals.length === 0) throw new UsageError(`no REPORT given\n\n${HELP}`);
  const format = values.format;
  if (!format || !['stix', 'misp', 'csv', 'sigma'].includes(format)) throw new UsageError(`--format takes stix, misp, csv or sigma\n\n${HELP}`);
  const ownDomains = (values['own-domain'] ?? []).map((d) => d.toLowerCase());
  const reports = await readReports(positionals);
  const one = <T>(items: T[]) => (items.length === 1 ? items[0] : items);

  let output: string;
  let filters: string | undefined;
  switch (format) {
    case 'stix':
      output = JSON.stringify(one(reports.map((r) => toStixBundle(r, { ownDomains }))), null, 2);
      break;
    case 'misp':
      output = JSON.stringify(one(reports.map((r) => toMispEvent(r, { ownDomains }))), null, 2);
      break;
    case 'csv':
      output = toCsv(reports, ownDomains);
      break;
    default: {
      // Rules hunt for what may be blocked: never the organisation's own domains or shared platforms.
      const trustedHosts = values['trusted-host'] ?? [];
      const generated = reports.map((r) => sigmaRulesFromReport({ ...r, iocs: r.iocs.filter((i) => isBlockable(i, ownDomains)) }, { trustedHosts }));
      output = generated.map((g) => g.rules).join('\n---\n');
      filters = generated.map((g) => g.filters).filter(Boolean).join('\n---\n');
    }
  }
  if (values.out) {
    await writeFile(values.out, output.endsWith('\n') ? output : `${output}\n`);
    if (filters) await writeFile(values.out.replace(/(\.ya?ml)?$/i, '.filters.yml'), `${filters}\n`);
  } else {
    process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    if (filters) process.stdout.write(`---\n${filters}\n`);
  }
  return 0;
}
