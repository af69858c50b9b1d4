// Sigma rules written from a case: its URLs, domains, IPs, payload hashes and file names become rules for
// proxy, DNS, process, file, image-load and network events, plus a filters file for trusted devices, so a
// team can hunt the case in any SIEM (or with `tacklebox hunt --rules`). `tacklebox export --format sigma`
// prints these.

import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { stringify } from 'yaml';
import { emptyIndicators, indicatorsFromReport, type Indicators } from '../indicators.ts';
import type { Report } from '../../verdict/report.ts';

export interface SigmaExportOptions {
  /** Hosts (names or IPs) whose matches the filters file excludes: admin jump hosts, sandboxes, scanners. */
  trustedHosts?: string[];
  /** Rule date (YYYY-MM-DD); defaults to today. */
  date?: string;
  level?: 'medium' | 'high' | 'critical';
}

interface RuleSpec {
  key: string;
  title: string;
  logsource: Record<string, string>;
  detection: Record<string, unknown>;
  /** The field the filters file uses to exclude a trusted device for this rule. */
  deviceField: 'Computer' | 'src_ip';
  falsepositives: string[];
}

/** Sigma values are wildcard patterns: a literal `*`, `?` or `\` in an indicator must be escaped. */
export function sigmaLiteral(value: string): string {
  return value.replace(/[\\*?]/g, '\\$&');
}

function ruleId(caseKey: string, key: string): string {
  const h = createHash('sha256').update(`tacklebox:${caseKey}:${key}`).digest('hex');
  // A UUID-shaped id derived from the case, so exporting the same case twice gives the same rule ids.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function specsFor(ind: Indicators, label: string): RuleSpec[] {
  const specs: RuleSpec[] = [];
  const domains = [...ind.domains].sort();
  const urls = [...ind.urls].sort();
  const ips = [...ind.ips].sort();
  const hashes = [...ind.sha256].sort();
  const files = [...ind.filenames].sort();
  const domainSelection = (field: string) => ({
    [`selection_${field.replace(/\W/g, '_')}_exact`]: { [field]: domains.map(sigmaLiteral) },
    [`selection_${field.replace(/\W/g, '_')}_sub`]: { [`${field}|endswith`]: domains.map((d) => `.${sigmaLiteral(d)}`) },
  });

  if (urls.length || domains.length || ips.length) {
    const detection: Record<string, unknown> = {};
    if (urls.length) detection.selection_url = { 'c-uri|contains': urls.map(sigmaLiteral) };
    if (domains.length) Object.assign(detection, domainSelection('cs-host'));
    if (ips.length) detection.selection_ip = { dst_ip: ips };
    detection.condition = '1 of selection_*';
    specs.push({ key: 'proxy', title: `Web Requests To Infrastructure Of ${label}`, logsource: { category: 'proxy' }, detection, deviceField: 'src_ip', falsepositives: ['Security tooling or analysts retrieving the indicators'] });
  }
  if (domains.length) {
    specs.push({ key: 'dns', title: `DNS Queries For Domains Of ${label}`, logsource: { category: 'dns' }, detection: { ...domainSelection('query'), condition: '1 of selection_*' }, deviceField: 'src_ip', falsepositives: ['Mail security gateways resolving links in delivered mail'] });
    specs.push({ key: 'dns_query', title: `Windows DNS Query For Domains Of ${label}`, logsource: { category: 'dns_query', product: 'windows' }, detection: { ...domainSelection('QueryName'), condition: '1 of selection_*' }, deviceField: 'Computer', falsepositives: ['Preview panes and link scanners on the endpoint'] });
  }
  const process: Record<string, unknown> = {};
  if (domains.length || urls.length) process.selection_cli = { 'CommandLine|contains': [...domains, ...urls].map(sigmaLiteral) };
  if (hashes.length) process.selection_hash = { 'Hashes|contains': hashes.map((h) => `SHA256=${h.toUpperCase()}`) };
  if (files.length) process.selection_file = { 'CommandLine|contains': files.map(sigmaLiteral) };
  if (Object.keys(process).length) {
    specs.push({ key: 'process', title: `Process Execution With Indicators Of ${label}`, logsource: { category: 'process_creation', product: 'windows' }, detection: { ...process, condition: '1 of selection_*' }, deviceField: 'Computer', falsepositives: ['Analysts handling the sample on an analysis host'] });
  }
  if (files.length) {
    specs.push({ key: 'file', title: `Files Of ${label} Written To Disk`, logsource: { category: 'file_event', product: 'windows' }, detection: { selection: { 'TargetFilename|endswith': files.map((f) => `\\${sigmaLiteral(f)}`) }, condition: 'selection' }, deviceField: 'Computer', falsepositives: ['Common file names reused by legitimate software'] });
  }
  if (hashes.length || files.length) {
    const detection: Record<string, unknown> = {};
    if (hashes.length) detection.selection_hash = { 'Hashes|contains': hashes.map((h) => `SHA256=${h.toUpperCase()}`) };
    if (files.length) detection.selection_file = { 'ImageLoaded|endswith': files.filter((f) => /\.(dll|ocx|cpl|tmp|dat|bin)$/.test(f)).map((f) => `\\${sigmaLiteral(f)}`) };
    if (detection.selection_file && (detection.selection_file as Record<string, string[]>)['ImageLoaded|endswith']!.length === 0) delete detection.selection_file;
    if (Object.keys(detection).length) {
      specs.push({ key: 'image_load', title: `Payload Of ${label} Loaded`, logsource: { category: 'image_load', product: 'windows' }, detection: { ...detection, condition: '1 of selection_*' }, deviceField: 'Computer', falsepositives: ['Unlikely'] });
    }
  }
  if (ips.length || domains.length) {
    const detection: Record<string, unknown> = {};
    if (ips.length) detection.selection_ip = { DestinationIp: ips };
    if (domains.length) Object.assign(detection, domainSelection('DestinationHostname'));
    specs.push({ key: 'network', title: `Network Connections To Infrastructure Of ${label}`, logsource: { category: 'network_connection', product: 'windows' }, detection: { ...detection, condition: '1 of selection_*' }, deviceField: 'Computer', falsepositives: ['Security tooling or analysts retrieving the indicators'] });
  }
  return specs;
}

