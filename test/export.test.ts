import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { csvCell, toCsv } from '../src/intel/csv.ts';
import { defangUrl, refang } from '../src/intel/defang.ts';
import { toMispEvent } from '../src/intel/misp.ts';
import { toStixBundle, uuidv5 } from '../src/intel/stix.ts';
import { qakbotChainReport } from './generators/reports.ts';

const run = promisify(execFile);
const STIX_ID = /^([a-z0-9-]+)--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SCO_TYPES = new Set(['url', 'domain-name', 'ipv4-addr', 'ipv6-addr', 'file', 'email-addr', 'email-message', 'network-traffic']);

test('UUIDv5 matches RFC 4122 and the STIX deterministic id of a URL', () => {
  assert.equal(uuidv5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
  // python: uuid.uuid5(UUID('00abedb4-aa42-466c-9c01-fed23315a9b7'), '{"value":"http://example.com/"}')
  assert.equal(uuidv5('00abedb4-aa42-466c-9c01-fed23315a9b7', '{"value":"http://example.com/"}'), '3013563b-9e18-5ef6-917a-204463f5f419');
});

test('STIX bundle: valid 2.1 objects, every reference resolves, the chain is linked end to end', () => {
  const bundle = toStixBundle(qakbotChainReport(), { now: new Date('2026-11-29T00:00:00Z'), ownDomains: ['corp.example'] });
  const byId = new Map(bundle.objects.map((o) => [o.id, o]));
  assert.equal(byId.size, bundle.objects.length, 'ids are unique');
  for (const o of bundle.objects) {
    const m = STIX_ID.exec(o.id);
    assert.ok(m && m[1] === o.type, `id ${o.id} fits type ${o.type}`);
    assert.equal(o.spec_version, '2.1');
    if (!SCO_TYPES.has(o.type)) assert.ok(o.created && o.modified, `${o.id} has timestamps`);
    for (const [key, value] of Object.entries(o)) {
      if (key.endsWith('_ref')) assert.ok(byId.has(value as string), `${o.id}.${key} resolves`);
      if (key.endsWith('_refs')) for (const ref of value as string[]) assert.ok(byId.has(ref), `${o.id}.${key} → ${ref} resolves`);
    }
  }
  const rels = bundle.objects.filter((o) => o.type === 'relationship');
  const edge = (from: string, type: string, to: string) => rels.some((r) => r.source_ref === from && r.relationship_type === type && r.target_ref === to);
  const find = (type: string, pred: (o: Record<string, unknown>) => boolean) => bundle.objects.find((o) => o.type === type && pred(o))!;
  const email = find('email-message', (o) => o.subject === 'Invoice 4411 past due');
  const link = find('url', (o) => o.value === 'https://invoices-portal.example/d/inv4411.zip');
  const zip = find('file', (o) => (o.hashes as Record<string, string>)['SHA-256'] === '4'.repeat(64));
  const script = find('file', (o) => o.name === 'Invoice_4411.js');
  const second = find('url', (o) => o.value === 'http://198.51.100.7/x.dat');
  assert.ok(edge(email.id, 'related-to', link.id), 'email → link');
  assert.ok(edge(link.id, 'related-to', zip.id), 'link → downloaded zip');
  assert.ok(edge(zip.id, 'related-to', script.id), 'zip → script');
  assert.ok(edge(script.id, 'related-to', second.id), 'script → second-stage URL (through the command and PowerShell layers)');
  const malware = find('malware', () => true);
  const indicators = bundle.objects.filter((o) => o.type === 'indicator');
  assert.ok(indicators.length >= 6);
  for (const i of indicators) {
    assert.ok(edge(i.id, 'indicates', malware.id));
    assert.match(i.pattern as string, /^\[.+\]$/);
  }
  assert.ok(indicators.some((i) => i.pattern === "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '192.0.2.44' AND network-traffic:dst_port = 2222]"));
  assert.ok(!indicators.some((i) => String(i.pattern).includes("'sharepoint.com'")), 'platform domains are not indicators');
  assert.ok(!indicators.some((i) => String(i.pattern).includes("'corp.example'")), 'own domains are not indicators');
  const techniques = bundle.objects.filter((o) => o.type === 'attack-pattern');
  assert.deepEqual(techniques.map((t) => (t.external_references as { external_id: string }[])[0]!.external_id).sort(), qakbotChainReport().attack);
  assert.deepEqual(toStixBundle(qakbotChainReport(), { now: new Date('2026-11-29T00:00:00Z'), ownDomains: ['corp.example'] }), bundle, 'replayable');
});

test('MISP event: typed attributes, IDS flags only on blockable indicators, ATT&CK galaxy tags', () => {
  const { Event } = toMispEvent(qakbotChainReport(), { ownDomains: ['corp.example'] });
  const attr = (type: string, value: string) => Event.Attribute.find((a) => a.type === type && a.value === value);
  assert.equal(attr('email-src', 'billing@invoices-portal.example')?.to_ids, true);
  assert.equal(attr('ip-src', '203.0.113.9')?.to_ids, true);
  assert.equal(attr('ip-dst|port', '192.0.2.44|2222')?.to_ids, true);
  assert.equal(attr('url', 'http://198.51.100.7/x.dat')?.category, 'Network activity');
  assert.equal(attr('domain', 'sharepoint.com')?.to_ids, false);
  assert.equal(attr('domain', 'corp.example')?.to_ids, false);
  assert.equal(attr('email-subject', 'Invoice 4411 past due')?.to_ids, false);
  assert.equal(Event.threat_level_id, '1');
  assert.ok(Event.Tag.some((t) => t.name === 'misp-galaxy:mitre-attack-pattern="Rundll32 - T1218.011"'));
  assert.ok(Event.Tag.some((t) => t.name === 'tlp:amber'));
});

test('CSV blocklist: blockable indicators once each, quoted, formula-safe', () => {
  const report = qakbotChainReport();
  const csv = toCsv([report, report], ['corp.example']);
  const lines = csv.trim().split('\r\n');
  assert.equal(lines[0], 'type,value,port,role,verdict,report_sha256,summary');
  const values = lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','));
  assert.equal(new Set(values).size, values.length, 'no duplicates across reports');
  assert.ok(values.includes('ip,192.0.2.44,2222'));
  assert.ok(values.includes('url,https://invoices-portal.example/d/inv4411.zip,'));
  assert.ok(!values.some((v) => v.startsWith('domain,sharepoint.com') || v.startsWith('domain,corp.example')));
  assert.ok(!values.some((v) => v.startsWith('command,')), 'commands are not blocklist entries');
  assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(csvCell('a,b'), '"a,b"');
});

