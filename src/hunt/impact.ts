// Impact: one pass over the logs answers "who received it, who clicked, who downloaded, which hosts ran it".
// Mail logs are matched on the case's Message-ID, sender + subject and sender addresses; proxy and DNS logs
// on its URLs and domains; endpoint logs by the Sigma rules and the case's hashes, file names and URLs.
// Coverage is tracked per source and host, so a host without telemetry is reported as such, never as clean.

import type { LogEvent } from './event.ts';
import { sourceOf } from './event.ts';
import { domainMatches, hostOfUrl, normaliseMessageId, normaliseUrl, type Indicators } from './indicators.ts';
import { readLogs, type FileReport } from './logs/read.ts';
import { loadMappings, type Mappings } from './mappings.ts';
import { RuleSet } from './sigma/engine.ts';
import { stageOf, worse, type HostVerdict, type Stage } from './stages.ts';

export interface Detection {
  rule: string;
  title: string;
  level: string;
  host: string | null;
  user: string | null;
  time: string | null;
  source: string;
  /** The process (or file) that matched, for the analyst's first look. */
  what: string | null;
}

export interface Suppressed {
  rule: string;
  title: string;
  filter: string;
  host: string | null;
  source: string;
}

export interface Recipient {
  recipient: string;
  /** Workstations where the recipient's account is seen in endpoint telemetry (by account name). */
  hosts: string[];
  outcome: 'delivered' | 'blocked' | 'pending' | 'unknown';
  time: string | null;
  messageId: string | null;
  subject: string | null;
  matchedBy: string;
  source: string;
}

export interface WebHit {
  user: string | null;
  client: string | null;
  host: string | null;
  url: string;
  status: string | null;
  time: string | null;
  via: 'proxy' | 'dns' | 'endpoint';
  source: string;
}

export interface HostImpact {
  host: string;
  users: string[];
  verdict: HostVerdict;
  evidence: string[];
}

export interface SourceCoverage {
  file: string;
  shapes: string[];
  events: number;
  errors: number;
  errorSamples: { line: number; error: string }[];
  from: string | null;
  to: string | null;
  hosts: string[];
}

export interface HuntResult {
  schema: 'tacklebox.hunt/1';
  rules: number;
  filters: number;
  events: number;
  detections: Detection[];
  suppressed: Suppressed[];
  recipients: Recipient[];
  clickers: WebHit[];
  downloaders: WebHit[];
  hosts: HostImpact[];
  coverage: {
    sources: SourceCoverage[];
    hosts: { host: string; shapes: string[]; events: number; from: string | null; to: string | null }[];
    /** Recipients and web clients with no endpoint telemetry: not cleared, not condemned. */
    uncovered: string[];
  };
  /** Totals; detections and suppressed are counted in full even when the lists are capped. */
  summary: { detections: number; suppressed: number; delivered: number; blocked: number; clicked: number; downloaded: number; infected: number; hostsWithTelemetry: number };
}

export interface HuntOptions {
  indicators: Indicators;
  rules: RuleSet;
  logs: string[];
  zipPassword?: string;
  mappings?: Mappings;
  /** Cap on detections listed (all are counted); a noisy rule should not flood the report. */
  maxListed?: number;
  /**
   * Events this hunt counts (default all). A shard of a sharded hunt (shard.ts) reads its whole file and keeps
   * its time slice; the file's coverage (events, errors) still describes the whole file.
   */
  accept?: (e: LogEvent) => boolean;
}

/**
 * A hunt before its last step, in a form that travels (JSON) and merges: what one pass over some logs found,
 * with the reading position (`at`, events read before it) of every listed item so that shards of one file
 * can be put back in reading order (shard-merge.ts). hunt() is collectHunt() then finishHunt().
 */
