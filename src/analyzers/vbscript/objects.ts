// The COM objects a VBScript dropper talks to, modelled only as far as static analysis needs: which
// command runs, which URL is requested, which file is written with what, which task or Run key is made.
// Nothing here touches the host; every answer from the outside world (a server, the disk) is `unknown`.

import { loadRules } from '../../engine/rules.ts';
import type { Effects } from './effects.ts';
import { EMPTY, isArray, isBytes, isObject, isUnknown, show, toNum, toStr, unknown, type Value, type VbObject } from './values.ts';

interface VbscriptRules {
  progids: Record<string, string>;
  network: string[];
  execution: string[];
  monikers: Record<string, string>;
  reconClasses: string[];
  specialFolders: Record<string, string>;
  fsoFolders: string[];
  scriptFolder: string;
}

let rules: VbscriptRules | undefined;
export function vbscriptRules(): VbscriptRules {
  rules ??= loadRules<VbscriptRules>('vbscript.yaml');
  return rules;
}

let clsids: Record<string, string> | undefined;
/** CLSID → ProgID, shared with the JScript mock layer. */
function progidOfClsid(clsid: string): string | undefined {
  clsids ??= loadRules<{ clsids: Record<string, string> }>('wsh-environment.yaml').clsids;
  return clsids[clsid.toLowerCase().replace(/[{}\s]/g, '')];
}

/** What the evaluator lends the object model. */
export interface ObjectHost {
  readonly effects: Effects;
  /** The string, or unknown when larger than the decoded-bytes limit. */
  str(s: string): Value;
  readonly maxBytes: number;
  readonly scriptName: string;
  /** Charges work proportional to the bytes or characters handled (see BuiltinContext.work). */
  work(size: number): void;
}

export function newObject(family: string, name: string, state: Record<string, unknown> = {}): VbObject {
  return { kind: 'object', family, name, props: new Map(), state };
}

/** The family of a ProgID: case-insensitive, version suffix ignored (MSXML2.XMLHTTP.6.0). */
export function familyOf(progid: string): string {
  const lower = progid.trim().toLowerCase();
  const table = vbscriptRules().progids;
  return table[lower] ?? table[lower.replace(/(\.\d+)+$/, '')] ?? 'other';
}

export function createObject(host: ObjectHost, progid: string, evidence: string): VbObject {
  const family = familyOf(progid);
  host.effects.add(host.effects.objects, { progid, family, evidence });
  return newObject(family, progid);
}

export function getObject(host: ObjectHost, moniker: string, evidence: string): Value {
  const lower = moniker.trim().toLowerCase();
  for (const [prefix, family] of Object.entries(vbscriptRules().monikers)) {
    if (!lower.startsWith(prefix)) continue;
    host.effects.add(host.effects.objects, { progid: moniker, family, evidence });
    if (family === 'clsid') {
      const progid = progidOfClsid(moniker.slice(prefix.length));
      return progid ? newObject(familyOf(progid), `${progid} (${moniker})`) : newObject('other', moniker);
    }
    if (family === 'scriptlet') {
      // The scriptlet's code is fetched and run by the moniker itself: a download and code nobody can read here.
      const url = moniker.slice(prefix.length).trim();
      host.effects.add(host.effects.requests, { url, method: 'GET', via: 'GetObject("script:…")', evidence });
      host.effects.add(host.effects.opaqueLayers, { via: 'GetObject("script:…")', evidence });
      return newObject('other', moniker);
    }
    if (family === 'wmi') {
      // winmgmts:\\.\root\cimv2:Win32_Process names a class directly.
      const cls = /:(win32_\w+|\w*product)\s*$/i.exec(lower);
      if (cls) return newObject('wmi-class', cls[1]!, { className: cls[1] });
      return newObject('wmi', moniker);
    }
    return newObject(family, moniker);
  }
  // GetObject("", "ProgID") and GetObject of a file path: the second form opens a document.
  return unknown(`GetObject("${moniker.slice(0, 80)}")`);
}

