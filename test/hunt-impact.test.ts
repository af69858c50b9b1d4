// Impact end to end: a generated campaign seen in mail, proxy and DNS logs gives the right counts; the OTRF
// recordings give the attack processes on the right host among thousands of background events, and a
// trusted-device filter suppresses them and says so.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BlobReader, Uint8ArrayWriter, ZipReader, configure } from '@zip.js/zip.js';
import { hunt } from '../src/hunt/impact.ts';
import { addIndicator, emptyIndicators, indicatorsFromReport } from '../src/hunt/indicators.ts';
import { RuleSet } from '../src/hunt/sigma/engine.ts';
import { BUNDLED_RULES, loadSigma } from '../src/hunt/sigma/load.ts';
import type { Report } from '../src/verdict/report.ts';
import * as gen from './generators/logs.ts';

configure({ useWebWorkers: false });
const dir = mkdtempSync(join(tmpdir(), 'tacklebox-hunt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const c = gen.CAMPAIGN;

/** The part of an analyze report the hunt reads, as `tacklebox analyze --json` writes it. */
function caseReport(): Report {
  return {
    email: { messageId: c.messageId, from: `Billing <${c.sender}>`, subject: c.subject },
    iocs: [
      { type: 'url', value: c.lureUrl, artifact: 'a2' },
      { type: 'url', value: c.payloadUrl, artifact: 'a3' },
      { type: 'email', value: c.sender, artifact: 'a1', role: 'sender' },
    ],
    artifacts: [
      { id: 'a1', parent: null, relation: 'root', kind: 'email', name: 'r.eml', sha256: 'e'.repeat(64), size: 1, depth: 0 },
      { id: 'a2', parent: 'a1', relation: 'link', kind: 'url', name: c.lureUrl, sha256: '1'.repeat(64), size: 1, depth: 1 },
      { id: 'a3', parent: 'a2', relation: 'link', kind: 'url', name: c.payloadUrl, sha256: '2'.repeat(64), size: 1, depth: 2 },
      { id: 'a4', parent: 'a3', relation: 'downloaded', kind: 'zip', name: 'Invoice_4411.zip', sha256: '3'.repeat(64), size: 1, depth: 3 },
    ],
  } as unknown as Report;
}

async function huntCampaign(files: Record<string, string | Uint8Array>) {
  const sub = mkdtempSync(join(dir, 'campaign-'));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(sub, name), data);
  const loaded = await loadSigma([BUNDLED_RULES]);
  return hunt({ indicators: indicatorsFromReport(caseReport()), rules: new RuleSet(loaded.rules), logs: [sub] });
}

const expected = {
  delivered: c.delivered.length,
  blocked: c.blocked.length,
  clicked: Object.keys(c.clicked).length + Object.keys(c.resolvedOnly).length,
  downloaded: c.downloaded.length,
};

for (const [mail, render] of [
  ['Exchange trace', gen.exchangeTraceCsv],
  ['Exchange extended report', gen.exchangeExtendedReport],
  ['Gmail', gen.gmailJson],
  ['Postfix', gen.postfixMaillog],
] as const) {
  test(`campaign counts from ${mail} + Squid + Zeek DNS: delivered, blocked, clicked, downloaded`, async () => {
    const r = await huntCampaign({ mail: render(c), 'access.log': gen.squidAccessLog(c), 'dns.log': gen.zeekDnsJson(c) });
    assert.deepEqual(
      { delivered: r.summary.delivered, blocked: r.summary.blocked, clicked: r.summary.clicked, downloaded: r.summary.downloaded },
      expected,
    );
    // Background mail with the same subject from another sender is not the campaign.
    assert.ok(!r.recipients.some((x) => x.recipient === 'gina@corp.example'));
    assert.deepEqual(new Set(r.recipients.filter((x) => x.outcome === 'delivered').map((x) => x.recipient)), new Set(c.delivered));
    // Nobody has endpoint telemetry here: the clicking workstations are listed as no_telemetry, never clean.
    assert.ok(r.hosts.length > 0 && r.hosts.every((h) => h.verdict === 'no_telemetry'));
    assert.ok(r.coverage.uncovered.includes('alice@corp.example'));
  });
}

test('campaign counts from Zeek http.log and ECS proxy JSON agree with Squid', async () => {
  const webs: Record<string, string>[] = [{ 'http.log': gen.zeekHttpTsv(c) }, { 'proxy.json': gen.ecsProxyJson(c) }];
  for (const web of webs) {
    const r = await huntCampaign({ 'trace.csv': gen.exchangeTraceCsv(c), 'dns.log': gen.zeekDnsJson(c), ...web });
    assert.equal(r.summary.downloaded, expected.downloaded);
    assert.equal(r.summary.clicked, expected.clicked);
    assert.equal(r.downloaders[0]!.url, c.payloadUrl);
  }
});

test('endpoint telemetry turns clicks into host verdicts: the chain on WS-ALICE, nothing on WS-BOB', async () => {
  const r = await huntCampaign({
    'sysmon.json': gen.nxlogJson([...gen.CHAIN_PROCESSES, ...gen.BACKGROUND_PROCESSES]),
    'access.log': gen.squidAccessLog(c),
    'trace.csv': gen.exchangeTraceCsv(c),
  });
  const alice = r.hosts.find((h) => h.host === 'WS-ALICE')!;
  const bob = r.hosts.find((h) => h.host === 'WS-BOB')!;
  assert.equal(alice.verdict, 'infected'); // rundll32 of a DLL in ProgramData from PowerShell: the Qakbot rules
  assert.deepEqual(alice.users, ['CORP\\alice']);
  assert.equal(bob.verdict, 'no_evidence');
  const titles = new Set(r.detections.filter((d) => d.host === 'WS-ALICE').map((d) => d.title));
  assert.ok(titles.has('Suspicious PowerShell Invocation From Script Engines'));
  assert.ok(titles.has('Potential Qakbot Rundll32 Execution'));
  assert.ok(r.detections.every((d) => d.host === 'WS-ALICE'));
  // Accounts tie mailboxes and proxy users to workstations; recipients without a workstation stay uncovered.
  assert.deepEqual(r.recipients.find((x) => x.recipient === 'alice@corp.example')!.hosts, ['WS-ALICE']);
  assert.equal(r.downloaders[0]!.host, 'WS-ALICE');
  assert.deepEqual(r.coverage.uncovered, ['carol@corp.example', 'dave@corp.example']);
});

// ------------------------------------------------------------------ OTRF recordings

const OTRF = '/work/shared/corpora/telemetry-otrf';
const otrfDir = join(dir, 'otrf');

before(async () => {
  if (!existsSync(OTRF)) return;
  mkdirSync(otrfDir);
  for (const name of readdirSync(OTRF).filter((n) => n.endsWith('.zip'))) {
    const reader = new ZipReader(new BlobReader(new Blob([await readFile(join(OTRF, name))])), { password: 'infected' });
    for (const entry of await reader.getEntries()) {
      if (!entry.directory && entry.getData) writeFileSync(join(otrfDir, entry.filename), await entry.getData(new Uint8ArrayWriter()));
    }
    await reader.close();
  }
});

const EMPIRE_HOST = 'WORKSTATION5.theshire.local';

test('OTRF: the Empire launcher (wscript launcher.vbs → powershell -enc) is found on its host among thousands of events', { skip: !existsSync(OTRF) }, async () => {
  const loaded = await loadSigma([BUNDLED_RULES]);
  const r = await hunt({ indicators: emptyIndicators(), rules: new RuleSet(loaded.rules), logs: [otrfDir] });
  assert.ok(r.events > 3000, `${r.events} events`);
  const onEmpireHost = r.detections.filter((d) => d.host === EMPIRE_HOST);
  assert.ok(onEmpireHost.some((d) => d.title === 'Suspicious PowerShell Invocation From Script Engines' && /powershell\.exe.*-enc/i.test(d.what ?? '')));
  assert.ok(onEmpireHost.every((d) => d.user === 'THESHIRE\\pgustavo'));
  // The mshta recording: PowerShell started by mshta on WORKSTATION5.
  assert.ok(r.detections.some((d) => d.host === 'WORKSTATION5' && d.title === 'Suspicious PowerShell Parent Process'));
  const hosts = Object.fromEntries(r.hosts.map((h) => [h.host, h.verdict]));
  assert.equal(hosts[EMPIRE_HOST.toUpperCase()], 'executed_script');
  // Hosts that only sent background events (the DC) are covered and have no evidence, not "clean by absence".
  assert.equal(hosts['MORDORDC.THESHIRE.LOCAL'], 'no_evidence');
  assert.ok(r.coverage.hosts.find((h) => h.host === 'MORDORDC.THESHIRE.LOCAL')!.events > 0);
  assert.ok(r.detections.every((d) => /\.json:\d+$/.test(d.source)));
});

test('OTRF: a trusted-device filter suppresses the matches on that host and says so', { skip: !existsSync(OTRF) }, async () => {
  const filterFile = join(dir, 'trusted.yml');
  writeFileSync(
    filterFile,
    `title: Admin jump host runs PowerShell from scripts by design
description: The lab's workstation runs signed admin scripts through wscript
logsource:
  category: process_creation
  product: windows
filter:
  rules:
    - 95eadcb2-92e4-4ed1-9031-92547773a6db   # Suspicious PowerShell Invocation From Script Engines
  selection:
    Computer: ${EMPIRE_HOST}
  condition: not selection
`,
  );
  const loaded = await loadSigma([BUNDLED_RULES]);
  const filters = await loadSigma([filterFile]);
  assert.equal(filters.filters.length, 1);
  const r = await hunt({ indicators: emptyIndicators(), rules: new RuleSet(loaded.rules, filters.filters), logs: [otrfDir] });
  assert.ok(!r.detections.some((d) => d.host === EMPIRE_HOST && d.rule === '95eadcb2-92e4-4ed1-9031-92547773a6db'));
  const suppressed = r.suppressed.filter((s) => s.host === EMPIRE_HOST);
  assert.ok(suppressed.length >= 1);
  assert.equal(suppressed[0]!.filter, 'Admin jump host runs PowerShell from scripts by design');
  assert.match(suppressed[0]!.source, /empire_launcher_vbs.*\.json:\d+$/);
  // The other host's detection is untouched by a filter about this one.
  assert.ok(r.detections.some((d) => d.host === 'WORKSTATION5'));
});

test('--ioc values: a domain alone finds the clickers; unknown values are ignored, not fatal', async () => {
  const ind = emptyIndicators();
  addIndicator(ind, 'invoice-portal.example');
  addIndicator(ind, 'nonsense value');
  const sub = mkdtempSync(join(dir, 'ioc-'));
  writeFileSync(join(sub, 'access.log'), gen.squidAccessLog(c));
  const r = await hunt({ indicators: ind, rules: new RuleSet([]), logs: [sub] });
  assert.equal(r.summary.clicked, Object.keys(c.clicked).length);
});

test('a host whose telemetry ends before the campaign is no_telemetry, not no_evidence', async () => {
  const before = gen.BACKGROUND_PROCESSES.map((p) => ({ ...p, minute: p.minute - 600 })); // ten hours before the mail
  const r = await huntCampaign({ 'sysmon.json': gen.nxlogJson(before), 'trace.csv': gen.exchangeTraceCsv(c) });
  const bob = r.hosts.find((h) => h.host === 'WS-BOB')!;
  assert.equal(bob.verdict, 'no_telemetry');
  assert.match(bob.evidence.join(' '), /before the campaign began/);
});

test('zipped logs: the OTRF zips are read in place; a password-protected zip needs --zip-password and says so', { skip: !existsSync(OTRF) }, async () => {
  const { readLogFile } = await import('../src/hunt/logs/read.ts');
  const { ZipWriter, Uint8ArrayReader } = await import('@zip.js/zip.js');
  let events = 0;
  for await (const _ of readLogFile(join(OTRF, 'cmd_bitsadmin_download_psh_script.zip'))) events++;
  assert.equal(events, 424); // one JSON object per line in the member: `wc -l` of the recording

  const sink = new Uint8ArrayWriter();
  const writer = new ZipWriter(sink, { password: 'infected', zipCrypto: true });
  await writer.add('sysmon.json', new Uint8ArrayReader(new TextEncoder().encode(gen.nxlogJson(gen.CHAIN_PROCESSES))));
  const locked = join(dir, 'locked.zip');
  writeFileSync(locked, await writer.close());
  const reports: { errorSamples: { error: string }[] }[] = [];
  events = 0;
  for await (const _ of readLogFile(locked, { onFile: (r) => reports.push(r) })) events++;
  assert.equal(events, 0);
  assert.match(reports[0]!.errorSamples[0]!.error, /encrypted member \(give --zip-password\)/);
  events = 0;
  for await (const _ of readLogFile(locked, { zipPassword: 'infected' })) events++;
  assert.equal(events, gen.CHAIN_PROCESSES.length);
});