export interface HuntPartial {
  rules: number;
  filters: number;
  events: number;
  detectionCount: number;
  suppressedCount: number;
  detections: Detection[];
  suppressed: Suppressed[];
  recipients: Recipient[];
  clickers: WebHit[];
  downloaders: WebHit[];
  sources: SourceCoverage[];
  hosts: PartialHost[];
  ipToHost: { ip: string; host: string; at: number }[];
  at: Record<OrderedList, number[]>;
}

export type OrderedList = 'detections' | 'suppressed' | 'recipients' | 'clickers' | 'downloaders';
export const ORDERED_LISTS: readonly OrderedList[] = ['detections', 'suppressed', 'recipients', 'clickers', 'downloaders'];

/** A host as one pass saw it (key: the upper-cased name). */
export interface PartialHost {
  key: string;
  users: string[];
  verdict: HostVerdict;
  evidence: string[];
  /** Reading position of each evidence line. */
  evidenceAt: number[];
  shapes: string[];
  events: number;
  from: string | null;
  to: string | null;
}

const PAYLOAD_PATH = /\.(zip|7z|rar|iso|img|exe|dll|js|jse|vbs|wsf|hta|ps1|msi|lnk|one|dat|bin|tmp|gz)(\?|$)/i;

interface HostState {
  users: Set<string>;
  verdict: HostVerdict;
  evidence: string[];
  evidenceAt: number[];
  shapes: Set<string>;
  events: number;
  from: string | null;
  to: string | null;
}

function span(a: string | null, b: string | undefined, pick: 'min' | 'max'): string | null {
  if (!b || !/^\d{4}-/.test(b)) return a;
  if (!a) return b;
  return (pick === 'min' ? b < a : b > a) ? b : a;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return Array.isArray(v) ? v.map(String).join(',') : String(v);
}

export async function hunt(options: HuntOptions): Promise<HuntResult> {
  return finishHunt(await collectHunt(options), options);
}