const text = (v: Value | undefined): string | undefined => (v === undefined ? undefined : toStr(v));
const encoder = new TextEncoder();

function quoteArgs(args: Value[]): string {
  return args.map((a) => (typeof a === 'string' ? `"${a.slice(0, 300)}"` : show(a, 300))).join(', ');
}

function evidenceOf(obj: VbObject, member: string, args: Value[]): string {
  return `${obj.name}.${member}(${quoteArgs(args)})`.slice(0, 1000);
}

function runCommand(host: ObjectHost, via: string, command: Value | undefined, hidden: boolean, evidence: string): void {
  const cmd = command === undefined ? undefined : toStr(command);
  host.effects.add(host.effects.runs, { command: cmd && cmd.trim() ? cmd : undefined, via, hidden, evidence });
}

function bytesOf(v: Value, charset = 'utf-8'): { bytes?: Uint8Array; from?: string } {
  if (isBytes(v)) return { bytes: v.from ? undefined : v.bytes, from: v.from };
  const s = toStr(v);
  if (s === undefined) return isUnknown(v) ? { from: v.what } : {};
  return { bytes: /unicode|utf-16/i.test(charset) ? Buffer.from(s, 'utf16le') : /ascii|1252|latin|iso-8859/i.test(charset) ? Buffer.from(s, 'latin1') : encoder.encode(s) };
}

/** What an ADODB.Stream holds: the pieces written, joined only when read (a write loop stays linear). */
interface StreamBuffer {
  chunks: Uint8Array[];
  size: number;
}

function contentOf(o: VbObject): Uint8Array | undefined {
  const buffer = o.state.buffer as StreamBuffer | undefined;
  if (!buffer) return undefined;
  if (buffer.chunks.length !== 1) {
    const out = new Uint8Array(buffer.size);
    let at = 0;
    for (const c of buffer.chunks) {
      out.set(c, at);
      at += c.length;
    }
    buffer.chunks = [out];
  }
  return buffer.chunks[0];
}

function specialFolder(name: string): string {
  const key = name.toLowerCase().replace(/\s+/g, '');
  return vbscriptRules().specialFolders[key] ?? `%USERPROFILE%\\${name}`;
}

function recordFile(host: ObjectHost, path: string, via: string, evidence: string, content?: Uint8Array, fromUrl?: string): void {
  host.effects.addFile({ path, via, content, fromUrl, evidence });
}

type Member = (host: ObjectHost, obj: VbObject, args: Value[]) => Value;

