// Cmdlets, aliases, script functions and external programs as the evaluator runs them. Execution cmdlets
// (Invoke-Expression, Invoke-Command, nested powershell) record new code layers; web cmdlets record
// downloads; Start-Process and external programs record run steps. Nothing is executed.

import type { Command, Expr } from './ast.ts';
import { loadRules } from '../../engine/rules.ts';
import { parsePowerShellLaunch } from '../cmdline/launcher.ts';
import { isRunKey, lolbins } from '../cmdline/payload.ts';
import type { Evaluator } from './evaluator.ts';
import { collapse, enumerate } from './evaluator.ts';
import { construct, constructCom, getMember, layerBlock, recordDownload } from './objects.ts';
import { decryptSecureString } from './securestring.ts';
import { PSObject, UNKNOWN, Unknown, isUnknown, toBytes, toList, toNum, toStr, type Value } from './values.ts';

interface PowerShellRules {
  aliases: Record<string, string>;
}

export interface BoundArg {
  param?: string;
  value?: Value;
  node?: Expr;
}

let aliasTable: Map<string, string> | undefined;
function builtinAliases(): Map<string, string> {
  aliasTable ??= new Map(Object.entries(loadRules<PowerShellRules>('powershell.yaml').aliases));
  return aliasTable;
}

/** The cmdlets Get-Command can find by wildcard, most-abused first (so `gcm *ke-e*` is Invoke-Expression). */
const KNOWN_COMMANDS = [
  'invoke-expression', 'new-object', 'invoke-webrequest', 'invoke-restmethod', 'start-process', 'invoke-command',
  'start-bitstransfer', 'set-variable', 'get-variable', 'set-alias', 'invoke-item', 'out-string', 'write-output',
  'foreach-object', 'where-object', 'set-content', 'add-type', 'get-command',
];