export function sigmaRulesFromReport(report: Report, options: SigmaExportOptions = {}): { rules: string; filters: string } {
  const ind = indicatorsFromReport(report, emptyIndicators());
  const caseKey = report.input?.sha256 ?? report.email?.messageId ?? 'case';
  const subject = report.email?.subject?.trim();
  const label = subject ? `Phishing Case "${subject.slice(0, 60)}"` : `Case ${caseKey.slice(0, 12)}`;
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const tags = (report.attack ?? []).map((t) => `attack.${t.toLowerCase()}`);
  const specs = specsFor(ind, label);

  const rules = specs.map((s) =>
    stringify(
      {
        title: s.title,
        id: ruleId(caseKey, s.key),
        status: 'experimental',
        description: `Generated by tacklebox from the analysed report of ${report.input?.name ?? 'a case'} (sha256 ${caseKey}). ${report.summary ?? ''}`.trim(),
        author: 'tacklebox (generated from a case)',
        date,
        tags,
        logsource: s.logsource,
        detection: s.detection,
        falsepositives: s.falsepositives,
        level: options.level ?? 'high',
      },
      { lineWidth: 0 },
    ),
  );

  const trusted = options.trustedHosts ?? [];
  const names = trusted.filter((h) => !isIP(h));
  const ips = trusted.filter((h) => isIP(h));
  const filters: string[] = [];
  const filterDoc = (field: 'Computer' | 'src_ip', values: string[]) => {
    const ruleIds = specs.filter((s) => s.deviceField === field).map((s) => ruleId(caseKey, s.key));
    if (ruleIds.length === 0) return;
    filters.push(
      stringify(
        {
          title: `Trusted devices for the rules of ${label}`,
          id: ruleId(caseKey, `filter-${field}`),
          description: values.length
            ? 'Matches on these devices are expected (analysis hosts, mail security, scanners) and are suppressed.'
            : 'Fill in the devices whose matches are expected (analysis hosts, mail security, scanners); the placeholder matches no device.',
          date,
          logsource: field === 'Computer' ? { product: 'windows' } : {},
          filter: { rules: ruleIds, selection: { [field]: values.length ? values.map(sigmaLiteral) : ['TRUSTED-DEVICE-PLACEHOLDER'] }, condition: 'not selection' },
        },
        { lineWidth: 0 },
      ),
    );
  };
  filterDoc('Computer', names);
  filterDoc('src_ip', ips);
  return { rules: rules.join('---\n'), filters: filters.join('---\n') };
}
