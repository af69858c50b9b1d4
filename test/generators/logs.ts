// Generated logs for hunting tests: one phishing campaign seen from every log shape tacklebox reads.
// The campaign is declared as data (who got it, who was blocked, who clicked, who downloaded) and each writer
// renders it in its own format, with unrelated background traffic around it.

import { gzipSync, strToU8, zipSync } from 'fflate';

export interface Campaign {
  messageId: string;
  sender: string;
  subject: string;
  /** The link in the mail (the page), and the payload it serves. */
  lureUrl: string;
  payloadUrl: string;
  delivered: string[];
  blocked: string[];
  /** Users who opened the link: user → workstation IP. */
  clicked: Record<string, string>;
  /** Clicked users whose download of the payload succeeded. */
  downloaded: string[];
  /** Users who only resolved the domain (seen in DNS, not in the proxy). */
  resolvedOnly: Record<string, string>;
}

export const CAMPAIGN: Campaign = {
  messageId: '<inv-4411.20261129@billing-notice.example>',
  sender: 'billing@billing-notice.example',
  subject: 'Invoice 4411 past due',
  lureUrl: 'http://files.invoice-portal.example/view/4411',
  payloadUrl: 'http://files.invoice-portal.example/dl/Invoice_4411.zip',
  delivered: ['alice@corp.example', 'bob@corp.example', 'carol@corp.example', 'dave@corp.example'],
  blocked: ['erin@corp.example', 'frank@corp.example'],
  clicked: { alice: '10.1.0.11', bob: '10.1.0.12' },
  downloaded: ['alice'],
  resolvedOnly: { carol: '10.1.0.13' },
};

const BACKGROUND_USERS = ['gina', 'hugo', 'ivan', 'judy'];
const T0 = Date.UTC(2026, 10, 29, 9, 0, 0);
const iso = (minute: number) => new Date(T0 + minute * 60_000).toISOString();
const host = (url: string) => new URL(url).hostname;
const path = (url: string) => new URL(url).pathname;

// ---------------------------------------------------------------- mail