/** The pass over the logs: every event read once, matched, and counted per host and file. */
export async function collectHunt(options: HuntOptions): Promise<HuntPartial> {
  const ind = options.indicators;
  const mappings = options.mappings ?? loadMappings();
  const maxListed = options.maxListed ?? 1000;
  const result: HuntResult = {
    schema: 'tacklebox.hunt/1',
    rules: options.rules.rules.length,
    filters: options.rules.filters.length,
    events: 0,
    detections: [], suppressed: [], recipients: [], clickers: [], downloaders: [], hosts: [],
    coverage: { sources: [], hosts: [], uncovered: [] },
    summary: { detections: 0, suppressed: 0, delivered: 0, blocked: 0, clicked: 0, downloaded: 0, infected: 0, hostsWithTelemetry: 0 },
  };
  const hosts = new Map<string, HostState>();
  const ipToHost = new Map<string, { host: string; at: number }>();
  const perFile = new Map<string, { from: string | null; to: string | null; hosts: Set<string> }>();
  const order: Record<OrderedList, number[]> = { detections: [], suppressed: [], recipients: [], clickers: [], downloaders: [] };
  /** Events read so far, counted or not: the reading position of what the current event adds. */
  let at = -1;

  const hostState = (name: string): HostState => {
    const key = name.toUpperCase();
    let h = hosts.get(key);
    if (!h) {
      h = { users: new Set(), verdict: 'no_evidence', evidence: [], evidenceAt: [], shapes: new Set(), events: 0, from: null, to: null };
      hosts.set(key, h);
    }
    return h;
  };
  const prove = (host: string | undefined, stage: Stage, evidence: string) => {
    if (!host) return;
    const h = hostState(host);
    h.verdict = worse(h.verdict, stage);
    if (h.evidence.length < 50 && !h.evidence.includes(evidence)) {
      h.evidence.push(evidence);
      h.evidenceAt.push(at);
    }
  };

  const onFile = (r: FileReport) => {
    const f = perFile.get(r.file);
    result.coverage.sources.push({
      file: r.file, shapes: r.shapes, events: r.events, errors: r.errors, errorSamples: r.errorSamples,
      from: f?.from ?? null, to: f?.to ?? null, hosts: [...(f?.hosts ?? [])].sort(),
    });
  };

  let detectionCount = 0;
  let suppressedCount = 0;
  for await (const e of readLogs(options.logs, { mappings, zipPassword: options.zipPassword, onFile })) {
    at++;
    if (options.accept && !options.accept(e)) continue;
    result.events++;
    let f = perFile.get(e.file);
    if (!f) {
      f = { from: null, to: null, hosts: new Set() };
      perFile.set(e.file, f);
    }
    f.from = span(f.from, e.time, 'min');
    f.to = span(f.to, e.time, 'max');
    const category = e.logsource.categories;
    if (e.logsource.product === 'windows' && e.host) {
      f.hosts.add(e.host.toUpperCase());
      const h = hostState(e.host);
      h.events++;
      h.shapes.add(e.shape);
      h.from = span(h.from, e.time, 'min');
      h.to = span(h.to, e.time, 'max');
      if (e.user && /\\/.test(e.user) && !/^(NT AUTHORITY|Window Manager|Font Driver Host)\\/i.test(e.user)) h.users.add(e.user);
      const ip = str(e.fields.SourceIp);
      if (ip && category.includes('network_connection') && !ip.startsWith('127.') && ip !== '::1') ipToHost.set(ip, { host: e.host.toUpperCase(), at });
      endpointIndicators(e, ind, prove, result, maxListed);
    } else if (category.includes('mail')) mailEvent(e, ind, mappings, result);
    else if (category.includes('proxy')) webEvent(e, ind, result);
    else if (category.includes('dns')) dnsEvent(e, ind, result);

    // Rules run on every source: the chain rules on endpoint events, generated proxy/DNS rules on web logs.
    for (const m of options.rules.match(e)) {
      if (m.suppressedBy) {
        suppressedCount++;
        if (result.suppressed.length < maxListed) {
          result.suppressed.push({ rule: m.rule.id, title: m.rule.title, filter: m.suppressedBy.title, host: e.host ?? null, source: sourceOf(e) });
        }
        continue;
      }
      detectionCount++;
      const what = clip(str(e.fields.CommandLine) ?? str(e.fields.Image) ?? str(e.fields.TargetFilename) ?? str(e.fields['c-uri']) ?? str(e.fields.query) ?? '');
      if (result.detections.length < maxListed) {
        result.detections.push({
          rule: m.rule.id, title: m.rule.title, level: m.rule.level, host: e.host ?? null, user: e.user ?? null,
          time: e.time ?? null, source: sourceOf(e), what: what || null,
        });
      }
      if (e.logsource.product === 'windows') prove(e.host, stageOf(m.rule), `${m.rule.title}: ${what} (${sourceOf(e)})`);
    }
    for (const list of ORDERED_LISTS) while (order[list].length < result[list].length) order[list].push(at);
  }

  return {
    rules: result.rules,
    filters: result.filters,
    events: result.events,
    detectionCount,
    suppressedCount,
    detections: result.detections,
    suppressed: result.suppressed,
    recipients: result.recipients,
    clickers: result.clickers,
    downloaders: result.downloaders,
    sources: result.coverage.sources,
    hosts: [...hosts].map(([key, h]) => ({
      key, users: [...h.users], verdict: h.verdict, evidence: h.evidence, evidenceAt: h.evidenceAt, shapes: [...h.shapes], events: h.events, from: h.from, to: h.to,
    })),
    ipToHost: [...ipToHost].map(([ip, v]) => ({ ip, host: v.host, at: v.at })),
    at: order,
  };
}

