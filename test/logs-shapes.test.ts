// Field mappings per log shape: each generated log is recognised from its content (not its name), read with
// file and line, and its fields come out under the names the Sigma rules and the impact assessment use.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LogEvent } from '../src/hunt/event.ts';
import { readLogFile, type FileReport } from '../src/hunt/logs/read.ts';
import * as gen from './generators/logs.ts';

const dir = mkdtempSync(join(tmpdir(), 'tacklebox-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, data: string | Uint8Array): Promise<{ events: LogEvent[]; reports: FileReport[] }> {
  const file = join(dir, name);
  writeFileSync(file, data);
  const events: LogEvent[] = [];
  const reports: FileReport[] = [];
  for await (const e of readLogFile(file, { onFile: (r) => reports.push(r) })) events.push(e);
  return { events, reports };
}

const procs = [...gen.CHAIN_PROCESSES, ...gen.BACKGROUND_PROCESSES];
const powershell = gen.CHAIN_PROCESSES[1]!;

for (const [shape, render] of [
  ['evtx-json', gen.sysmonEvtxJson],
  ['nxlog-json', gen.nxlogJson],
  ['ecs-endpoint', gen.ecsEndpointJson],
] as const) {
  test(`${shape}: process events carry Image, CommandLine, ParentImage, host and user`, async () => {
    const { events, reports } = await read(`endpoint-${shape}.log`, render(procs));
    assert.equal(events.length, procs.length);
    assert.deepEqual(reports[0]!.shapes, [shape]);
    const e = events.find((x) => x.fields.CommandLine === powershell.commandLine)!;
    assert.equal(e.fields.Image, powershell.image);
    assert.equal(e.fields.ParentImage, powershell.parentImage);
    assert.equal(e.host, powershell.host);
    assert.equal(e.user, powershell.user);
    assert.deepEqual(e.logsource.categories, ['process_creation']);
    assert.equal(e.logsource.product, 'windows');
    assert.match(e.time!, /^2026-11-29T09:41:00/);
    assert.ok(e.line >= 1);
  });
}

test('EVTX JSON with EventData as a Data list of named values (xmltodict style) reads the same fields', async () => {
  const rec = {
    Event: {
      System: { EventID: 4688, Channel: 'Security', Computer: 'WS-ALICE', TimeCreated: { '#attributes': { SystemTime: '2026-11-29T09:41:00Z' } } },
      EventData: {
        Data: [
          { '#attributes': { Name: 'NewProcessName' }, '#text': powershell.image },
          { '@Name': 'ParentProcessName', '#text': powershell.parentImage },
          { '@Name': 'CommandLine', '#text': powershell.commandLine },
          { '@Name': 'SubjectUserName', '#text': 'alice' },
          { '@Name': 'SubjectDomainName', '#text': 'CORP' },
        ],
      },
    },
  };
  const { events } = await read('xmltodict.json', JSON.stringify(rec));
  assert.equal(events[0]!.fields.Image, powershell.image);
  assert.equal(events[0]!.fields.ParentImage, powershell.parentImage);
  assert.equal(events[0]!.user, 'CORP\\alice');
  assert.deepEqual(events[0]!.logsource.categories, ['process_creation']);
});

test('Winlogbeat (ECS with winlog.event_data): Sysmon names kept, category from channel and event id', async () => {
  const rec = {
    '@timestamp': '2026-11-29T09:41:00.000Z',
    host: { name: 'WS-ALICE' },
    winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: '1', event_data: { Image: powershell.image, CommandLine: powershell.commandLine, ParentImage: powershell.parentImage, User: powershell.user } },
  };
  const { events } = await read('winlogbeat.json', JSON.stringify(rec));
  assert.equal(events[0]!.shape, 'ecs-endpoint');
  assert.equal(events[0]!.fields.ParentImage, powershell.parentImage);
  assert.equal(events[0]!.host, 'WS-ALICE');
  assert.deepEqual(events[0]!.logsource.categories, ['process_creation']);
});