/** The members each family models, by lower-case name. Members not listed return unknown. */
const FAMILIES: Record<string, Record<string, Member>> = {
  wscript: {
    createobject: (host, _o, a) => createObject(host, text(a[0]) ?? '?', `WScript.CreateObject(${quoteArgs(a)})`),
    getobject: (host, _o, a) => getObject(host, text(a[0]) ?? '', `WScript.GetObject(${quoteArgs(a)})`),
    sleep: (host, o, a) => {
      host.effects.add(host.effects.sleeps, evidenceOf(o, 'Sleep', a));
      return EMPTY;
    },
    echo: () => EMPTY,
    scriptfullname: (host) => `${vbscriptRules().scriptFolder}\\${host.scriptName}`,
    scriptname: (host) => host.scriptName,
    fullname: () => 'C:\\Windows\\System32\\wscript.exe',
    path: () => 'C:\\Windows\\System32',
    name: () => 'Windows Script Host',
    version: () => '5.812',
    // The arguments a script was started with are not known: neither how many nor which.
    arguments: (_h, _o, a) => (a.length ? unknown(`the script's argument ${show(a[0]!)}`) : newObject('arguments', 'WScript.Arguments')),
  },
  arguments: {
    item: (_h, _o, a) => unknown(`the script's argument ${show(a[0] ?? EMPTY)}`),
    __default: (_h, _o, a) => unknown(`the script's argument ${show(a[0] ?? EMPTY)}`),
    count: () => unknown('how many arguments the script got'),
    length: () => unknown('how many arguments the script got'),
    named: () => newObject('arguments', 'WScript.Arguments.Named'),
    unnamed: () => newObject('arguments', 'WScript.Arguments.Unnamed'),
  },
  // Err: calls into the object model never fail here, so Err.Number stays 0 and "If Err Then Quit" is decided.
  err: {
    number: () => 0,
    description: () => '',
    source: () => '',
    clear: () => EMPTY,
    raise: () => EMPTY,
  },
  shell: {
    run: (host, o, a) => {
      runCommand(host, 'WScript.Shell.Run', a[0], toNum(a[1] ?? 1) === 0, evidenceOf(o, 'Run', a));
      return 0;
    },
    exec: (host, o, a) => {
      runCommand(host, 'WScript.Shell.Exec', a[0], false, evidenceOf(o, 'Exec', a));
      return newObject('exec', 'WshScriptExec');
    },
    regwrite: (host, o, a) => {
      const key = text(a[0]);
      if (key) host.effects.add(host.effects.registry, { key, value: text(a[1]), evidence: evidenceOf(o, 'RegWrite', a) });
      return EMPTY;
    },
    regread: (_h, _o, a) => unknown(`registry value ${text(a[0]) ?? ''}`),
    expandenvironmentstrings: (_h, _o, a) => a[0] ?? '',
    environment: () => newObject('environment', 'WshEnvironment'),
    specialfolders: (_h, _o, a) => (a.length ? specialFolder(text(a[0]) ?? '') : newObject('collection', 'SpecialFolders')),
    createshortcut: (_h, _o, a) => newObject('shortcut', 'WshShortcut', { path: text(a[0]) ?? '' }),
    popup: () => unknown('the user\'s answer to Popup'),
    currentdirectory: () => vbscriptRules().scriptFolder,
  },
  environment: {
    // Environment("Process")("TEMP") and .Item("TEMP"): kept as %TEMP% (see rules/vbscript.yaml).
    item: (_h, _o, a) => `%${text(a[0]) ?? ''}%`,
    __default: (_h, _o, a) => `%${text(a[0]) ?? ''}%`,
  },
  shortcut: {
    save: (host, o) => {
      const path = String(o.state.path ?? '');
      const target = [text(o.props.get('targetpath') ?? EMPTY), text(o.props.get('arguments') ?? EMPTY)].filter(Boolean).join(' ');
      host.effects.add(host.effects.shortcuts, { path, target: target || undefined, evidence: `WshShortcut.Save ${path} → ${target}` });
      return EMPTY;
    },
  },
  'shell-app': {
    shellexecute: (host, o, a) => {
      const file = text(a[0]);
      const params = text(a[1] ?? EMPTY);
      const command = file === undefined ? undefined : params ? `${file} ${params}` : file;
      runCommand(host, 'Shell.Application.ShellExecute', command, toNum(a[4] ?? 1) === 0, evidenceOf(o, 'ShellExecute', a));
      // The runas verb asks the user to approve running it as administrator.
      if (/^runas$/i.test(text(a[3] ?? EMPTY) ?? '')) host.effects.technique('vbscript.exec.elevation-prompt', evidenceOf(o, 'ShellExecute', a));
      return EMPTY;
    },
    namespace: (_h, _o, a) => newObject('folder', `Folder ${text(a[0]) ?? ''}`, { path: text(a[0]) ?? '' }),
    // Open of a file path starts it with its associated program, as a double-click does.
    open: (host, o, a) => {
      runCommand(host, 'Shell.Application.Open', a[0], false, evidenceOf(o, 'Open', a));
      return EMPTY;
    },
  },
  folder: {
    copyhere: (host, o, a) => {
      recordFile(host, `${String(o.state.path)}\\${(text(a[0]) ?? '').split(/[\\/]/).pop()}`, 'Shell.Application Folder.CopyHere', evidenceOf(o, 'CopyHere', a));
      return EMPTY;
    },
  },
  http: {
    open: (host, o, a) => {
      const method = (text(a[0]) ?? 'GET').toUpperCase();
      const url = text(a[1]);
      o.state.url = url;
      host.effects.add(host.effects.requests, { url, method, via: `${o.name}.Open`, evidence: evidenceOf(o, 'Open', a) });
      return EMPTY;
    },
    send: () => EMPTY,
    setrequestheader: () => EMPTY,
    waitforresponse: () => true,
    status: () => unknown('the HTTP status'),
    readystate: () => 4,
    responsebody: (_h, o) => ({ kind: 'bytes', bytes: new Uint8Array(0), from: String(o.state.url ?? 'a download') }),
    responsestream: (_h, o) => ({ kind: 'bytes', bytes: new Uint8Array(0), from: String(o.state.url ?? 'a download') }),
    responsetext: (_h, o) => unknown(`the text served by ${String(o.state.url ?? 'a server')}`),
  },
  stream: {
    open: () => EMPTY,
    close: () => EMPTY,
    write: (host, o, a) => streamWrite(host, o, a[0] ?? EMPTY, 'binary'),
    writetext: (host, o, a) => streamWrite(host, o, a[0] ?? EMPTY, 'text'),
    savetofile: (host, o, a) => {
      // A path built from what is not known is still a save: reported without a file name.
      const path = text(a[0]) ?? '';
      recordFile(host, path, 'ADODB.Stream.SaveToFile', evidenceOf(o, 'SaveToFile', a), contentOf(o), o.state.from as string | undefined);
      return EMPTY;
    },
    loadfromfile: (_h, o, a) => {
      o.state.buffer = undefined;
      o.state.from = `the file ${text(a[0]) ?? ''}`;
      return EMPTY;
    },
    read: (_h, o) => {
      const content = contentOf(o);
      return content ? { kind: 'bytes', bytes: content } : { kind: 'bytes', bytes: new Uint8Array(0), from: String(o.state.from ?? 'a stream') };
    },
    readtext: (host, o) => {
      const content = contentOf(o);
      if (!content) return unknown(String(o.state.from ?? 'a stream'));
      host.work(content.length);
      const charset = toStr(o.props.get('charset') ?? EMPTY) ?? '';
      const buf = Buffer.from(content.buffer, content.byteOffset, content.length);
      return host.str(/unicode|utf-16/i.test(charset) ? buf.toString('utf16le') : /ascii|1252|latin|iso-8859/i.test(charset) ? buf.toString('latin1') : buf.toString('utf8'));
    },
    size: (_h, o) => (o.state.buffer ? (o.state.buffer as StreamBuffer).size : unknown('the stream size')),
  },
  fso: {
    createtextfile: (_h, o, a) => newObject('textfile', `TextStream ${text(a[0]) ?? ''}`, { path: text(a[0]) ?? '', via: `${o.name}.CreateTextFile`, written: '' }),
    opentextfile: (_h, o, a) => {
      const mode = toNum(a[1] ?? 1) ?? 1;
      return newObject('textfile', `TextStream ${text(a[0]) ?? ''}`, { path: text(a[0]) ?? '', via: `${o.name}.OpenTextFile`, written: '', reading: mode === 1 });
    },
    copyfile: (host, o, a) => {
      const to = text(a[1]);
      if (to) recordFile(host, to, 'FileSystemObject.CopyFile', evidenceOf(o, 'CopyFile', a));
      return EMPTY;
    },
    movefile: (host, o, a) => {
      const to = text(a[1]);
      if (to) recordFile(host, to, 'FileSystemObject.MoveFile', evidenceOf(o, 'MoveFile', a));
      return EMPTY;
    },
    deletefile: (host, o, a) => {
      const path = text(a[0]) ?? '';
      const self = path.toLowerCase().endsWith(host.scriptName.toLowerCase()) && host.scriptName !== '';
      host.effects.add(host.effects.deletes, { path, self, evidence: evidenceOf(o, 'DeleteFile', a) });
      return EMPTY;
    },
    getspecialfolder: (_h, _o, a) => vbscriptRules().fsoFolders[toNum(a[0] ?? 0) ?? 0] ?? unknown('a special folder'),
    buildpath: (_h, _o, a) => `${(text(a[0]) ?? '').replace(/\\+$/, '')}\\${(text(a[1]) ?? '').replace(/^\\+/, '')}`,
    gettempname: () => 'rad0A1B2.tmp',
    getfilename: (_h, _o, a) => (text(a[0]) ?? '').split(/[\\/]/).pop() ?? '',
    getbasename: (_h, _o, a) => ((text(a[0]) ?? '').split(/[\\/]/).pop() ?? '').replace(/\.[^.]*$/, ''),
    getextensionname: (_h, _o, a) => /\.([^.\\/]*)$/.exec(text(a[0]) ?? '')?.[1] ?? '',
    getparentfoldername: (_h, _o, a) => (text(a[0]) ?? '').replace(/[\\/][^\\/]*$/, ''),
    fileexists: () => unknown('whether the file exists'),
    folderexists: () => unknown('whether the folder exists'),
    createfolder: () => EMPTY,
  },
  textfile: {
    write: (host, o, a) => textWrite(host, o, a[0], ''),
    writeline: (host, o, a) => textWrite(host, o, a[0] ?? '', '\r\n'),
    writeblanklines: (host, o, a) => textWrite(host, o, '', '\r\n'.repeat(Math.min(1000, Math.max(0, toNum(a[0] ?? 1) ?? 1)))),
    close: (host, o) => {
      if (o.state.reading || o.state.closed) return EMPTY;
      o.state.closed = true;
      const written = o.state.written;
      recordFile(host, String(o.state.path), String(o.state.via), `${String(o.state.via)}("${String(o.state.path)}")`, typeof written === 'string' ? encoder.encode(written) : undefined);
      return EMPTY;
    },
    readall: (_h, o) => unknown(`the contents of ${String(o.state.path)}`),
    readline: (_h, o) => unknown(`a line of ${String(o.state.path)}`),
    atendofstream: () => unknown('end of stream'),
  },
  wmi: {
    execquery: (host, o, a) => {
      const query = text(a[0]) ?? '';
      host.effects.add(host.effects.wmiQueries, { query, evidence: evidenceOf(o, 'ExecQuery', a) });
      return newObject('collection', `query ${query.slice(0, 60)}`);
    },
    instancesof: (host, o, a) => {
      const cls = text(a[0]) ?? '';
      host.effects.add(host.effects.wmiQueries, { query: `select * from ${cls}`, evidence: evidenceOf(o, 'InstancesOf', a) });
      return newObject('collection', `instances of ${cls}`);
    },
    get: (_h, _o, a) => {
      const cls = (text(a[0]) ?? '').split(/[.=]/)[0]!;
      return newObject('wmi-class', cls, { className: cls.toLowerCase() });
    },
  },
  'wmi-locator': {
    connectserver: (_h, _o, a) => newObject('wmi', `WMI service on ${text(a[0]) || '.'}`),
  },
  'wmi-class': {
    create: (host, o, a) => {
      if (String(o.state.className).toLowerCase() === 'win32_process') runCommand(host, 'Win32_Process.Create', a[0], false, evidenceOf(o, 'Create', a));
      return 0;
    },
    spawninstance_: (_h, o) => newObject('wmi-instance', `${o.name} instance`, { className: o.state.className }),
  },
  'wmi-instance': {
    // Saving an event filter, a consumer or their binding is how a WMI event subscription is made (T1546.003).
    put_: (host, o) => {
      const className = String(o.state.className ?? '');
      if (!/^(__eventfilter|__filtertoconsumerbinding|\w*eventconsumer)$/i.test(className)) return newObject('other', 'SWbemObjectPath');
      const command = text(o.props.get('commandlinetemplate') ?? o.props.get('executablepath') ?? EMPTY) || undefined;
      const script = text(o.props.get('scripttext') ?? EMPTY);
      const query = text(o.props.get('query') ?? EMPTY);
      const detail = command ?? (query || (script ? `script: ${script.slice(0, 200)}` : ''));
      host.effects.add(host.effects.wmiSubscriptions, { className, command, evidence: `${o.name}.Put_${detail ? `: ${detail}` : ''}` });
      if (script) {
        const language = /jscript/i.test(text(o.props.get('scriptingengine') ?? EMPTY) ?? '') ? 'jscript' : 'vbscript';
        host.effects.addLayer({ text: script, via: 'ActiveScriptEventConsumer', language, evidence: `ActiveScriptEventConsumer.ScriptText: ${script.slice(0, 200)}` });
      }
      return newObject('other', 'SWbemObjectPath');
    },
  },
  scheduler: {
    connect: () => EMPTY,
    getfolder: () => newObject('task-folder', 'TaskFolder'),
    newtask: () => newObject('task-definition', 'TaskDefinition', { actions: [] }),
  },
  'task-definition': {
    actions: (_h, o) => {
      const existing = o.props.get('actions');
      if (existing && isObject(existing)) return existing;
      const actions = newObject('task-actions', 'ActionCollection', { list: o.state.actions });
      o.props.set('actions', actions);
      return actions;
    },
    triggers: () => newObject('other', 'TriggerCollection'),
    settings: () => newObject('other', 'TaskSettings'),
    registrationinfo: () => newObject('other', 'RegistrationInfo'),
    principal: () => newObject('other', 'Principal'),
  },
  'task-actions': {
    create: (_h, o) => {
      const action = newObject('task-action', 'ExecAction');
      (o.state.list as VbObject[]).push(action);
      return action;
    },
  },
  'task-folder': {
    registertaskdefinition: (host, o, a) => {
      const def = a[1];
      const name = text(a[0]);
      const actions = def && isObject(def) && Array.isArray(def.state.actions) ? (def.state.actions as VbObject[]) : [];
      const commands = actions.map((x) => [text(x.props.get('path') ?? EMPTY), text(x.props.get('arguments') ?? EMPTY)].filter(Boolean).join(' ')).filter(Boolean);
      host.effects.add(host.effects.tasks, { name, command: commands[0], evidence: `${evidenceOf(o, 'RegisterTaskDefinition', a.slice(0, 1))}${commands.length ? ` → ${commands.join('; ')}` : ''}` });
      return newObject('other', 'RegisteredTask');
    },
    gettask: () => newObject('other', 'RegisteredTask'),
  },
  xmldom: {
    createelement: (_h, _o, a) => newObject('xml-element', `element ${text(a[0]) ?? ''}`),
    loadxml: () => true,
  },
  'xml-element': {
    nodetypedvalue: (host, o) => {
      const type = (toStr(o.props.get('datatype') ?? EMPTY) ?? '').toLowerCase();
      const content = toStr(o.props.get('text') ?? EMPTY);
      if (content === undefined) return unknown('nodeTypedValue');
      if (type === 'bin.base64') {
        host.effects.technique('vbscript.obfuscation.base64', `bin.base64 nodeTypedValue of ${content.length} characters`);
        host.work(content.length);
        return { kind: 'bytes', bytes: new Uint8Array(Buffer.from(content.replace(/\s+/g, ''), 'base64')) };
      }
      if (type === 'bin.hex') {
        host.effects.technique('vbscript.obfuscation.hex', `bin.hex nodeTypedValue of ${content.length} characters`);
        host.work(content.length);
        return { kind: 'bytes', bytes: new Uint8Array(Buffer.from(content.replace(/[^0-9a-f]/gi, ''), 'hex')) };
      }
      return content;
    },
  },
  dictionary: {
    add: (_h, o, a) => {
      dict(o).set(keyOf(a[0]), a[1] ?? EMPTY);
      return EMPTY;
    },
    item: (_h, o, a) => dict(o).get(keyOf(a[0])) ?? EMPTY,
    __default: (_h, o, a) => dict(o).get(keyOf(a[0])) ?? EMPTY,
    exists: (_h, o, a) => dict(o).has(keyOf(a[0])),
    count: (_h, o) => dict(o).size,
    keys: (_h, o) => ({ kind: 'array', items: [...dict(o).keys()] }),
    items: (_h, o) => ({ kind: 'array', items: [...dict(o).values()] }),
    remove: (_h, o, a) => {
      dict(o).delete(keyOf(a[0]));
      return EMPTY;
    },
  },
  scriptcontrol: {
    // ScriptControl runs code in a language it is told: VBScript inside VBScript, or JScript.
    addcode: (host, o, a) => scriptControlCode(host, o, 'AddCode', a[0]),
    executestatement: (host, o, a) => scriptControlCode(host, o, 'ExecuteStatement', a[0]),
    eval: (host, o, a) => scriptControlCode(host, o, 'Eval', a[0]),
    run: () => unknown('what a ScriptControl procedure returns'),
  },
  installer: {
    installproduct: (host, o, a) => {
      const url = text(a[0]);
      host.effects.add(host.effects.requests, { url, method: 'GET', via: 'WindowsInstaller.Installer.InstallProduct', evidence: evidenceOf(o, 'InstallProduct', a) });
      runCommand(host, 'WindowsInstaller.Installer.InstallProduct', url === undefined ? undefined : `msiexec /i ${url}`, true, evidenceOf(o, 'InstallProduct', a));
      return EMPTY;
    },
  },
};