function mailRows(c: Campaign): { to: string; status: 'Delivered' | 'Quarantined' | 'FilteredAsSpam'; mid: string; from: string; subject: string; minute: number }[] {
  const rows = [
    ...c.delivered.map((to, i) => ({ to, status: 'Delivered' as const, mid: c.messageId, from: c.sender, subject: c.subject, minute: i })),
    ...c.blocked.map((to, i) => ({ to, status: (i % 2 ? 'FilteredAsSpam' : 'Quarantined') as 'Quarantined', mid: c.messageId, from: c.sender, subject: c.subject, minute: 5 + i })),
  ];
  // Background: ordinary mail to everyone, one with the same subject from a legitimate sender.
  for (const [i, u] of [...BACKGROUND_USERS, 'alice', 'bob'].entries()) {
    rows.push({ to: `${u}@corp.example`, status: 'Delivered', mid: `<weekly-${i}@intranet.corp.example>`, from: 'news@corp.example', subject: 'Weekly news', minute: 10 + i });
  }
  rows.push({ to: 'gina@corp.example', status: 'Delivered', mid: '<x-1@vendor.example>', from: 'ap@vendor.example', subject: c.subject, minute: 20 });
  return rows;
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Get-MessageTrace exported with Export-Csv (UTF-8, `#TYPE` line, quoted). */
export function exchangeTraceCsv(c: Campaign = CAMPAIGN): string {
  const head = '#TYPE Deserialized.Microsoft.Exchange.Management.FfoReporting.MessageTrace\n"Received","SenderAddress","RecipientAddress","Subject","Status","ToIP","FromIP","Size","MessageId","MessageTraceId"';
  const lines = mailRows(c).map((r) =>
    [new Date(T0 + r.minute * 60_000).toLocaleString('en-US', { timeZone: 'UTC' }), r.from, r.to, r.subject, r.status, '', '203.0.113.7', '48211', r.mid, `id-${r.minute}`].map((v) => `"${v.replace(/"/g, '""')}"`).join(','),
  );
  return `${head}\n${lines.join('\n')}\n`;
}

/** The extended message trace report: UTF-16LE with BOM, snake_case columns, one row per event (RECEIVE, then DELIVER or FAIL). */
export function exchangeExtendedReport(c: Campaign = CAMPAIGN): Uint8Array {
  const cols = ['date_time', 'client_ip', 'event_id', 'message_id', 'recipient_address', 'message_subject', 'sender_address', 'original_client_ip', 'directionality'];
  const rows = mailRows(c).flatMap((r) =>
    ['RECEIVE', r.status === 'Delivered' ? 'DELIVER' : 'FAIL'].map((event) =>
      [iso(r.minute), '10.0.0.25', event, r.mid, r.to, r.subject, r.from, '203.0.113.7', 'Incoming'].map(csvCell).join(','),
    ),
  );
  const text = `${cols.join(',')}\r\n${rows.join('\r\n')}\r\n`;
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
}

/** Gmail log events (BigQuery export rows) as one JSON array. */
export function gmailJson(c: Campaign = CAMPAIGN): string {
  const events = mailRows(c).map((r) => ({
    event_info: { timestamp_usec: String((T0 + r.minute * 60_000) * 1000), mail_event_type: r.status === 'Delivered' ? 2 : 5, success: true },
    message_info: {
      rfc2822_message_id: r.mid,
      subject: r.subject,
      source: { address: r.from },
      destination: [{ address: r.to }],
      connection_info: { client_ip: '203.0.113.7' },
    },
  }));
  return JSON.stringify(events, null, 2);
}

/** Postfix maillog: smtpd/cleanup/qmgr/delivery lines per message, rejects with NOQUEUE, ISO timestamps. */
export function postfixMaillog(c: Campaign = CAMPAIGN): string {
  const out: string[] = [];
  let q = 0;
  for (const r of mailRows(c)) {
    const t = iso(r.minute).replace('Z', '+00:00');
    if (r.status !== 'Delivered') {
      out.push(`${t} mx1 postfix/smtpd[2211]: NOQUEUE: reject: RCPT from mail.sender.example[203.0.113.7]: 554 5.7.1 <${r.to}>: Recipient address rejected: spam campaign; from=<${r.from}> to=<${r.to}> proto=ESMTP helo=<mail.sender.example>`);
      continue;
    }
    const qid = `4F${(0x1a2b3c + q++).toString(16).toUpperCase()}`;
    out.push(`${t} mx1 postfix/smtpd[2211]: ${qid}: client=mail.sender.example[203.0.113.7]`);
    out.push(`${t} mx1 postfix/cleanup[2212]: ${qid}: message-id=${r.mid}`);
    out.push(`${t} mx1 postfix/qmgr[1001]: ${qid}: from=<${r.from}>, size=48211, nrcpt=1 (queue active)`);
    out.push(`${t} mx1 postfix/lmtp[2213]: ${qid}: to=<${r.to}>, relay=mailstore[private/dovecot-lmtp], delay=0.2, dsn=2.0.0, status=sent (250 2.0.0 Saved)`);
    out.push(`${t} mx1 postfix/qmgr[1001]: ${qid}: removed`);
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- web and DNS

interface WebRow { user: string; ip: string; url: string; status: number; bytes: number; mime: string; minute: number }

function webRows(c: Campaign): WebRow[] {
  const rows: WebRow[] = [];
  let m = 30;
  for (const [user, ip] of Object.entries(c.clicked)) {
    rows.push({ user, ip, url: c.lureUrl, status: 200, bytes: 5120, mime: 'text/html', minute: m++ });
    const ok = c.downloaded.includes(user);
    rows.push({ user, ip, url: c.payloadUrl, status: ok ? 200 : 403, bytes: ok ? 30_112 : 0, mime: ok ? 'application/zip' : 'text/html', minute: m++ });
  }
  for (const [i, u] of BACKGROUND_USERS.entries()) {
    rows.push({ user: u, ip: `10.1.0.${50 + i}`, url: `https://intranet.corp.example/news/${i}`, status: 200, bytes: 900, mime: 'text/html', minute: m++ });
    rows.push({ user: u, ip: `10.1.0.${50 + i}`, url: 'http://downloads.vendor.example/tool.zip', status: 200, bytes: 80_000, mime: 'application/zip', minute: m++ });
  }
  return rows;
}

/** Squid native access.log. */
export function squidAccessLog(c: Campaign = CAMPAIGN): string {
  return `${webRows(c)
    .map((r) => `${((T0 + r.minute * 60_000) / 1000).toFixed(3)}    ${120 + r.minute} ${r.ip} ${r.status === 403 ? 'TCP_DENIED' : 'TCP_MISS'}/${r.status} ${r.bytes} GET ${r.url} ${r.user} HIER_DIRECT/198.51.100.20 ${r.mime}`)
    .join('\n')}\n`;
}

/** Zeek http.log as TSV with its headers. */
export function zeekHttpTsv(c: Campaign = CAMPAIGN): string {
  const fields = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'trans_depth', 'method', 'host', 'uri', 'referrer', 'user_agent', 'status_code', 'response_body_len', 'username', 'resp_mime_types'];
  const types = ['time', 'string', 'addr', 'port', 'addr', 'port', 'count', 'string', 'string', 'string', 'string', 'string', 'count', 'count', 'string', 'vector[string]'];
  const head = ['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\thttp', `#fields\t${fields.join('\t')}`, `#types\t${types.join('\t')}`];
  const rows = webRows(c).map((r, i) =>
    [((T0 + r.minute * 60_000) / 1000).toFixed(6), `C${i}x`, r.ip, String(49152 + i), '198.51.100.20', '80', '1', 'GET', host(r.url), path(r.url), '-', 'Mozilla/5.0', String(r.status), String(r.bytes), '-', r.mime].join('\t'),
  );
  return `${[...head, ...rows, '#close\t2026-11-29-10-00-00'].join('\n')}\n`;
}

/** Zeek dns.log as JSON lines (Zeek's JSON writer keeps dotted names flat). */
export function zeekDnsJson(c: Campaign = CAMPAIGN): string {
  const rows: object[] = [];
  let m = 29;
  const all = { ...c.clicked, ...c.resolvedOnly };
  for (const ip of Object.values(all)) {
    rows.push({ ts: (T0 + m++ * 60_000) / 1000, uid: `D${m}`, 'id.orig_h': ip, 'id.orig_p': 53000 + m, 'id.resp_h': '10.0.0.53', 'id.resp_p': 53, proto: 'udp', query: host(c.lureUrl), qtype_name: 'A', rcode_name: 'NOERROR', answers: ['198.51.100.20'] });
  }
  for (const [i, u] of BACKGROUND_USERS.entries()) {
    rows.push({ ts: (T0 + m++ * 60_000) / 1000, uid: `D${m}`, 'id.orig_h': `10.1.0.${50 + i}`, 'id.orig_p': 53000 + m, 'id.resp_h': '10.0.0.53', 'id.resp_p': 53, proto: 'udp', query: `${u}.intranet.corp.example`, qtype_name: 'A', rcode_name: 'NOERROR', answers: ['10.0.0.80'] });
  }
  return `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
}

/** ECS proxy events, pretty-printed one after another. */
export function ecsProxyJson(c: Campaign = CAMPAIGN): string {
  return webRows(c)
    .map((r) =>
      JSON.stringify(
        {
          '@timestamp': iso(r.minute),
          source: { ip: r.ip },
          user: { name: r.user },
          url: { full: r.url, domain: host(r.url) },
          http: { request: { method: 'GET' }, response: { status_code: r.status, body: { bytes: r.bytes } } },
          event: { action: r.status === 403 ? 'blocked' : 'allowed' },
        },
        null,
        2,
      ),
    )
    .join('\n');
}

// ---------------------------------------------------------------- endpoint

export interface ProcessSpec {
  host: string;
  user: string;
  image: string;
  commandLine: string;
  parentImage: string;
  minute: number;
}

export const CHAIN_PROCESSES: ProcessSpec[] = [
  { host: 'WS-ALICE', user: 'CORP\\alice', image: 'C:\\Windows\\System32\\wscript.exe', commandLine: 'wscript.exe C:\\Users\\alice\\Downloads\\Invoice_4411.js', parentImage: 'C:\\Windows\\explorer.exe', minute: 40 },
  { host: 'WS-ALICE', user: 'CORP\\alice', image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', commandLine: 'powershell.exe -nop -w hidden -enc JABjAD0AbgBlAHcALQBvAGIAagBlAGMAdAA=', parentImage: 'C:\\Windows\\System32\\wscript.exe', minute: 41 },
  { host: 'WS-ALICE', user: 'CORP\\alice', image: 'C:\\Windows\\System32\\rundll32.exe', commandLine: 'rundll32.exe C:\\ProgramData\\qbot.dll,DrawThemeIcon', parentImage: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', minute: 42 },
];

export const BACKGROUND_PROCESSES: ProcessSpec[] = [
  { host: 'WS-BOB', user: 'CORP\\bob', image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', commandLine: '"OUTLOOK.EXE"', parentImage: 'C:\\Windows\\explorer.exe', minute: 35 },
  { host: 'WS-BOB', user: 'CORP\\bob', image: 'C:\\Windows\\System32\\notepad.exe', commandLine: 'notepad.exe notes.txt', parentImage: 'C:\\Windows\\explorer.exe', minute: 36 },
];

export function sysmonEvtxJson(procs: ProcessSpec[]): string {
  return procs
    .map((p, i) =>
      JSON.stringify(
        {
          Event: {
            System: {
              Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } },
              EventID: 1,
              TimeCreated: { '#attributes': { SystemTime: iso(p.minute) } },
              EventRecordID: 1000 + i,
              Channel: 'Microsoft-Windows-Sysmon/Operational',
              Computer: p.host,
            },
            EventData: { Image: p.image, CommandLine: p.commandLine, ParentImage: p.parentImage, User: p.user, UtcTime: iso(p.minute).replace('T', ' ').replace('Z', '') },
          },
        },
        null,
        2,
      ),
    )
    .join('\n');
}

export function nxlogJson(procs: ProcessSpec[]): string {
  return `${procs
    .map((p) => JSON.stringify({ '@timestamp': iso(p.minute), EventID: 1, Channel: 'Microsoft-Windows-Sysmon/Operational', Hostname: p.host, Image: p.image, CommandLine: p.commandLine, ParentImage: p.parentImage, User: p.user }))
    .join('\n')}\n`;
}

/** Windows Security 4688 as flat JSON: native names (NewProcessName, ParentProcessName, SubjectUserName). */
export function security4688Json(procs: ProcessSpec[]): string {
  return `${procs
    .map((p) => {
      const [domain, user] = p.user.split('\\');
      return JSON.stringify({ '@timestamp': iso(p.minute), EventID: 4688, Channel: 'Security', Hostname: p.host, NewProcessName: p.image, CommandLine: p.commandLine, ParentProcessName: p.parentImage, SubjectUserName: user, SubjectDomainName: domain });
    })
    .join('\n')}\n`;
}

/** Elastic ECS process events (Elastic Defend style) as a JSON array. */
export function ecsEndpointJson(procs: ProcessSpec[]): string {
  return JSON.stringify(
    procs.map((p) => {
      const [domain, user] = p.user.split('\\');
      return {
        '@timestamp': iso(p.minute),
        event: { category: ['process'], type: ['start'] },
        host: { name: p.host, hostname: p.host },
        user: { name: user, domain },
        process: { executable: p.image, command_line: p.commandLine, parent: { executable: p.parentImage } },
      };
    }),
  );
}

// ---------------------------------------------------------------- packaging

export const gzip = (text: string | Uint8Array) => gzipSync(typeof text === 'string' ? strToU8(text) : text);
export const zip = (files: Record<string, string | Uint8Array>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([n, t]) => [n, typeof t === 'string' ? strToU8(t) : t])));

/** The case a hunt starts from, as `tacklebox analyze --json` would write it: the campaign's mail and link. */
export function caseReportJson(c: Campaign = CAMPAIGN): string {
  return JSON.stringify({
    schema: 'tacklebox.report/1',
    input: { name: 'report.eml', sha256: 'ab'.repeat(32), size: 1, kind: 'email' },
    email: { messageId: c.messageId, from: c.sender, subject: c.subject },
    iocs: [{ type: 'url', value: c.payloadUrl, artifact: 'a2' }],
    artifacts: [],
  });
}