test('defanged links never resolve, and refang undoes common spellings', () => {
  assert.equal(defangUrl('https://evil.example/a.zip'), 'hxxps[://]evil[.]example/a[.]zip');
  assert.equal(refang('hxxps[://]evil[.]example/a[.]zip'), 'https://evil.example/a.zip');
  assert.equal(refang('evil(.)example'), 'evil.example');
});

test('CLI: export reads analyze --json output and writes each format', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tb-export-'));
  const file = join(dir, 'report.json');
  await writeFile(file, JSON.stringify(qakbotChainReport()));
  const cli = (args: string[]) => run(process.execPath, ['bin/tacklebox.js', 'export', file, ...args]);
  const stix = JSON.parse((await cli(['--format', 'stix'])).stdout) as { type: string };
  assert.equal(stix.type, 'bundle');
  const csv = (await cli(['--format', 'csv'])).stdout;
  assert.match(csv, /^type,value/);
  const sigma = (await cli(['--format', 'sigma', '--own-domain', 'corp.example', '--trusted-host', 'JUMP01'])).stdout;
  assert.match(sigma, /198\.51\.100\.7/, 'rules hunt the payload host');
  assert.doesNotMatch(sigma, /sharepoint\.com|corp\.example/, 'never own domains or shared platforms');
  assert.match(sigma, /JUMP01/, 'the trusted device is filtered');
  await assert.rejects(cli(['--format', 'pdf']), (err: { code: number; stderr: string }) => err.code === 2 && /--format takes/.test(err.stderr));
});