function scriptControlCode(host: ObjectHost, o: VbObject, method: string, code: Value | undefined): Value {
  const language = /^j(ava)?script/i.test(toStr(o.props.get('language') ?? EMPTY) ?? '') ? 'jscript' : 'vbscript';
  const text = code === undefined ? undefined : toStr(code);
  const via = `ScriptControl.${method}`;
  if (text === undefined) host.effects.add(host.effects.opaqueLayers, { via, evidence: `${via} of code built at run time` });
  else if (text.trim()) host.effects.addLayer({ text, via, language, evidence: `${via} (${language}): ${text.slice(0, 200)}` });
  return unknown(`what ${via} returns`);
}

function dict(o: VbObject): Map<string, Value> {
  o.state.map ??= new Map<string, Value>();
  return o.state.map as Map<string, Value>;
}
function keyOf(v: Value | undefined): string {
  return v === undefined ? '' : (toStr(v) ?? show(v));
}

function streamWrite(host: ObjectHost, o: VbObject, v: Value, mode: 'binary' | 'text'): Value {
  const charset = mode === 'text' ? (toStr(o.props.get('charset') ?? EMPTY) ?? 'utf-8') : 'utf-8';
  const { bytes, from } = bytesOf(v, charset);
  if (from) {
    o.state.from = from;
    o.state.buffer = undefined;
    return EMPTY;
  }
  if (!bytes || o.state.from) return EMPTY;
  host.work(bytes.length);
  const buffer = (o.state.buffer ??= { chunks: [], size: 0 }) as StreamBuffer;
  if (buffer.size + bytes.length > host.maxBytes) {
    host.effects.limit('maxDecodedBytes', `a stream grew past ${host.maxBytes} bytes`);
    return EMPTY;
  }
  // A copy: the stream must not share memory with the value written (a Buffer may sit in Node's pool).
  buffer.chunks.push(new Uint8Array(bytes));
  buffer.size += bytes.length;
  return EMPTY;
}