test('Security 4688: native names become Image, ParentImage and DOMAIN\\user', async () => {
  const { events } = await read('security.json', gen.security4688Json(procs));
  const e = events.find((x) => x.fields.CommandLine === powershell.commandLine)!;
  assert.equal(e.fields.Image, powershell.image);
  assert.equal(e.fields.ParentImage, powershell.parentImage);
  assert.equal(e.fields.User, powershell.user);
  assert.equal(e.logsource.service, 'security');
  assert.deepEqual(e.logsource.categories, ['process_creation']);
});

test('Exchange message trace CSV: one event per row with recipient, status, Message-ID; lines point at the row', async () => {
  const { events } = await read('trace.csv', gen.exchangeTraceCsv());
  const first = events[0]!;
  assert.equal(first.shape, 'exchange-trace');
  assert.equal(first.fields.recipient, gen.CAMPAIGN.delivered[0]);
  assert.equal(first.fields.status, 'Delivered');
  assert.equal(first.fields.message_id, gen.CAMPAIGN.messageId);
  assert.equal(first.line, 3); // after the #TYPE line and the header
  assert.equal(first.time, '2026-11-29T09:00:00.000Z');
});

test('Exchange extended report in UTF-16LE is decoded and mapped', async () => {
  const { events } = await read('extended.csv', gen.exchangeExtendedReport());
  assert.equal(events[0]!.shape, 'exchange-trace');
  assert.equal(events[0]!.fields.subject, gen.CAMPAIGN.subject);
  assert.deepEqual(events.slice(0, 2).map((e) => e.fields.status), ['RECEIVE', 'DELIVER']);
  assert.equal(events.length, 2 * (gen.CAMPAIGN.delivered.length + gen.CAMPAIGN.blocked.length + 7));
});

test('Gmail log events as a JSON array: recipient from destination[], time from microseconds', async () => {
  const { events } = await read('gmail.json', gen.gmailJson());
  assert.equal(events[0]!.shape, 'gmail-json');
  assert.equal(events[0]!.fields.recipient, gen.CAMPAIGN.delivered[0]);
  assert.equal(events[0]!.fields.message_id, gen.CAMPAIGN.messageId);
  assert.equal(events[0]!.time, '2026-11-29T09:00:00.000Z');
});

test('Postfix maillog: lines joined by queue id, rejects read from NOQUEUE lines', async () => {
  const { events } = await read('maillog', gen.postfixMaillog());
  const sent = events.filter((e) => e.fields.status === 'sent');
  const rejected = events.filter((e) => e.fields.status === 'reject');
  assert.equal(rejected.length, gen.CAMPAIGN.blocked.length);
  const alice = sent.find((e) => e.fields.recipient === 'alice@corp.example' && e.fields.message_id === gen.CAMPAIGN.messageId.slice(1, -1))!;
  assert.equal(alice.fields.sender, gen.CAMPAIGN.sender);
  assert.equal(alice.fields.client_ip, '203.0.113.7');
  assert.equal(rejected[0]!.fields.recipient, gen.CAMPAIGN.blocked[0]);
});

test('Zeek http.log TSV: #fields header, URL rebuilt from host and uri, sets as lists', async () => {
  const { events } = await read('http.log', gen.zeekHttpTsv());
  const e = events.find((x) => x.fields['c-uri'] === gen.CAMPAIGN.payloadUrl && x.fields.src_ip === '10.1.0.11')!;
  assert.equal(e.shape, 'zeek-http');
  assert.deepEqual(e.logsource.categories, ['proxy']);
  assert.equal(e.fields['sc-status'], '200');
  assert.deepEqual(e.fields.mime, ['application/zip']);
  assert.equal(e.line, 9); // 7 header lines, alice's page view, then her download
});