/** The last step, over one pass or merged shards: people tied to hosts, coverage gaps, verdicts, totals. */
export function finishHunt(partial: HuntPartial, options: Pick<HuntOptions, 'indicators'>): HuntResult {
  const ind = options.indicators;
  const copy = <T>(list: T[]): T[] => list.map((x) => ({ ...x }));
  const result: HuntResult = {
    schema: 'tacklebox.hunt/1',
    rules: partial.rules,
    filters: partial.filters,
    events: partial.events,
    detections: copy(partial.detections), suppressed: copy(partial.suppressed), recipients: copy(partial.recipients),
    clickers: copy(partial.clickers), downloaders: copy(partial.downloaders), hosts: [],
    coverage: { sources: partial.sources, hosts: [], uncovered: [] },
    summary: { detections: 0, suppressed: 0, delivered: 0, blocked: 0, clicked: 0, downloaded: 0, infected: 0, hostsWithTelemetry: 0 },
  };
  const { detectionCount, suppressedCount } = partial;
  const hosts = new Map<string, HostState>(
    partial.hosts.map((h) => [h.key, { users: new Set(h.users), verdict: h.verdict, evidence: [...h.evidence], evidenceAt: [...h.evidenceAt], shapes: new Set(h.shapes), events: h.events, from: h.from, to: h.to }]),
  );
  const ipToHost = new Map<string, string>(partial.ipToHost.map((x) => [x.ip, x.host]));

  // One person seen by the proxy (user + IP) and by DNS (IP only) is one clicker: names follow the IP, and
  // an IP seen by endpoint telemetry gets its host name.
  const ipToUser = new Map<string, string>();
  for (const w of result.clickers) if (w.user && w.client) ipToUser.set(w.client, w.user);
  // Without a directory, an account is tied to a mailbox and a proxy user by its name: CORP\alice is
  // alice@corp.example and proxy user "alice". Only names seen on exactly one host are used.
  const accountHosts = new Map<string, Set<string>>();
  for (const [name, h] of hosts) {
    for (const u of h.users) {
      const account = accountName(u);
      const set = accountHosts.get(account) ?? new Set<string>();
      set.add(name);
      accountHosts.set(account, set);
    }
  }
  const hostOfAccount = (who: string | null) => {
    const set = who ? accountHosts.get(accountName(who)) : undefined;
    return set && set.size === 1 ? [...set][0]! : null;
  };
  for (const w of [...result.clickers, ...result.downloaders]) {
    if (!w.user && w.client) w.user = ipToUser.get(w.client) ?? null;
    if (!w.host && w.client) w.host = ipToHost.get(w.client) ?? null;
    if (!w.host) w.host = hostOfAccount(w.user);
  }
  for (const r of result.recipients) r.hosts = [...(accountHosts.get(accountName(r.recipient)) ?? [])].sort();
  // A host whose telemetry stops before the campaign began has not been looked at: it is not cleared.
  const start = [ind.since, ...result.recipients.map((r) => r.time), ...result.clickers.map((w) => w.time)]
    .filter((t): t is string => !!t && /^\d{4}-/.test(t))
    .sort()[0];
  for (const [name, h] of hosts) {
    if (h.verdict === 'no_evidence' && start && h.to && h.to < start) {
      h.verdict = 'no_telemetry';
      h.evidence.push(`telemetry ends ${h.to}, before the campaign began (${start})`);
    }
    result.hosts.push({ host: name, users: [...h.users].sort(), verdict: h.verdict, evidence: h.evidence });
    result.coverage.hosts.push({ host: name, shapes: [...h.shapes].sort(), events: h.events, from: h.from, to: h.to });
  }
  const uncovered = new Set<string>();
  for (const w of [...result.clickers, ...result.downloaders]) {
    const who = w.host ?? w.client;
    if (who && !hosts.has(who.toUpperCase())) uncovered.add(who.toUpperCase());
  }
  for (const who of [...uncovered].sort()) {
    const users = [...new Set([...result.clickers, ...result.downloaders].filter((w) => (w.host ?? w.client)?.toUpperCase() === who && w.user).map((w) => w.user!))];
    result.hosts.push({ host: who, users, verdict: 'no_telemetry', evidence: webEvidence(result, who) });
  }
  for (const r of result.recipients) if (r.outcome === 'delivered' && r.hosts.length === 0) uncovered.add(r.recipient);
  result.coverage.uncovered = [...uncovered].sort();
  result.hosts.sort((a, b) => order(a.verdict) - order(b.verdict) || a.host.localeCompare(b.host));
  result.coverage.hosts.sort((a, b) => a.host.localeCompare(b.host));

  const distinct = (list: { recipient?: string }[]) => new Set(list.map((r) => r.recipient)).size;
  const deliveredTo = new Set(result.recipients.filter((r) => r.outcome === 'delivered').map((r) => r.recipient));
  result.summary = {
    detections: detectionCount,
    suppressed: suppressedCount,
    delivered: distinct(result.recipients.filter((r) => r.outcome === 'delivered')),
    // A recipient with several trace rows (received, then delivered) counts once: delivered wins over blocked.
    blocked: distinct(result.recipients.filter((r) => r.outcome === 'blocked' && !deliveredTo.has(r.recipient))),
    clicked: new Set(result.clickers.map(whoClicked)).size,
    downloaded: new Set(result.downloaders.map(whoClicked)).size,
    infected: result.hosts.filter((h) => h.verdict === 'infected').length,
    hostsWithTelemetry: hosts.size,
  };
  return result;
}