function textWrite(host: ObjectHost, o: VbObject, v: Value | undefined, suffix: string): Value {
  if (o.state.written === undefined) return EMPTY;
  const s = v === undefined ? '' : toStr(v);
  if (s === undefined) {
    o.state.written = undefined; // part of the content is unknown: report the file, not a wrong content
    return EMPTY;
  }
  host.work(s.length);
  const next = `${String(o.state.written)}${s}${suffix}`;
  if (next.length > host.maxBytes) {
    host.effects.limit('maxDecodedBytes', `a written file grew past ${host.maxBytes} characters`);
    o.state.written = undefined;
  } else o.state.written = next;
  return EMPTY;
}

/** Reads a member (`obj.Prop`): a set property first, then a modelled member called without arguments. */
export function getMember(host: ObjectHost, obj: VbObject, name: string): Value {
  const lower = name.toLowerCase();
  const member = FAMILIES[obj.family]?.[lower];
  if (obj.props.has(lower) && !(member && lower === 'nodetypedvalue')) return obj.props.get(lower)!;
  if (member) return member(host, obj, []);
  return unknownMember(obj, name);
}

/** Calls a member (`obj.Method a, b` or `obj.Method(a)`). */
export function callMember(host: ObjectHost, obj: VbObject, name: string, args: Value[]): Value {
  const lower = name.toLowerCase();
  const member = FAMILIES[obj.family]?.[lower];
  if (member) return member(host, obj, args);
  const prop = obj.props.get(lower);
  if (prop !== undefined && args.length > 0) return indexValue(prop, args);
  if (prop !== undefined) return prop;
  return unknownMember(obj, name);
}