/** A command's canonical lower-case name from what the script wrote or computed. */
export function resolveCommandName(ev: Evaluator, value: Value): string {
  if (value instanceof PSObject && value.kind === 'commandinfo') return resolveCommandName(ev, String(value.data));
  let name = toStr(value).trim().replace(/^["']|["']$/g, '').toLowerCase();
  if (/[\\/]/.test(name)) name = name.split(/[\\/]/).pop() ?? name;
  const own = ev.aliases.get(name);
  if (own) return resolveCommandName(ev, own);
  const builtin = builtinAliases().get(name);
  if (builtin) return builtin;
  return name.replace(/^microsoft\.powershell\.(utility|management|core)\\/, '');
}

/** Named and positional arguments; a parameter takes the next value unless it is a known switch. */
function bind(args: BoundArg[], params: string[], switches: string[] = []): { named: Map<string, Value>; positional: Value[] } {
  const named = new Map<string, Value>();
  const positional: Value[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.param === undefined) {
      positional.push(a.value ?? null);
      continue;
    }
    const written = a.param;
    const name = [...params, ...switches].find((p) => p.startsWith(written)) ?? written;
    if (a.value !== undefined) named.set(name, a.value);
    else if (switches.includes(name)) named.set(name, true);
    else {
      const next = args[i + 1];
      if (next && next.param === undefined) {
        named.set(name, next.value ?? null);
        i++;
      } else named.set(name, true);
    }
  }
  return { named, positional };
}

function first(named: Map<string, Value>, positional: Value[], name: string, index: number): Value | undefined {
  return named.has(name) ? named.get(name) : positional[index];
}

/** Rebuilds a command line from evaluated arguments (for external programs and nested powershell). */
function commandLine(program: string, args: BoundArg[]): string | Unknown {
  const parts = [program];
  for (const a of args) {
    if (a.param !== undefined) parts.push(`-${a.param}`);
    if (a.value === undefined) continue;
    if (isUnknown(a.value)) return a.value;
    for (const v of Array.isArray(a.value) ? a.value : [a.value]) {
      if (isUnknown(v)) return v;
      const s = toStr(v);
      parts.push(/\s/.test(s) && !/^".*"$/s.test(s) ? `"${s}"` : s);
    }
  }
  return parts.join(' ');
}

export function callCommand(ev: Evaluator, name: string, args: BoundArg[], input: Value[] | undefined, cmd: Command): Value[] {
  const evidence = ev.evidence(cmd);
  const fn = ev.functions.get(name);
  if (fn) return ev.callFunction(fn, args, input);
  switch (name) {
    case 'invoke-expression': {
      const { named, positional } = bind(args, ['command']);
      const code = first(named, positional, 'command', 0);
      const items = code !== undefined ? [code] : (input ?? []);
      for (const item of items) execute(ev, item, 'Invoke-Expression', cmd);
      return [UNKNOWN];
    }
    case 'invoke-command': {
      const { named, positional } = bind(args, ['scriptblock', 'argumentlist', 'computername', 'filepath', 'session'], ['asjob', 'nonewscope']);
      const block = first(named, positional, 'scriptblock', 0);
      if (block === undefined) return [];
      if (block instanceof PSObject && block.kind === 'block') {
        if (block.get('layered')) return [UNKNOWN];
        return ev.invokeBlock(block, toList(named.get('argumentlist') ?? null), input);
      }
      execute(ev, block, 'Invoke-Command', cmd);
      return [UNKNOWN];
    }
    case 'invoke-webrequest':
    case 'invoke-restmethod': {
      const { named, positional } = bind(args, ['uri', 'outfile', 'method', 'headers', 'useragent', 'body', 'proxy', 'credential', 'timeoutsec', 'contenttype'], ['usebasicparsing', 'passthru', 'usedefaultcredentials']);
      const uri = first(named, positional, 'uri', 0);
      if (uri === undefined) return [UNKNOWN];
      recordDownload(ev, uri, named.get('outfile'), name === 'invoke-webrequest' ? 'Invoke-WebRequest' : 'Invoke-RestMethod', cmd);
      return [new Unknown(`download:${isUnknown(uri) ? '' : toStr(uri)}`)];
    }
    case 'start-bitstransfer': {
      const { named, positional } = bind(args, ['source', 'destination', 'displayname', 'description', 'priority', 'transfertype'], ['asynchronous']);
      const source = first(named, positional, 'source', 0);
      if (source !== undefined) recordDownload(ev, source, first(named, positional, 'destination', 1), 'Start-BitsTransfer', cmd);
      return [];
    }
    case 'new-object': {
      const { named, positional } = bind(args, ['typename', 'argumentlist', 'comobject', 'property'], ['strict']);
      const com = named.get('comobject');
      if (com !== undefined && !isUnknown(com)) return [constructCom(ev, toStr(com), cmd)];
      const type = first(named, positional, 'typename', 0);
      if (type === undefined || isUnknown(type)) return [UNKNOWN];
      const ctorArgs = first(named, positional, 'argumentlist', 1);
      const list = ctorArgs === undefined ? [] : Array.isArray(ctorArgs) ? ctorArgs : [ctorArgs];
      return [construct(ev, toStr(type), list, cmd)];
    }
    case 'start-process': {
      const { named, positional } = bind(args, ['filepath', 'argumentlist', 'windowstyle', 'verb', 'workingdirectory', 'credential'], ['wait', 'nonewwindow', 'passthru', 'loaduserprofile']);
      const file = first(named, positional, 'filepath', 0);
      if (file === undefined || isUnknown(file)) return [];
      const argList = first(named, positional, 'argumentlist', 1);
      const argText = argList === undefined || isUnknown(argList) ? '' : toList(argList).map((x) => toStr(x)).join(' ');
      const fileText = toStr(file);
      ev.effects.runs.push({ command: `${/\s/.test(fileText) ? `"${fileText}"` : fileText} ${argText}`.trim(), file: fileText, via: 'Start-Process', evidence });
      return [];
    }
    case 'invoke-item': {
      const { named, positional } = bind(args, ['path', 'literalpath']);
      const path = first(named, positional, 'path', 0) ?? named.get('literalpath');
      if (path !== undefined && !isUnknown(path)) ev.effects.runs.push({ file: toStr(path), command: toStr(path), via: 'Invoke-Item', evidence });
      return [];
    }
    case 'write-output': {
      const out: Value[] = [];
      for (const a of args) if (a.param === undefined && a.value !== undefined) out.push(...enumerate(a.value));
      return out.length ? out : (input ?? []);
    }
    case 'out-string': {
      const items = input ?? [];
      if (items.some(isUnknown)) return [UNKNOWN];
      return [items.map((x) => toStr(x)).join('\r\n') + (items.length ? '\r\n' : '')];
    }
    case 'out-file':
    case 'set-content':
    case 'add-content': {
      const { named, positional } = bind(args, ['filepath', 'path', 'value', 'encoding', 'literalpath'], ['force', 'nonewline']);
      const path = named.get('filepath') ?? named.get('path') ?? named.get('literalpath') ?? positional[0];
      if (path !== undefined && !isUnknown(path)) ev.effects.files.push({ path: toStr(path), via: name, evidence });
      return [];
    }
    case 'foreach-object': {
      const { named, positional } = bind(args, ['process', 'begin', 'end', 'membername']);
      const block = named.get('process') ?? positional[0];
      const items = input ?? [];
      if (items.some(isUnknown)) return [items.find(isUnknown)!];
      if (block instanceof PSObject && block.kind === 'block') return ev.forEachItem(block, items);
      if (block !== undefined && !isUnknown(block)) return items.map((item) => getMember(ev, item, toStr(block), cmd));
      return [UNKNOWN];
    }
    case 'where-object': {
      const block = args.find((a) => a.value instanceof PSObject && a.value.kind === 'block')?.value;
      const items = input ?? [];
      if (items.some(isUnknown)) return [items.find(isUnknown)!];
      return block instanceof PSObject ? ev.whereItems(block, items) : items;
    }
    case 'select-object': {
      const { named } = bind(args, ['first', 'last', 'skip', 'expandproperty', 'property', 'index'], ['unique']);
      let items = input ?? [];
      if (named.has('skip')) items = items.slice(toNum(named.get('skip')!));
      if (named.has('first')) items = items.slice(0, toNum(named.get('first')!));
      if (named.has('last')) items = items.slice(-toNum(named.get('last')!));
      const prop = named.get('expandproperty');
      if (prop !== undefined && !isUnknown(prop)) items = items.map((item) => getMember(ev, item, toStr(prop), cmd));
      return items;
    }
    case 'sort-object':
    case 'tee-object':
    case 'get-unique':
      return input ?? [];
    case 'set-alias':
    case 'new-alias': {
      const { named, positional } = bind(args, ['name', 'value', 'scope', 'option'], ['force']);
      const alias = first(named, positional, 'name', 0);
      const target = first(named, positional, 'value', 1);
      if (alias !== undefined && target !== undefined && !isUnknown(alias) && !isUnknown(target)) {
        ev.aliases.set(toStr(alias).toLowerCase(), toStr(target).toLowerCase());
        ev.effects.technique('powershell.obfuscation.alias', evidence);
      }
      return [];
    }
    case 'set-variable':
    case 'new-variable': {
      const { named, positional } = bind(args, ['name', 'value', 'scope', 'option', 'visibility'], ['force', 'passthru']);
      const varName = first(named, positional, 'name', 0);
      const value = first(named, positional, 'value', 1) ?? (input ? collapse(input) : null);
      if (varName !== undefined && !isUnknown(varName)) ev.setVar(toStr(varName).toLowerCase(), value);
      return [];
    }
    case 'get-variable': {
      const { named, positional } = bind(args, ['name', 'scope'], ['valueonly']);
      const varName = first(named, positional, 'name', 0);
      if (varName === undefined || isUnknown(varName)) return [UNKNOWN];
      return [variableObject(ev, toStr(varName), named.has('valueonly'))];
    }
    case 'get-item':
    case 'get-childitem': {
      const { named, positional } = bind(args, ['path', 'literalpath', 'filter'], ['force', 'recurse']);
      const path = first(named, positional, 'path', 0);
      if (path === undefined || isUnknown(path)) return [UNKNOWN];
      const m = /^(variable|env):[\\/]?(.*)$/i.exec(toStr(path));
      if (!m) return [UNKNOWN];
      if (m[1]!.toLowerCase() === 'env') {
        const item = new PSObject('variable');
        item.set('name', m[2]!);
        item.set('value', ev.env[m[2]!.toLowerCase()] ?? null);
        return [item];
      }
      return [variableObject(ev, m[2]!, false)];
    }
    case 'get-command': {
      const { named, positional } = bind(args, ['name', 'commandtype', 'module']);
      const pattern = first(named, positional, 'name', 0);
      if (pattern === undefined || isUnknown(pattern)) return [UNKNOWN];
      const re = new RegExp(`^${toStr(pattern).toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      const found = [...builtinAliases().keys(), ...KNOWN_COMMANDS].find((c) => re.test(c));
      if (!found) return [UNKNOWN];
      if (/[*?]/.test(toStr(pattern))) ev.effects.technique('powershell.obfuscation.computed-command', `${evidence} → ${resolveCommandName(ev, found)}`);
      return [new PSObject('commandinfo', found)];
    }
    case 'get-random': {
      const { named } = bind(args, ['minimum', 'maximum', 'count', 'inputobject', 'setseed']);
      const min = named.get('minimum');
      return [min === undefined ? 0 : toNum(min)];
    }
    case 'test-path':
      return [false];
    case 'new-item': {
      const { named, positional } = bind(args, ['path', 'name', 'itemtype', 'value'], ['force']);
      const path = first(named, positional, 'path', 0);
      return path === undefined ? [] : [path];
    }
    case 'get-location':
      return ['C:\\Users\\user'];
    case 'convertto-securestring': {
      const { named, positional } = bind(args, ['string', 'key', 'securekey'], ['asplaintext', 'force']);
      const text = first(named, positional, 'string', 0) ?? (input ? collapse(input) : undefined);
      if (text === undefined || isUnknown(text)) return [UNKNOWN];
      if (named.has('asplaintext')) return [new PSObject('securestring', toStr(text))];
      const key = named.get('key') ?? named.get('securekey');
      const keyBytes = key === undefined || isUnknown(key) ? undefined : toBytes(key);
      if (!keyBytes) return [new PSObject('securestring', undefined)];
      const plain = decryptSecureString(toStr(text), keyBytes);
      ev.effects.technique('powershell.obfuscation.securestring', evidence);
      return [new PSObject('securestring', plain)];
    }
    case 'set-mppreference':
    case 'add-mppreference':
      if (args.some((a) => a.param && /^(disable|exclusion|submitsamplesconsent|mapsreporting)/.test(a.param))) ev.effects.technique('powershell.defense.defender', evidence);
      return [];
    case 'set-itemproperty':
    case 'new-itemproperty': {
      const { named, positional } = bind(args, ['path', 'name', 'value', 'propertytype', 'type'], ['force']);
      const path = first(named, positional, 'path', 0);
      if (path !== undefined && !isUnknown(path) && isRunKey(toStr(path))) ev.effects.technique('powershell.persistence.run-key', evidence);
      if (path !== undefined && !isUnknown(path) && /windows defender/i.test(toStr(path))) ev.effects.technique('powershell.defense.defender', evidence);
      return [];
    }
    case 'register-scheduledtask':
      ev.effects.technique('powershell.persistence.scheduled-task', evidence);
      return [];
    case 'new-scheduledtaskaction': {
      const { named, positional } = bind(args, ['execute', 'argument', 'workingdirectory', 'id']);
      const exe = first(named, positional, 'execute', 0);
      const arg = first(named, positional, 'argument', 1);
      ev.effects.technique('powershell.persistence.scheduled-task', evidence);
      if (exe !== undefined && !isUnknown(exe)) ev.effects.runs.push({ command: `${toStr(exe)} ${arg === undefined || isUnknown(arg) ? '' : toStr(arg)}`.trim(), via: 'scheduled task action', evidence });
      return [new PSObject('object')];
    }
    case 'invoke-wmimethod':
    case 'invoke-cimmethod': {
      const { named } = bind(args, ['class', 'name', 'argumentlist', 'methodname', 'arguments', 'computername']);
      const method = named.get('name') ?? named.get('methodname');
      const argList = named.get('argumentlist') ?? named.get('arguments');
      if (method !== undefined && /create/i.test(toStr(method)) && argList !== undefined && !isUnknown(argList)) {
        const commandText = argList instanceof PSObject ? argList.get('commandline') : toList(argList)[0];
        if (commandText !== undefined && !isUnknown(commandText)) ev.effects.runs.push({ command: toStr(commandText), via: 'WMI Win32_Process.Create', evidence });
      }
      return [UNKNOWN];
    }
    case 'add-type':
      ev.effects.technique('powershell.exec.add-type', evidence);
      return [new PSObject('type', 'compiled')];
    case 'write-host':
    case 'out-null':
    case 'out-host':
    case 'start-sleep':
    case 'clear-host':
    case 'set-location':
    case 'import-module':
    case 'remove-item':
    case 'stop-process':
    case 'copy-item':
    case 'move-item':
    case 'set-strictmode':
    case 'remove-variable':
    case 'clear-variable':
      return [];
    default:
      return external(ev, name, args, cmd);
  }
}

/**
 * Get-Variable / variable: lookups. A wildcard (`gv '*mdr*'`) resolves to the first matching variable, the
 * way Invoke-Obfuscation rebuilds iex from (gv '*mdr*').Name[3,11,2] (MaximumDriveCount).
 */
function variableObject(ev: Evaluator, name: string, valueOnly: boolean): Value {
  let resolved = name.toLowerCase();
  if (/[*?]/.test(resolved)) {
    const re = new RegExp(`^${resolved.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    const names = ev.scopes.flatMap((scope) => [...scope.keys()]);
    const found = names.find((n) => re.test(n));
    if (found === undefined) return null;
    resolved = found;
    ev.effects.technique('powershell.obfuscation.computed-command', `variable lookup ${name} → ${found}`);
  }
  const value = ev.getVar(resolved);
  if (valueOnly) return value;
  const v = new PSObject('variable');
  v.set('name', resolved);
  v.set('value', value);
  return v;
}

/** Invoke-Expression and friends: a known string is a new layer; unknown text is recorded as opaque code. */
function execute(ev: Evaluator, code: Value, via: string, cmd: Command): void {
  if (code instanceof PSObject && code.kind === 'block') {
    if (!code.get('layered')) ev.invokeBlock(code, [], undefined);
    return;
  }
  if (isUnknown(code)) {
    ev.effects.opaqueExecutions.push({ from: code.from, via, evidence: ev.evidence(cmd) });
    return;
  }
  const text = Array.isArray(code) ? code.map((x) => toStr(x)).join('') : toStr(code);
  if (text.trim()) layerBlock(ev, text, via, cmd);
}

/** Programs outside PowerShell: a nested powershell is a layer; anything else is a run step. */
function external(ev: Evaluator, name: string, args: BoundArg[], cmd: Command): Value[] {
  const program = name.replace(/\.(exe|com)$/, '');
  const line = commandLine(name, args);
  if (program === 'powershell' || program === 'pwsh') {
    if (line instanceof Unknown) {
      ev.effects.opaqueExecutions.push({ from: line.from, via: 'powershell', evidence: ev.evidence(cmd) });
      return [UNKNOWN];
    }
    const launch = parsePowerShellLaunch(line.slice(name.length).trim());
    if (launch.script) {
      const via = launch.via === 'encoded' ? 'powershell -EncodedCommand' : `powershell -${launch.via}`;
      ev.effects.technique('powershell.exec.nested-powershell', ev.evidence(cmd));
      layerBlock(ev, launch.script, via, cmd);
    }
    return [UNKNOWN];
  }
  const known = lolbins().programs[program] !== undefined || /\.(exe|com|bat|cmd|dll|vbs|js|hta|msi)$/i.test(name);
  if (!known) return [UNKNOWN];
  if (line instanceof Unknown) {
    ev.effects.runs.push({ file: name, via: 'external program', evidence: ev.evidence(cmd) });
    return [UNKNOWN];
  }
  ev.effects.runs.push({ command: line, via: 'external program', evidence: ev.evidence(cmd) });
  return [UNKNOWN];
}