/** `CORP\\alice`, `alice@corp.example` and `alice` all name the account `alice`. */
function accountName(who: string): string {
  return who.toLowerCase().split('\\').pop()!.split('@')[0]!;
}

/** Evidence stays readable: an encoded PowerShell command line runs to kilobytes. */
function clip(s: string, max = 240): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function order(v: HostVerdict): number {
  return ['infected', 'payload_dropped', 'executed_script', 'no_telemetry', 'no_evidence'].indexOf(v);
}

function whoClicked(w: WebHit): string {
  return (w.user ?? w.host ?? w.client ?? '?').toLowerCase();
}

function webEvidence(result: HuntResult, who: string): string[] {
  const out: string[] = [];
  for (const w of result.downloaders) if ((w.host ?? w.client)?.toUpperCase() === who) out.push(`downloaded ${w.url} (${w.source})`);
  for (const w of result.clickers) if ((w.host ?? w.client)?.toUpperCase() === who) out.push(`${w.via === 'dns' ? 'resolved' : 'requested'} ${w.url} (${w.source})`);
  return out.slice(0, 20);
}

function mailEvent(e: LogEvent, ind: Indicators, mappings: Mappings, result: HuntResult): void {
  const f = e.fields;
  const messageId = str(f.message_id);
  const sender = str(f.sender)?.toLowerCase();
  const subject = str(f.subject)?.trim().toLowerCase();
  let matchedBy: string | undefined;
  if (messageId && ind.messageIds.has(normaliseMessageId(messageId))) matchedBy = 'Message-ID';
  else if (sender && subject && ind.senderSubjects.some((s) => s.sender === sender && s.subject === subject)) matchedBy = 'sender and subject';
  else if (sender && ind.senders.has(sender)) matchedBy = 'sender';
  if (!matchedBy) return;
  const shape = mappings.shapes.get(e.shape);
  let outcome = (shape?.mailOutcome(f.status) ?? 'unknown') as Recipient['outcome'];
  if (f.success === false || f.success === 'false') outcome = 'blocked';
  const recipients = [f.recipient].flat().filter(Boolean).map(String);
  for (const r of recipients) {
    for (const one of r.split(/[;,]\s*/)) {
      result.recipients.push({
        recipient: one.toLowerCase(), hosts: [], outcome, time: e.time ?? null, messageId: messageId ?? null, subject: str(f.subject) ?? null, matchedBy, source: sourceOf(e),
      });
    }
  }
}