/** `obj(args)`: the object's default member (Environment("TEMP"), dict("k")). */
export function callDefault(host: ObjectHost, obj: VbObject, args: Value[]): Value {
  const member = FAMILIES[obj.family]?.__default;
  if (member) return member(host, obj, args);
  return unknown(`${obj.name}(${quoteArgs(args)})`);
}

export function setMember(host: ObjectHost, obj: VbObject, name: string, value: Value): void {
  const lower = name.toLowerCase();
  if (obj.family === 'stream' && lower === 'type') return void obj.props.set(lower, value);
  if (obj.family === 'stream' && lower === 'position' && toNum(value) === 0) return;
  if (obj.family === 'dictionary' && lower === 'item') return;
  obj.props.set(lower, value);
  void host;
}

/** Members of an object whose family is not modelled (or a member that is not): unknown, chainable. */
function unknownMember(obj: VbObject, name: string): Value {
  if (obj.family === 'other' || obj.family === 'collection' || obj.family === 'exec' || obj.family === 'network' || obj.family === 'clsid') {
    return newObject('other', `${obj.name}.${name}`);
  }
  return unknown(`${obj.name}.${name}`);
}

function indexValue(v: Value, args: Value[]): Value {
  if (isArray(v)) {
    const i = toNum(args[0] ?? EMPTY);
    return i === undefined ? unknown('an array item') : (v.items[i] ?? unknown('an item past the end'));
  }
  return unknown('an indexed member');
}

/** Items For Each walks; undefined when the collection is not known (the loop body then runs once). */
export function itemsOf(v: Value): Value[] | undefined {
  if (isArray(v)) return v.items;
  if (isBytes(v) && !v.from) return [...v.bytes];
  if (isObject(v) && v.family === 'dictionary') return [...dict(v).keys()];
  return undefined;
}

/** Family names an analyst reads. */
export function isNetworkFamily(family: string): boolean {
  return vbscriptRules().network.includes(family);
}
