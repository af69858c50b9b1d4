// What each Windows program a dropper borrows does with its arguments: which URL it fetches, where it
// saves, what it runs. One handler per program family; rules/lolbins.yaml maps program names to them.

import { splitArgs } from './cmd.ts';
import type { Collector } from './collector.ts';
import { isRunKey, isStagingPath, normaliseUrl } from './payload.ts';

export interface ProgramCall {
  /** The whole command as cmd.exe passes it on. */
  text: string;
  /** Lower-case program name without folder or extension. */
  program: string;
  /** Arguments after the program, split as the program reads them. */
  args: string[];
}

export interface HandlerOutput {
  /** A command line this one runs in turn (wmic process call create, schtasks /tr, start). */
  nested?: string[];
}

export type ProgramHandler = (call: ProgramCall, out: Collector) => HandlerOutput | void;

const isUrl = (s: string) => normaliseUrl(s) !== undefined;
const lower = (s: string) => s.toLowerCase();
/** A switch in `-x`, `/x` or `--x` form, case-insensitive. */
const isSwitch = (arg: string, ...names: string[]) => names.some((n) => new RegExp(`^(--?|/)${n}$`, 'i').test(arg));

/** A DLL named as something else: Qakbot's .dat/.ooccxx, IcedID's .png. Registry names (scrobj.dll) pass. */
function isDisguisedDll(path: string): boolean {
  const name = path.replace(/"/g, '').split(/[\\/]/).pop() ?? '';
  const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  return ext !== undefined && !['dll', 'ocx', 'cpl', 'ax', 'drv', 'exe', 'sys'].includes(ext);
}

function savedFile(path: string, out: Collector, evidence: string): void {
  out.file(path, 'dropped-file');
  if (isStagingPath(path)) out.finding('cmdline.drop.staging-folder', evidence);
}

const rundll32: ProgramHandler = (call, out) => {
  const target = call.args[0];
  if (!target) return;
  if (/^(javascript|vbscript):/i.test(target) || /mshtml[^,]*,\s*RunHTMLApplication/i.test(call.text)) {
    out.finding('cmdline.run.rundll32-script', call.text);
    out.command(call.text);
    out.label('rundll32 script');
    return inlineScript(call.text, out, 'rundll32 script');
  }
  const comma = target.indexOf(',');
  const dll = comma >= 0 ? target.slice(0, comma) : target;
  const entry = comma >= 0 ? target.slice(comma + 1) || call.args[1] : call.args[1];
  out.file(dll, 'executed-file');
  out.command(call.text);
  out.finding('cmdline.run.rundll32', call.text);
  if (isDisguisedDll(dll)) out.finding('cmdline.run.disguised-dll', call.text);
  if (isStagingPath(dll)) out.finding('cmdline.run.from-staging-folder', call.text);
  out.label(`rundll32 ,${entry ?? '?'}`);
  if (entry) out.facts.rundll32Export = entry;
};

const regsvr32: ProgramHandler = (call, out) => {
  const files = call.args.filter((a) => !/^[-/]/.test(a));
  const install = call.args.find((a) => /^[-/]i:/i.test(a));
  out.command(call.text);
  if (install && isUrl(install.slice(3).replace(/^"|"$/g, ''))) {
    const url = out.payloadUrl(install.slice(3).replace(/^"|"$/g, ''), 'regsvr32 /i');
    out.finding('cmdline.run.regsvr32-scriptlet', `${call.text}${url ? '' : ''}`);
    out.label('regsvr32 /i (scriptlet)');
    return;
  }
  for (const f of files) {
    out.file(f, 'executed-file');
    if (isStagingPath(f)) out.finding('cmdline.run.from-staging-folder', call.text);
    if (isDisguisedDll(f)) out.finding('cmdline.run.disguised-dll', call.text);
  }
  out.finding('cmdline.run.regsvr32', call.text);
  out.label(call.args.some((a) => isSwitch(a, 's')) ? 'regsvr32 /s' : 'regsvr32');
};

const mshta: ProgramHandler = (call, out) => {
  const target = call.args.join(' ');
  out.command(call.text);
  out.finding('cmdline.run.mshta', call.text);
  out.label('mshta');
  const first = call.args[0] ?? '';
  if (isUrl(first)) out.payloadUrl(first, 'mshta');
  else if (/^(javascript|vbscript):/i.test(target)) {
    out.finding('cmdline.run.mshta-inline', call.text);
    return inlineScript(call.text, out, 'mshta script');
  } else if (first) out.file(first, 'executed-file');
};

/**
 * Script given inline to mshta or rundll32 (vbscript:Execute(...Run "powershell ..."), javascript:...
 * GetObject("script:http://...")): the commands it runs are read in turn, its URLs are payloads.
 */
function inlineScript(text: string, out: Collector, from: string): HandlerOutput {
  const nested: string[] = [];
  // VBScript doubles quotes inside a string, and the whole script is often itself inside one: undo both levels.
  const unquoted = text.replace(/""/g, '"').replace(/""/g, '"');
  for (const m of unquoted.matchAll(/\.(?:Run|Exec|ShellExecute)\s*\(?\s*"((?:[^"\\]|\\.){4,4000})"/gi)) nested.push(m[1]!);
  for (const m of unquoted.matchAll(/\b(?:script:)?((?:https?|ftp):\/\/[^\s"'()]+)/gi)) out.payloadUrl(m[1]!, from);
  return { nested };
}

const certutil: ProgramHandler = (call, out) => {
  const args = call.args;
  const fetches = args.some((a) => isSwitch(a, 'urlcache', 'verifyctl'));
  const decodes = args.some((a) => isSwitch(a, 'decode', 'decodehex'));
  const plain = args.filter((a) => !/^[-/]/.test(a));
  if (fetches) {
    const url = plain.find(isUrl);
    if (url) out.payloadUrl(url, 'certutil');
    const after = url ? plain.slice(plain.indexOf(url) + 1) : [];
    if (after[0]) savedFile(after[0], out, call.text);
    out.finding('cmdline.download.certutil', call.text);
    out.command(call.text, 'download-step');
    out.label('certutil download');
  }
  if (decodes) {
    if (plain[1]) savedFile(plain[1], out, call.text);
    out.finding('cmdline.decode.certutil', call.text);
    out.label('certutil -decode');
  }
};

const bitsadmin: ProgramHandler = (call, out) => {
  const urls = call.args.filter(isUrl);
  if (urls.length === 0) return;
  for (const url of urls) {
    out.payloadUrl(url, 'bitsadmin');
    const next = call.args[call.args.indexOf(url) + 1];
    if (next && !/^[-/]/.test(next)) savedFile(next, out, call.text);
  }
  out.finding('cmdline.download.bitsadmin', call.text);
  out.command(call.text, 'download-step');
  out.label('bitsadmin download');
};

const curl: ProgramHandler = (call, out) => {
  const urls = call.args.filter(isUrl);
  if (urls.length === 0) return;
  for (const url of urls) out.payloadUrl(url, call.program);
  for (let i = 0; i < call.args.length; i++) {
    if (isSwitch(call.args[i]!, 'o', 'output', 'outfile') || call.args[i] === '-O' && call.program === 'wget') {
      const target = call.args[i + 1];
      if (target) savedFile(target, out, call.text);
    }
  }
  out.finding('cmdline.download.curl', call.text);
  out.command(call.text, 'download-step');
  out.label(`${call.program} download`);
};

const wmic: ProgramHandler = (call, out) => {
  const text = call.text;
  const create = /\bprocess\s+call\s+create\s+(.+)$/i.exec(text);
  const xsl = /\/format:\s*"?((?:https?|ftp):\/\/[^\s"]+)/i.exec(text);
  if (xsl) {
    out.payloadUrl(xsl[1]!, 'wmic /format');
    out.finding('cmdline.run.wmic-xsl', text);
    out.label('wmic /format (XSL)');
  }
  if (!create) return;
  const inner = splitArgs(create[1]!)[0] ?? create[1]!;
  out.finding('cmdline.run.wmic-process', text);
  out.command(text);
  out.label('wmic process create');
  return { nested: [inner] };
};

const msiexec: ProgramHandler = (call, out) => {
  const idx = call.args.findIndex((a) => isSwitch(a, 'i', 'package', 'a', 'j'));
  const target = idx >= 0 ? call.args[idx + 1] : call.args.find((a) => !/^[-/]/.test(a));
  if (!target) return;
  out.command(call.text);
  if (isUrl(target)) {
    out.payloadUrl(target, 'msiexec');
    out.finding('cmdline.run.msiexec-remote', call.text);
    out.label('msiexec (remote package)');
  } else {
    out.file(target, 'executed-file');
    if (isStagingPath(target)) out.finding('cmdline.run.from-staging-folder', call.text);
  }
};

const schtasks: ProgramHandler = (call, out) => {
  if (!call.args.some((a) => isSwitch(a, 'create'))) return;
  const tr = call.args.findIndex((a) => isSwitch(a, 'tr'));
  const action = tr >= 0 ? call.args[tr + 1] : undefined;
  out.finding('cmdline.persistence.scheduled-task', call.text);
  out.command(call.text, 'persistence');
  out.label('scheduled task');
  return action ? { nested: [action] } : undefined;
};

const reg: ProgramHandler = (call, out) => {
  if (lower(call.args[0] ?? '') !== 'add') return;
  const key = call.args[1] ?? '';
  const d = call.args.findIndex((a) => isSwitch(a, 'd'));
  const data = d >= 0 ? call.args[d + 1] : undefined;
  if (isRunKey(key)) {
    out.finding('cmdline.persistence.run-key', call.text);
    out.command(call.text, 'persistence');
    out.label('Run key');
    return data ? { nested: [data] } : undefined;
  }
  if (/windows defender/i.test(key)) out.finding('cmdline.defense.defender', call.text);
};

const start: ProgramHandler = (call) => {
  // `start "title" /b program args`: skip the title and start's own switches.
  let i = 0;
  if (call.program === 'start' && call.args[0] !== undefined && /^".*"$/.test(call.text.split(/\s+/)[1] ?? '')) i = 1;
  while (i < call.args.length && /^\/(b|min|max|wait|high|low|normal|realtime|abovenormal|belownormal|separate|shared|i|d)$/i.test(call.args[i]!)) i++;
  const rest = call.args.slice(i);
  if (rest.length === 0) return;
  return { nested: [rest.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')] };
};

const scriptHost: ProgramHandler = (call, out) => {
  const script = call.args.find((a) => !/^[/-]/.test(a));
  if (!script) return;
  out.file(script, 'executed-file');
  out.command(call.text);
  out.finding('cmdline.run.script-host', call.text);
  if (isStagingPath(script)) out.finding('cmdline.run.from-staging-folder', call.text);
  out.label(call.program);
};

/** Handlers by the name rules/lolbins.yaml gives them (powershell and cmd are read by the analyzer itself). */
export const HANDLERS: Record<string, ProgramHandler> = {
  rundll32,
  regsvr32,
  mshta,
  certutil,
  bitsadmin,
  curl,
  wmic,
  msiexec,
  schtasks,
  reg,
  start,
  'script-host': scriptHost,
};

/** A program run straight from a path (`C:\ProgramData\x.exe`, `%TEMP%\a.dll`): a run step of its own. */
export function directRun(call: ProgramCall, argv0: string, out: Collector): void {
  if (!/\.(exe|dll|scr|com|pif|bat|cmd|vbs|js|jse|hta|ps1|msi)$/i.test(argv0.replace(/"/g, ''))) return;
  out.file(argv0, 'executed-file');
  out.command(call.text);
  if (isStagingPath(argv0)) out.finding('cmdline.run.from-staging-folder', call.text);
  out.label(`runs ${argv0.replace(/"/g, '').split(/[\\/]/).pop()}`);
}
