// The reference case end to end through the CLI: email → link → password ZIP → JScript → PowerShell → DLL.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Report } from '../src/verdict/report.ts';
import { CHAIN, startQakbotChain, type QakbotChain } from './generators/qakbot-chain.ts';

const run = promisify(execFile);
let chain: QakbotChain;
let report: Report;
let exitCode: number;

before(async () => {
  chain = await startQakbotChain();
  const dir = await mkdtemp(join(tmpdir(), 'tb-chain-'));
  const file = join(dir, 'report.eml');
  await writeFile(file, chain.lure);
  try {
    const out = await run(process.execPath, ['bin/tacklebox.js', 'analyze', file, '--json', ...chain.fetchArgs], { maxBuffer: 64 * 1024 * 1024 });
    report = JSON.parse(out.stdout) as Report;
    exitCode = 0;
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    exitCode = e.code;
    if (!e.stdout) throw new Error(e.stderr);
    report = JSON.parse(e.stdout) as Report;
  }
});
after(() => chain.close());

const kindsOnPath = (r: Report, leaf: string) => {
  const byId = new Map(r.artifacts.map((a) => [a.id, a]));
  const kinds: string[] = [];
  for (let a = byId.get(leaf); a; a = a.parent ? byId.get(a.parent) : undefined) kinds.unshift(a.kind);
  return kinds;
};

test('the chain is malicious, and the exit status says so', () => {
  assert.equal(report.verdict, 'malicious');
  assert.equal(exitCode, 1);
  assert.deepEqual(report.errors, []);
});

test('every stage is in the artifact tree, down to the DLL', () => {
  const dll = report.artifacts.find((a) => a.kind === 'pe');
  assert.ok(dll, 'the DLL was downloaded');
  const path = kindsOnPath(report, dll.id);
  for (const stage of ['email', 'url', 'zip', 'jscript', 'cmdline', 'powershell', 'url', 'pe']) assert.ok(path.includes(stage), `${stage} in ${path.join(' → ')}`);
  assert.ok(path.indexOf('zip') < path.indexOf('jscript') && path.indexOf('jscript') < path.indexOf('powershell') && path.indexOf('powershell') < path.lastIndexOf('pe'));
});

test('the ZIP was opened with the password from the body', () => {
  const zip = report.artifacts.find((a) => a.kind === 'zip')!;
  const password = report.passwords.find((p) => p.value === CHAIN.password);
  assert.ok(password, 'the body password is reported');
  assert.deepEqual(password.opened, [zip.id]);
});

test('both second-stage URLs are IOCs; the C2 list and campaign come out of the DLL', () => {
  const urls = report.iocs.filter((i) => i.type === 'url').map((i) => i.value);
  for (const u of [chain.lureUrl, ...chain.payloadUrls]) assert.ok(urls.includes(u), `${u} is an IOC`);
  const c2 = report.iocs.filter((i) => i.role === 'c2').map((i) => `${i.value}:${i.port}`);
  assert.deepEqual(c2.sort(), CHAIN.c2.map((s) => `${s.ip}:${s.port}`).sort());
  assert.ok(JSON.stringify(report.artifacts.find((a) => a.kind === 'pe')!.facts).includes(CHAIN.campaign));
});

test('the verdict explains itself: ATT&CK ids of every stage and the chain in one line', () => {
  for (const t of ['T1566.002', 'T1059.007', 'T1059.001', 'T1105', 'T1218.011']) assert.ok(report.attack.includes(t), `${t} in ${report.attack.join(',')}`);
  for (const word of ['email', 'ZIP', 'JScript', 'DLL']) assert.ok(report.summary.includes(word), `"${word}" in "${report.summary}"`);
  assert.ok(report.findings.every((f) => f.evidence.length > 0));
});