function webEvent(e: LogEvent, ind: Indicators, result: HuntResult): void {
  const f = e.fields;
  const url = str(f['c-uri']);
  const host = str(f['cs-host']) ?? (url ? hostOfUrl(url) : undefined);
  if (!url && !host) return;
  const norm = url ? normaliseUrl(url) : undefined;
  const hit = (norm && ind.urls.has(norm)) || (host && (domainMatches(host, ind.domains) || ind.ips.has(host)));
  if (!hit) return;
  const status = str(f['sc-status']) ?? null;
  const w: WebHit = {
    user: e.user ?? null, client: str(f.src_ip) ?? null, host: str(f.src_host) ?? null, url: url ?? host!, status, time: e.time ?? null, via: 'proxy', source: sourceOf(e),
  };
  result.clickers.push(w);
  const ok = status !== null && /^2\d\d$/.test(status) && !/denied|blocked|block/i.test(str(f.action) ?? '');
  const bytes = Number(str(f['sc-bytes']) ?? '0');
  const payload = (norm && ind.payloadUrls.has(norm)) || (url && PAYLOAD_PATH.test(url)) || /zip|octet-stream|x-msdownload|javascript|x-dosexec/i.test(str(f.mime) ?? '');
  if (ok && payload && bytes > 0) result.downloaders.push(w);
}

function dnsEvent(e: LogEvent, ind: Indicators, result: HuntResult): void {
  const q = str(e.fields.query);
  if (!q || !domainMatches(q, ind.domains)) return;
  result.clickers.push({ user: e.user ?? null, client: str(e.fields.src_ip) ?? null, host: null, url: q, status: str(e.fields.rcode) ?? null, time: e.time ?? null, via: 'dns', source: sourceOf(e) });
}

/** Endpoint events that carry the case's own indicators: its payload hash, file names, URLs, domains. */
function endpointIndicators(
  e: LogEvent,
  ind: Indicators,
  prove: (host: string | undefined, stage: Stage, evidence: string) => void,
  result: HuntResult,
  maxListed: number,
): void {
  const f = e.fields;
  const where = sourceOf(e);
  const hashes = str(f.Hashes)?.toLowerCase();
  if (hashes && ind.sha256.size) {
    for (const h of ind.sha256) if (hashes.includes(h)) prove(e.host, 'infected', `payload hash ${h.slice(0, 12)}… in ${str(f.Image) ?? str(f.ImageLoaded) ?? 'an event'} (${where})`);
  }
  if (ind.filenames.size) {
    const base = (v: unknown) => str(v)?.toLowerCase().split(/[\\/]/).pop();
    const loaded = base(f.ImageLoaded) ?? (e.logsource.categories.includes('process_creation') ? base(f.Image) : undefined);
    if (loaded && ind.filenames.has(loaded)) prove(e.host, 'infected', `${loaded} ran (${where})`);
    const written = e.logsource.categories.includes('file_event') ? base(f.TargetFilename) : undefined;
    if (written && ind.filenames.has(written)) prove(e.host, 'payload_dropped', `${written} written (${where})`);
    const cmd = str(f.CommandLine)?.toLowerCase();
    if (cmd) for (const n of ind.filenames) if (n.length > 4 && cmd.includes(n)) prove(e.host, 'executed_script', `${n} on a command line (${where})`);
  }
  const cmd = str(f.CommandLine)?.toLowerCase();
  if (cmd) {
    for (const d of ind.domains) if (cmd.includes(d)) prove(e.host, 'executed_script', `command line reaches ${d} (${where})`);
  }
  const q = str(f.QueryName) ?? str(f.DestinationHostname);
  if (q && domainMatches(q, ind.domains) && result.clickers.length < maxListed) {
    result.clickers.push({ user: e.user ?? null, client: null, host: e.host ?? null, url: q, status: null, time: e.time ?? null, via: 'endpoint', source: where });
  }
}
