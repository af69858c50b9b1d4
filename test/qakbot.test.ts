import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import { peAnalyzer } from '../src/analyzers/pe/index.ts';
import { rc4 } from '../src/analyzers/pe/qakbot/rc4.ts';
import { buildReport } from '../src/verdict/report.ts';
import { buildPe, codeLikeBytes, noiseBytes } from './generators/pe.ts';
import { c2Records, configText, encryptQakbotBlob, type QakbotVariant, rc4Reference } from './generators/pe-qakbot.ts';
import { findingIds, runAnalyzer } from './generators/pe-run.ts';

const C2 = [
  { ip: '102.156.2.121', port: 443 },
  { ip: '86.98.53.83', port: 2222 },
  { ip: '41.97.45.154', port: 995 },
  { ip: '24.178.196.158', port: 2078 },
  { ip: '1.2.3.4', port: 65535 },
];
const CAMPAIGN = 'obama207';
const TIMESTAMP = 1662458417; // 2022-09-06T10:00:17Z
const CONFIG = configText([
  ['10', CAMPAIGN],
  ['3', String(TIMESTAMP)],
]);

function qakbotDll(variant: QakbotVariant, names: [string, string], recordBytes = 7): Uint8Array {
  return buildPe({
    sections: [
      { name: '.text', data: codeLikeBytes(0x4000), access: 'r-x' },
      { name: '.data', data: codeLikeBytes(0x800), access: 'rw-' },
    ],
    imports: [{ dll: 'KERNEL32.dll', functions: ['LoadLibraryA', 'GetProcAddress', 'VirtualAlloc', 'CreateFileW', 'ReadFile', 'WriteFile', 'CloseHandle', 'Sleep', 'GetTickCount', 'ExitProcess', 'FindResourceA'] }],
    exports: { dllName: 'qbot.dll', names: ['DllRegisterServer'] },
    resources: [
      { type: 10, name: names[0], data: encryptQakbotBlob(CONFIG, variant) },
      { type: 10, name: names[1], data: encryptQakbotBlob(c2Records(C2, recordBytes), variant) },
      { type: 16, name: 1, data: codeLikeBytes(200) },
    ],
  });
}

test('RC4 matches the published test vectors', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  assert.equal(hex(rc4(enc('Key'), enc('Plaintext'))), 'bbf316e8d940af0ad3');
  assert.equal(hex(rc4(enc('Wiki'), enc('pedia'))), '1021bf0420');
  assert.equal(hex(rc4Reference(enc('Secret'), enc('Attack at dawn'))), '45a01f645fc35b383552544b9bf5');
});

const VARIANTS: [QakbotVariant, [string, string], string, number][] = [
  ['first-20-bytes', ['308', '311'], 'rc4-first-20-bytes', 7],
  ['powershell-path', ['524', '118'], 'rc4-sha1-powershell-path', 7],
  ['powershell-path', ['5812', '3719'], 'rc4-sha1-powershell-path', 7],
  ['powershel1-path', ['BABA', 'EBBA'], 'rc4-sha1-powershel1-path', 7],
  ['two-layer-muhcu', ['18270D2E', '26F517AB'], 'two-layer-rc4-muhcu', 7],
  ['two-layer-budiuy', ['89290AF9', '3C91E539'], 'two-layer-rc4-budiuy', 8],
];

for (const [variant, names, variantName, recordBytes] of VARIANTS) {
  test(`Qakbot ${variant} in resources ${names.join('/')}: campaign, timestamp and every C2`, async () => {
    const r = await runAnalyzer(peAnalyzer, qakbotDll(variant, names, recordBytes), 'Invoice.dll');
    const q = r.facts!.qakbot as Record<string, unknown>;
    assert.equal(q.campaign, CAMPAIGN);
    assert.equal(q.timestamp, '2022-09-06T10:00:17Z');
    assert.equal(q.configVariant, variantName);
    assert.equal(q.c2Variant, variantName);
    assert.equal(q.configResource, names[0]);
    assert.deepEqual(q.c2, C2.map((s) => `${s.ip}:${s.port}`));
    const c2Iocs = (r.iocs ?? []).filter((i) => i.role === 'c2');
    assert.deepEqual(c2Iocs, C2.map((s) => ({ type: 'ip', value: s.ip, port: s.port, role: 'c2' })));
    assert.ok(findingIds(r).includes('pe.qakbot.config'));
    assert.ok(findingIds(r).includes('pe.qakbot.c2-list'));
    assert.equal(r.label, `Qakbot DLL (campaign ${CAMPAIGN}, ${C2.length} C2)`);
  });
}

