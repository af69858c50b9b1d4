// `tacklebox hunt [--case REPORT.json]... [--ioc VALUE]... [--rules PATH]... --logs PATH... [--filters FILE]... [--json]`
// `tacklebox hunt --convert spl|kql|esql [--rules PATH]...`

import { readFile } from 'node:fs/promises';
import { hunt } from '../hunt/impact.ts';
import { addIndicator, emptyIndicators, indicatorCount, indicatorsFromReport } from '../hunt/indicators.ts';
import { renderHunt } from '../hunt/render.ts';
import { shardedHunt } from '../hunt/shard-queue.ts';
import { SlicePlanError } from '../hunt/shard-plan.ts';
import { convertRules, BACKENDS, type Backend } from '../hunt/sigma/convert/index.ts';
import { RuleSet } from '../hunt/sigma/engine.ts';
import { BUNDLED_RULES, loadSigma } from '../hunt/sigma/load.ts';
import type { Report } from '../verdict/report.ts';
import { parse, UsageError } from './args.ts';

const HELP = `usage: tacklebox hunt --logs PATH... [options]
       tacklebox hunt --convert spl|kql|esql [--rules PATH]...

Finds who received, clicked and downloaded a case, and which hosts ran it, in mail, proxy, DNS and endpoint
logs. Log formats are recognised from content (plain, .gz or .zip): Exchange Online message trace (CSV, also
the UTF-16 extended report), Gmail log events (JSON), Postfix maillog, Zeek http.log/dns.log (TSV or JSON),
Squid access.log, ECS proxy JSON, Sysmon/Windows events as EVTX JSON, flat nxlog JSON or Elastic ECS,
Windows Security 4688. JSON may be one event per line, pretty-printed, or an array.

options:
  --case REPORT.json   a report from 'tacklebox analyze --json' (its IOCs, Message-ID, sender, subject); repeatable
  --ioc VALUE          an indicator: URL, domain, IP, sha256, sender address, <message-id>, file name; repeatable
  --logs PATH          a log file or folder (every file inside); repeatable; bare paths count too
  --rules PATH         Sigma rules (file or folder); default: the bundled chain rules (SigmaHQ, DRL 1.1)
  --filters FILE       Sigma filters (per-rule exclusions, e.g. trusted devices); repeatable
  --zip-password P     password for zipped logs
  --json               print the result as JSON (schema tacklebox.hunt/1)
  --convert BACKEND    print the rules as Splunk SPL (spl), Microsoft Sentinel/Defender KQL (kql) or
                       Elastic ES|QL (esql) queries instead of hunting locally

sharded across 'tacklebox worker' processes:
  --queue URL          redis://host:port: one shard per log file (and time slice) is queued, the workers
                       hunt them and the results are merged into what one pass finds; logs and rules must
                       be on a path every worker reads (TACKLEBOX_QUEUE in the environment works too)
  --slice-at TIME      also cut every file at this ISO 8601 instant; repeatable

A host with no endpoint telemetry is reported as no_telemetry, never as clean.
exit status: 0 nothing found, 1 detections or impact found, 2 the command failed`;

const OPTIONS = {
  case: { type: 'string', multiple: true },
  ioc: { type: 'string', multiple: true },
  logs: { type: 'string', multiple: true },
  rules: { type: 'string', multiple: true },
  filters: { type: 'string', multiple: true },
  'zip-password': { type: 'string' },
  json: { type: 'boolean' },
  convert: { type: 'string' },
  queue: { type: 'string' },
  'slice-at': { type: 'string', multiple: true },
} as const;

export async function huntCommand(argv: string[]): Promise<number> {
  const args = parse(argv, OPTIONS, HELP);
  if (!args) return 0;
  const { values, positionals } = args;
  const loaded = await loadSigma(values.rules?.length ? values.rules : [BUNDLED_RULES]);
  const filters = values.filters?.length ? await loadSigma(values.filters) : { rules: [], filters: [], errors: [] };
  const problems = [...loaded.errors, ...filters.errors];
  for (const p of problems) process.stderr.write(`tacklebox hunt: skipped ${p.message}\n`);

  if (values.convert !== undefined) {
    if (!BACKENDS.includes(values.convert as Backend)) throw new UsageError(`--convert takes ${BACKENDS.join(', ')}, got "${values.convert}"`);
    const out = convertRules(loaded.rules, values.convert as Backend);
    for (const c of out) process.stdout.write(`${c.comment}\n${c.query}\n\n`);
    return problems.length ? 2 : 0;
  }

  const logs = [...(values.logs ?? []), ...positionals];
  if (logs.length === 0) throw new UsageError(`no --logs given\n\n${HELP}`);
  if (loaded.rules.length === 0 && !values.case?.length && !values.ioc?.length) throw new UsageError('nothing to hunt for: no rules loaded and no --case or --ioc');

  const indicators = emptyIndicators();
  for (const file of values.case ?? []) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new UsageError(`--case ${file}: not a JSON report (${(err as Error).message})`);
    }
    for (const r of [parsed].flat() as Report[]) {
      if (!r || typeof r !== 'object' || !Array.isArray(r.iocs)) throw new UsageError(`--case ${file}: not a tacklebox report (no iocs[])`);
      indicatorsFromReport(r, indicators);
    }
  }
  for (const v of values.ioc ?? []) addIndicator(indicators, v);
  if ((values.case?.length || values.ioc?.length) && indicatorCount(indicators) === 0) {
    process.stderr.write('tacklebox hunt: the cases and --ioc values gave no usable indicator\n');
  }

  const queueUrl = values.queue ?? process.env.TACKLEBOX_QUEUE;
  if (values['slice-at']?.length && !queueUrl) throw new UsageError('--slice-at needs --queue: time slices are for sharded hunts');
  const result = queueUrl
    ? await shardedHunt({
        queueUrl,
        logs,
        indicators,
        rules: values.rules?.length ? values.rules : [BUNDLED_RULES],
        filters: values.filters ?? [],
        sliceAt: values['slice-at'],
        zipPassword: values['zip-password'],
      }).catch((err: Error) => {
        throw err instanceof SlicePlanError ? new UsageError(`--slice-at: ${err.message}`) : err;
      })
    : await hunt({ indicators, rules: new RuleSet(loaded.rules, filters.filters), logs, zipPassword: values['zip-password'] });
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderHunt(result)}\n`);
  const impacted = result.detections.length > 0 || result.hosts.some((h) => ['infected', 'payload_dropped', 'executed_script'].includes(h.verdict)) ||
    result.summary.clicked > 0 || result.summary.delivered > 0;
  return impacted ? 1 : 0;
}