test('Zeek dns.log JSON: flat dotted keys', async () => {
  const { events } = await read('dns.log', gen.zeekDnsJson());
  assert.equal(events[0]!.shape, 'zeek-dns');
  assert.equal(events[0]!.fields.query, 'files.invoice-portal.example');
  assert.equal(events[0]!.fields.src_ip, '10.1.0.11');
});

test('Squid access.log: client, status, URL and user', async () => {
  const { events } = await read('access.log', gen.squidAccessLog());
  const denied = events.find((e) => e.fields['sc-status'] === '403')!;
  assert.equal(denied.shape, 'squid');
  assert.equal(denied.fields['c-uri'], gen.CAMPAIGN.payloadUrl);
  assert.equal(denied.user, 'bob');
  assert.equal(denied.fields.src_ip, '10.1.0.12');
});

test('ECS proxy JSON, pretty-printed records back to back: each keeps the line it starts on', async () => {
  const { events } = await read('proxy.json', gen.ecsProxyJson());
  assert.equal(events[0]!.shape, 'ecs-proxy');
  assert.equal(events[0]!.fields['c-uri'], gen.CAMPAIGN.lureUrl);
  assert.equal(events[0]!.user, 'alice');
  assert.equal(events[0]!.line, 1);
  assert.ok(events[1]!.line > 10);
});

test('gzip and zip logs are read from content, each zip member on its own', async () => {
  const gz = await read('sysmon.json.gz', gen.gzip(gen.nxlogJson(procs)));
  assert.equal(gz.events.length, procs.length);
  const z = await read('logs.zip', gen.zip({ 'a/sysmon.json': gen.nxlogJson(procs), 'b/access.log': gen.squidAccessLog() }));
  assert.deepEqual(z.reports.map((r) => r.shapes[0]), ['nxlog-json', 'squid']);
  assert.ok(z.events.some((e) => e.file.endsWith('logs.zip!b/access.log')));
});

test('hostile input: broken JSON, junk, an endless line and an unknown format become counted errors, not crashes', async () => {
  const bad = `${gen.nxlogJson(procs.slice(0, 1))}{"EventID": 1, "Channel": "x", "Hostname": \n not json at all\n${'{'.repeat(50)}\n`;
  const r1 = await read('bad.json', bad);
  assert.equal(r1.events.length, 1);
  assert.ok(r1.reports[0]!.errors >= 1);
  const r2 = await read('unknown.txt', 'hello world\nthis is not a log\n');
  assert.equal(r2.events.length, 0);
  assert.match(r2.reports[0]!.errorSamples[0]!.error, /not recognised/);
  const one = gen.nxlogJson(procs.slice(0, 1));
  const r3 = await read('long.json', `${one}{"EventID": 1, "Message": "${'x'.repeat(2 * 1024 * 1024)}"}\n${one}`);
  assert.deepEqual(r3.events.map((e) => e.line), [1, 3]);
  assert.match(r3.reports[0]!.errorSamples[0]!.error, /longer than/);
});

test('random bytes and mangled logs never crash a reader (property test)', async () => {
  const fc = await import('fast-check');
  const seeds = [gen.nxlogJson(procs), gen.zeekHttpTsv(), gen.postfixMaillog(), gen.exchangeTraceCsv(), gen.squidAccessLog(), gen.ecsProxyJson()];
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: seeds.length - 1 }), fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.nat(), async (which, noise, at, cut) => {
      const seed = Buffer.from(seeds[which]!);
      const p = at % seed.length;
      const mangled = Buffer.concat([seed.subarray(0, p), Buffer.from(noise), seed.subarray(p, Math.max(p, seed.length - (cut % 200)))]);
      const { events, reports } = await read(`fuzz-${n++}.log`, mangled);
      assert.equal(reports.length, 1);
      assert.ok(events.every((e) => e.line >= 1 && typeof e.shape === 'string'));
    }),
    { numRuns: 150 },
  );
});