test('a verified configuration alone makes the report malicious', async () => {
  const run = await analyzeSubmission({ name: 'Invoice.dll', data: qakbotDll('powershell-path', ['524', '118']) }, { config: defaultConfig(), analyzers: [peAnalyzer] });
  const report = buildReport(run);
  assert.equal(report.verdict, 'malicious');
  assert.ok(report.score >= 1000);
  assert.ok(report.iocs.some((i) => i.type === 'ip' && i.value === '86.98.53.83'));
});

test('a renamed resource still decrypts, and says it was not a listed name', async () => {
  const pe = buildPe({ resources: [{ type: 10, name: 'ZZTOP', data: encryptQakbotBlob(CONFIG, 'powershel1-path') }] });
  const r = await runAnalyzer(peAnalyzer, pe);
  assert.equal((r.facts!.qakbot as Record<string, unknown>).campaign, CAMPAIGN);
  assert.match(r.findings!.find((f) => f.id === 'pe.qakbot.config')!.evidence, /unlisted resource "ZZTOP"/);
});

test('a wrong key is never accepted: blobs that fail the SHA1 give no config, only the resource-name finding', async () => {
  const tampered = encryptQakbotBlob(CONFIG, 'powershell-path');
  tampered[tampered.length - 1]! ^= 1;
  const pe = buildPe({
    resources: [
      { type: 10, name: '524', data: tampered },
      { type: 10, name: '118', data: noiseBytes(700, 5) },
    ],
  });
  const r = await runAnalyzer(peAnalyzer, pe);
  assert.ok(!findingIds(r).includes('pe.qakbot.config'));
  assert.ok(!(r.iocs ?? []).some((i) => i.role === 'c2'));
  assert.ok(findingIds(r).includes('pe.qakbot.resource-names'));
  assert.match(String(r.facts?.qakbot), /did not decrypt/);
});

test('a DLL with no Qakbot resources reports nothing about Qakbot', async () => {
  const r = await runAnalyzer(peAnalyzer, buildPe({ resources: [{ type: 10, name: 102, data: noiseBytes(2000, 9) }] }));
  assert.equal(r.facts?.qakbot, undefined);
  assert.deepEqual(findingIds(r).filter((id) => id.startsWith('pe.qakbot')), []);
});

test('BriefLZ: what the reference packer writes, the depacker restores; corrupt blocks are rejected, not over-read', async () => {
  const { depackBlock, depackStream } = await import('../src/analyzers/pe/qakbot/brieflz.ts');
  const { briefLzPack } = await import('./generators/pe-qakbot.ts');
  const inputs = [codeLikeBytes(5000), noiseBytes(3000, 4), new TextEncoder().encode('abcabcabcabcabcabcabcabc'.repeat(40)), new Uint8Array(20_000)];
  const far = noiseBytes(1500, 8);
  inputs.push(Uint8Array.from([...far, ...far])); // matches 1500 bytes back: a multi-byte offset
  for (const input of inputs) assert.deepEqual(depackBlock(briefLzPack(input), input.length), input);
  const packed = briefLzPack(codeLikeBytes(5000));
  for (let cut = 1; cut < packed.length; cut += 97) assert.equal(depackBlock(packed.subarray(0, cut), 5000), undefined);
  assert.equal(depackBlock(new Uint8Array([0x41, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), 100), undefined, 'a match before any output');
  assert.equal(depackStream(new Uint8Array(24), 1 << 20), undefined);
});

test('a Qakbot loader: resource 307 decrypts and decompresses to the core, whose own resources give the configuration', async () => {
  const core = qakbotDll('first-20-bytes', ['308', '311']);
  const { qakbotLoaderResource } = await import('./generators/pe-qakbot.ts');
  const loader = buildPe({
    sections: [{ name: '.text', data: codeLikeBytes(0x2000) }],
    exports: { dllName: 'loader.dll', names: ['DllRegisterServer'] },
    resources: [{ type: 10, name: '307', data: qakbotLoaderResource(core) }],
  });
  const direct = await runAnalyzer(peAnalyzer, loader, 'invoice.dll');
  assert.ok(findingIds(direct).includes('pe.qakbot.loader'));
  assert.deepEqual(direct.children?.[0]?.data, core);
  assert.equal(direct.label, 'Qakbot loader DLL (core in resource 307)');

  const report = buildReport(await analyzeSubmission({ name: 'invoice.dll', data: loader }, { config: defaultConfig(), analyzers: [peAnalyzer] }));
  assert.equal(report.verdict, 'malicious');
  const coreArtifact = report.artifacts.find((a) => a.relation === 'decoded');
  assert.equal(coreArtifact?.kind, 'pe');
  assert.deepEqual(
    report.iocs.filter((i) => i.role === 'c2').map((i) => `${i.value}:${i.port}`),
    C2.map((s) => `${s.ip}:${s.port}`),
  );
  assert.ok(report.findings.some((f) => f.id === 'pe.qakbot.config' && f.artifact === coreArtifact?.id && f.evidence.includes(CAMPAIGN)));
});
