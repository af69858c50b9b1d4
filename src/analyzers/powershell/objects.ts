// The .NET surface droppers touch: type literals and casts, static methods ([Convert], [Text.Encoding],
// [ScriptBlock], [Regex], [IO.Path], …), constructors (Net.WebClient, MemoryStream, DeflateStream,
// StreamReader) and the instance methods of strings, arrays and those objects. Network, file and process
// calls are recorded as effects; nothing is ever performed.

import { expandVariables } from '../cmdline/cmd.ts';
import { normaliseUrl } from '../cmdline/payload.ts';
import type { Evaluator } from './evaluator.ts';
import { safeRegex } from './evaluator.ts';
import { formatString, isShuffledFormat } from './format.ts';
import { inflateCapped } from './inflate.ts';
import { parseScript } from './parser.ts';
import {
  PSObject,
  UNKNOWN,
  Unknown,
  charsToString,
  isList,
  isUnknown,
  looseEquals,
  toBool,
  toBytes,
  toList,
  toNum,
  toStr,
  unknownIn,
  type BlockData,
  type Value,
} from './values.ts';

type Span = { start: number; end: number };

/** `System.Text.Encoding` → `text.encoding`; accelerators and namespaces folded to one short name. */
export function normalizeType(name: string): string {
  let t = name.toLowerCase().replace(/\s+/g, '');
  t = t.replace(/^system\./, '');
  t = t.replace(/^(management\.automation\.|text\.regularexpressions\.|runtime\.interopservices\.|collections\.(generic\.)?)/, '');
  const ALIASES: Record<string, string> = {
    int: 'int32', long: 'int64', short: 'int16', float: 'single', bool: 'boolean', psobject: 'object', pscustomobject: 'object',
    'net.httpwebrequest': 'net.webrequest', 'io.compression.gzipstream': 'gzipstream', 'io.compression.deflatestream': 'deflatestream',
    'text.utf8encoding': 'encoding.utf8', 'text.asciiencoding': 'encoding.ascii', 'text.unicodeencoding': 'encoding.unicode',
    'diagnostics.processstartinfo': 'processstartinfo', 'diagnostics.process': 'process', 'io.memorystream': 'memorystream',
    'io.streamreader': 'streamreader', 'net.webclient': 'webclient', arraylist: 'arraylist', 'list[string]': 'arraylist',
    'list[object]': 'arraylist', 'list[byte]': 'arraylist', 'list[char]': 'arraylist', 'net.sockets.tcpclient': 'tcpclient',
    'reflection.assembly': 'assembly', 'security.securestring': 'securestring',
  };
  return ALIASES[t] ?? t;
}

export function typeObject(name: string): PSObject {
  return new PSObject('type', normalizeType(name));
}

function encoding(name: string): PSObject {
  return new PSObject('encoding', name);
}

/** Bytes to text as a .NET Encoding does it. */
export function decodeBytes(bytes: Uint8Array, enc: string): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  switch (enc) {
    case 'unicode':
      return buf.subarray(0, buf.length - (buf.length % 2)).toString('utf16le');
    case 'bigendianunicode': {
      const swapped = Buffer.from(buf.subarray(0, buf.length - (buf.length % 2)));
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case 'ascii':
      return Array.from(buf, (b) => (b < 0x80 ? String.fromCharCode(b) : '?')).join('');
    case 'default':
    case 'latin1':
      return buf.toString('latin1');
    case 'utf32': {
      let s = '';
      for (let i = 0; i + 3 < buf.length; i += 4) s += String.fromCodePoint(Math.min(buf.readUInt32LE(i), 0x10ffff));
      return s;
    }
    default:
      return new TextDecoder('utf-8').decode(bytes);
  }
}

function encodeText(text: string, enc: string): Uint8Array {
  switch (enc) {
    case 'unicode':
      return new Uint8Array(Buffer.from(text, 'utf16le'));
    case 'ascii':
      return new Uint8Array(Array.from(text, (c) => (c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : 0x3f)));
    case 'default':
    case 'latin1':
      return new Uint8Array(Buffer.from(text, 'latin1'));
    default:
      return new TextEncoder().encode(text);
  }
}

const ENCODING_NAMES: Record<string, string> = {
  utf8: 'utf8', 'utf-8': 'utf8', '65001': 'utf8', unicode: 'unicode', 'utf-16': 'unicode', '1200': 'unicode', ascii: 'ascii',
  'us-ascii': 'ascii', '20127': 'ascii', default: 'default', '1252': 'default', 'windows-1252': 'default', 'iso-8859-1': 'latin1',
  '28591': 'latin1', bigendianunicode: 'bigendianunicode', '1201': 'bigendianunicode', utf32: 'utf32', 'utf-32': 'utf32', utf7: 'utf8',
};

/** A block built from text: an execution layer of its own (its evaluation happens in the child artifact). */
export function layerBlock(ev: Evaluator, text: string, via: string, node: Span): PSObject {
  ev.effects.layers.push({ text, via, evidence: ev.evidence(node) });
  const parsed = parseScript(text.slice(0, ev.options.maxBytes));
  const block: BlockData = { node: { t: 'block', body: parsed.body, params: [], text, start: 0, end: 0 }, fromText: text };
  const obj = new PSObject('block', block);
  obj.set('layered', true);
  return obj;
}

// ---- casts ----

export function castTo(ev: Evaluator, type: string, v: Value, node: Span): Value {
  const t = normalizeType(type);
  if (isUnknown(v)) return v;
  switch (t) {
    case 'string':
      return isList(v) ? toList(v).map((x) => toStr(x)).join(toStr(ev.getVar('ofs') ?? ' ')) : toStr(v);
    case 'char': {
      ev.effects.technique('powershell.obfuscation.char-codes', ev.evidence(node));
      return toChar(v);
    }
    case 'char[]':
      ev.effects.technique('powershell.obfuscation.char-codes', ev.evidence(node));
      return typeof v === 'string' ? Array.from(v) : toList(v).map(toChar);
    case 'int32':
    case 'int64':
    case 'int16':
    case 'uint32':
    case 'uint64':
    case 'uint16':
    case 'double':
    case 'decimal':
    case 'single':
    case 'intptr':
    case 'byte':
    case 'sbyte': {
      const n = typeof v === 'string' && v.length === 1 && Number.isNaN(toNum(v)) ? v.charCodeAt(0) : toNum(v);
      if (Number.isNaN(n)) return UNKNOWN;
      const whole = t === 'double' || t === 'decimal' || t === 'single' ? n : Math.round(n);
      return t === 'byte' ? whole & 0xff : whole;
    }
    case 'byte[]':
      return toBytes(v) ?? UNKNOWN;
    case 'int32[]':
    case 'int[]':
    case 'int64[]':
      return toList(v).map((x) => toNum(x));
    case 'string[]':
      return toList(v).map((x) => toStr(x));
    case 'object[]':
    case 'array':
      return [...toList(v)];
    case 'arraylist':
      return [...toList(v)];
    case 'memorystream':
      // [IO.MemoryStream][Convert]::FromBase64String(…): the cast builds the stream over the bytes.
      return v instanceof PSObject ? v : construct(ev, 'memorystream', [v], node);
    case 'boolean':
      return toBool(v);
    case 'scriptblock':
      return typeof v === 'string' ? layerBlock(ev, v, '[ScriptBlock] cast', node) : v;
    case 'type':
      return typeObject(toStr(v));
    case 'void':
      return null;
    default:
      return v;
  }
}

function toChar(v: Value): Value {
  if (typeof v === 'string') return v.length === 1 ? v : Number.isNaN(toNum(v)) ? v : String.fromCharCode(toNum(v));
  const n = toNum(v);
  return Number.isFinite(n) ? String.fromCharCode(n & 0xffff) : UNKNOWN;
}

// ---- members ----

const ENUM_TYPE = /(mode|type|options|flags|style|kind|level|action|protocoltype|access|share|attributes)$/;

export function staticMember(ev: Evaluator, typeVal: Value, name: string, node: Span): Value {
  void node;
  if (!(typeVal instanceof PSObject) || typeVal.kind !== 'type') return UNKNOWN;
  const t = String(typeVal.data);
  const n = name.toLowerCase();
  if (t === 'text.encoding' && ENCODING_NAMES[n]) return encoding(ENCODING_NAMES[n]!);
  switch (`${t}::${n}`) {
    case 'environment::newline':
      return '\r\n';
    case 'environment::username':
      return ev.env.username ?? 'user';
    case 'environment::systemdirectory':
      return 'C:\\Windows\\system32';
    case 'environment::currentdirectory':
      return 'C:\\Users\\user';
    case 'environment::is64bitoperatingsystem':
    case 'environment::is64bitprocess':
      return true;
    case 'intptr::size':
      return 8;
    case 'string::empty':
      return '';
    case 'io.path::directoryseparatorchar':
      return '\\';
  }
  if (ENUM_TYPE.test(t)) return name;
  return new PSObject('object');
}

export function getMember(ev: Evaluator, obj: Value, name: string, node: Span): Value {
  const n = name.toLowerCase();
  if (isUnknown(obj)) return obj;
  if (typeof obj === 'string') {
    if (n === 'length') return obj.length;
    return UNKNOWN;
  }
  if (Array.isArray(obj) || obj instanceof Uint8Array) {
    if (n === 'length' || n === 'count' || n === 'longlength') return obj.length;
    // Member enumeration: ($matches).Value on every item. Each item is a step: $b.Lengthh on a 64 KiB buffer
    // inside a loop took 65,536 unbudgeted lookups per iteration and never ended (found by fuzzing).
    return toList(obj).slice(0, 100_000).map((x) => {
      ev.step();
      return getMember(ev, x, name, node);
    });
  }
  if (obj instanceof PSObject) {
    if (obj.kind === 'type') return staticMember(ev, obj, name, node);
    const own = obj.get(n);
    if (own !== undefined) return own;
    if (obj.kind === 'hashtable') {
      if (n === 'count') return obj.props.size;
      if (n === 'keys') return [...obj.props.keys()];
      if (n === 'values') return [...obj.props.values()];
      return null;
    }
    if (obj.kind === 'executioncontext' && n === 'invokecommand') return new PSObject('invokecommand');
    if (obj.kind === 'commandinfo' && n === 'name') return String(obj.data);
    if (obj.kind === 'webclient' && /^(download|upload|open)/.test(n)) return new PSObject('method', { target: obj, name: n });
    if (obj.kind === 'memorystream' && n === 'length') return (obj.data as Uint8Array | undefined)?.length ?? 0;
    const child = new PSObject('object');
    obj.set(n, child);
    return child;
  }
  return UNKNOWN;
}

export function setMember(ev: Evaluator, obj: Value, name: string, value: Value): void {
  void ev;
  if (obj instanceof PSObject && obj.kind !== 'type') obj.set(name, value);
}

// ---- downloads and runs ----

export function recordDownload(ev: Evaluator, urlValue: Value, pathValue: Value | undefined, via: string, node: Span): void {
  if (isUnknown(urlValue)) {
    ev.effects.technique('powershell.download.unresolved', `${via}: ${ev.evidence(node)}`);
    return;
  }
  for (const u of toList(urlValue)) {
    const url = toStr(u).trim();
    if (!url) continue;
    const path = pathValue === undefined || isUnknown(pathValue) ? undefined : toStr(pathValue);
    if (ev.effects.downloads.some((d) => d.url === url && d.path === path)) continue;
    if (ev.effects.downloads.length >= 1000) return;
    ev.effects.downloads.push({ url, path, via, evidence: ev.evidence(node) });
  }
}

function recordRun(ev: Evaluator, command: string | undefined, file: string | undefined, via: string, node: Span): void {
  ev.effects.runs.push({ command, file, via, evidence: ev.evidence(node) });
}

// ---- constructors ----

export function construct(ev: Evaluator, typeName: string, args: Value[], node: Span): Value {
  const t = normalizeType(typeName);
  switch (t) {
    case 'webclient':
      return new PSObject('webclient');
    case 'memorystream': {
      const first = args.length === 1 && Array.isArray(args[0]) && args[0].length === 1 ? args[0][0]! : args[0];
      const bytes = first === undefined ? new Uint8Array(0) : toBytes(first);
      return bytes ? new PSObject('memorystream', bytes) : UNKNOWN;
    }
    case 'deflatestream':
    case 'gzipstream':
      return new PSObject('compressed', { inner: args[0] ?? null, gzip: t === 'gzipstream' });
    case 'streamreader': {
      const enc = args[1] instanceof PSObject && args[1].kind === 'encoding' ? String(args[1].data) : 'utf8';
      return new PSObject('reader', { source: args[0] ?? null, encoding: enc });
    }
    case 'encoding.utf8':
      return encoding('utf8');
    case 'encoding.ascii':
      return encoding('ascii');
    case 'encoding.unicode':
      return encoding('unicode');
    case 'processstartinfo': {
      const psi = new PSObject('processstartinfo');
      if (args[0] !== undefined) psi.set('filename', args[0]);
      if (args[1] !== undefined) psi.set('arguments', args[1]);
      return psi;
    }
    case 'tcpclient':
    case 'net.sockets.tcpclient': {
      if (args.length >= 2 && !unknownIn(args[0]!, args[1]!)) {
        ev.effects.connections.push({ host: toStr(args[0]!), port: toNum(args[1]!), evidence: ev.evidence(node) });
      }
      return new PSObject('tcpclient');
    }
    case 'net.http.httpclient':
      return new PSObject('httpclient');
    case 'uri':
      return args[0] === undefined ? UNKNOWN : toStr(args[0]);
    case 'string':
      return args[0] === undefined ? '' : typeof args[0] === 'string' && typeof args[1] === 'number' ? args[0].repeat(Math.min(args[1], ev.options.maxBytes)) : charsToString(args[0]);
    case 'arraylist':
      return [];
    case 'hashtable':
      return new PSObject('hashtable');
    case 'object':
      return new PSObject('object');
    default:
      return new PSObject(t);
  }
}

/** New-Object -ComObject: the COM objects droppers use to run, fetch and persist. */
export function constructCom(ev: Evaluator, progId: string, node: Span): Value {
  const id = progId.toLowerCase();
  if (id === 'schedule.service') ev.effects.technique('powershell.persistence.scheduled-task', ev.evidence(node));
  return new PSObject(`com:${id}`);
}

// ---- static methods ----

function staticCall(ev: Evaluator, t: string, n: string, args: Value[], node: Span): Value {
  const a0 = args[0] ?? null;
  const a1 = args[1] ?? null;
  if (n === 'new') return construct(ev, t, args, node);
  switch (`${t}::${n}`) {
    case 'convert::frombase64string':
    case 'convert::frombase64chararray': {
      if (isUnknown(a0)) return a0;
      ev.effects.technique('powershell.obfuscation.base64', ev.evidence(node));
      const text = typeof a0 === 'string' ? a0 : charsToString(a0);
      const clean = text.replace(/\s/g, '');
      if (/[^A-Za-z0-9+/=]/.test(clean)) ev.fail('invalid base64');
      const bytes = new Uint8Array(Buffer.from(clean.slice(0, Math.ceil(ev.options.maxBytes / 3) * 4), 'base64'));
      ev.steps += bytes.length >> 6;
      return bytes;
    }
    case 'convert::tobase64string': {
      const bytes = toBytes(a0);
      return bytes ? Buffer.from(bytes).toString('base64') : UNKNOWN;
    }
    case 'convert::fromhexstring': {
      if (isUnknown(a0)) return a0;
      return new Uint8Array(Buffer.from(toStr(a0), 'hex'));
    }
    case 'convert::toint32':
    case 'convert::toint16':
    case 'convert::toint64':
    case 'convert::tobyte':
    case 'convert::touint32':
    case 'convert::tosbyte': {
      if (unknownIn(a0, a1)) return UNKNOWN;
      const n2 = args.length > 1 ? parseInt(toStr(a0), toNum(a1)) : toNum(a0);
      return Number.isNaN(n2) ? UNKNOWN : n2;
    }
    case 'convert::tochar':
      return isUnknown(a0) ? a0 : String.fromCharCode(toNum(a0));
    case 'convert::tostring':
      return isUnknown(a0) ? a0 : args.length > 1 && typeof a1 === 'number' ? toNum(a0).toString(a1) : toStr(a0);
    case 'text.encoding::getencoding':
      return encoding(ENCODING_NAMES[toStr(a0).toLowerCase()] ?? 'utf8');
    case 'string::join': {
      const list = args.length === 2 ? toList(a1) : args.slice(1);
      const u = unknownIn(a0, ...list);
      if (u) return u;
      return ev.capString(list.map((x) => toStr(x)).join(toStr(a0)));
    }
    case 'string::concat': {
      const list = args.length === 1 ? toList(a0) : args;
      const u = unknownIn(...list);
      return u ?? ev.capString(list.map((x) => toStr(x)).join(''));
    }
    case 'string::format': {
      const rest = args.length === 2 && Array.isArray(a1) ? a1 : args.slice(1);
      const u = unknownIn(a0, ...rest);
      if (u) return u;
      if (isShuffledFormat(toStr(a0), rest.length)) ev.effects.technique('powershell.obfuscation.format-operator', ev.evidence(node));
      return ev.capString(formatString(toStr(a0), rest));
    }
    case 'string::isnullorempty':
      return isUnknown(a0) ? a0 : toStr(a0) === '';
    case 'char::convertfromutf32':
      return isUnknown(a0) ? a0 : String.fromCodePoint(Math.min(Math.max(0, toNum(a0)), 0x10ffff));
    case 'char::tostring':
      return isUnknown(a0) ? a0 : toStr(toChar(a0));
    case 'array::reverse': {
      ev.effects.technique('powershell.obfuscation.reversal', ev.evidence(node));
      if (Array.isArray(a0) || a0 instanceof Uint8Array) a0.reverse();
      return null;
    }
    case 'regex::matches': {
      const u = unknownIn(a0, a1);
      if (u) return u;
      const rtl = /righttoleft/i.test(toStr(args[2] ?? ''));
      const re = safeRegex(toStr(a1), /ignorecase/i.test(toStr(args[2] ?? '')) ? 'gi' : 'g');
      if (!re) return UNKNOWN;
      const matches = Array.from(toStr(a0).matchAll(re), (m) => {
        const o = new PSObject('match');
        o.set('value', m[0]);
        o.set('index', m.index ?? 0);
        return o as Value;
      });
      ev.steps += matches.length >> 4;
      if (rtl) {
        ev.effects.technique('powershell.obfuscation.reversal', ev.evidence(node));
        matches.reverse();
      }
      return matches;
    }
    case 'regex::replace': {
      const u = unknownIn(a0, a1, args[2] ?? null);
      if (u) return u;
      const re = safeRegex(toStr(a1), /ignorecase/i.test(toStr(args[3] ?? '')) ? 'gi' : 'g');
      return re ? ev.capString(toStr(a0).replace(re, toStr(args[2] ?? '').replace(/\$0/g, '$$&'))) : UNKNOWN;
    }
    case 'regex::split': {
      const u = unknownIn(a0, a1);
      if (u) return u;
      const re = safeRegex(toStr(a1), 'g');
      return re ? toStr(a0).split(re) : UNKNOWN;
    }
    case 'regex::escape':
      return isUnknown(a0) ? a0 : toStr(a0).replace(/[.*+?^${}()|[\]\\#\s]/g, '\\$&');
    case 'regex::unescape':
      return isUnknown(a0) ? a0 : toStr(a0).replace(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|.)/gi, (_, e: string) => (e.length > 1 ? String.fromCharCode(parseInt(e.slice(1), 16)) : e));
    case 'scriptblock::create':
      return isUnknown(a0) ? opaque(ev, a0, '[ScriptBlock]::Create', node) : layerBlock(ev, toStr(a0), '[ScriptBlock]::Create', node);
    case 'io.path::gettemppath':
      return `${ev.env.temp}\\`;
    case 'io.path::gettempfilename':
      return `${ev.env.temp}\\tmp5A1F.tmp`;
    case 'io.path::getrandomfilename':
      return 'k3x9q2ab.tmp';
    case 'io.path::combine': {
      const parts = args.flatMap((x) => toList(x));
      const u = unknownIn(...parts);
      return u ?? parts.map((p) => toStr(p)).reduce((acc, p) => (acc && !/^[a-z]:|^\\/i.test(p) ? `${acc.replace(/\\$/, '')}\\${p}` : p), '');
    }
    case 'io.path::getfilename':
      return isUnknown(a0) ? a0 : (toStr(a0).split(/[\\/]/).pop() ?? '');
    case 'environment::getfolderpath':
      return specialFolder(ev, toStr(a0));
    case 'environment::expandenvironmentvariables':
      return isUnknown(a0) ? a0 : expandVariables(toStr(a0), ev.env);
    case 'environment::getenvironmentvariable':
      return isUnknown(a0) ? a0 : (ev.env[toStr(a0).toLowerCase()] ?? null);
    case 'io.file::writeallbytes':
    case 'io.file::writealltext':
    case 'io.file::appendalltext':
    case 'io.file::writealllines':
      if (!isUnknown(a0)) ev.effects.files.push({ path: toStr(a0), via: `[IO.File]::${n}`, evidence: ev.evidence(node) });
      return null;
    case 'io.file::exists':
    case 'io.directory::exists':
      return false;
    case 'assembly::load':
    case 'assembly::loadfile':
    case 'assembly::loadfrom':
      ev.effects.technique('powershell.inject.reflective-load', ev.evidence(node));
      return new PSObject('assembly');
    case 'marshal::securestringtobstr':
    case 'marshal::securestringtoglobalallocunicode':
    case 'marshal::securestringtocotaskmemunicode':
      return a0;
    case 'marshal::ptrtostringauto':
    case 'marshal::ptrtostringbstr':
    case 'marshal::ptrtostringuni':
    case 'marshal::ptrtostringansi':
      if (a0 instanceof PSObject && a0.kind === 'securestring') return typeof a0.data === 'string' ? a0.data : UNKNOWN;
      return UNKNOWN;
    case 'net.webrequest::create':
    case 'net.webrequest::createhttp':
      recordDownload(ev, a0, undefined, '[Net.WebRequest]::Create', node);
      return new PSObject('webrequest');
    case 'process::start': {
      if (a0 instanceof PSObject && a0.kind === 'processstartinfo') {
        const file = a0.get('filename');
        const argsText = a0.get('arguments');
        if (file !== undefined && !isUnknown(file)) recordRun(ev, `${quoteIfSpaced(toStr(file))} ${argsText === undefined || isUnknown(argsText) ? '' : toStr(argsText)}`.trim(), undefined, '[Diagnostics.Process]::Start', node);
      } else if (!isUnknown(a0)) recordRun(ev, `${quoteIfSpaced(toStr(a0))} ${args[1] === undefined || isUnknown(a1) ? '' : toStr(a1)}`.trim(), undefined, '[Diagnostics.Process]::Start', node);
      return new PSObject('process');
    }
    case 'activator::createinstance':
      return a0 instanceof PSObject && a0.kind === 'type' ? construct(ev, String(a0.data), args.slice(1), node) : UNKNOWN;
    case 'math::floor':
      return Math.floor(toNum(a0));
    case 'math::abs':
      return Math.abs(toNum(a0));
    case 'math::pow':
      return toNum(a0) ** toNum(a1);
    case 'math::min':
      return Math.min(toNum(a0), toNum(a1));
    case 'math::max':
      return Math.max(toNum(a0), toNum(a1));
    case 'math::round':
      return Math.round(toNum(a0));
    default:
      return UNKNOWN;
  }
}

function quoteIfSpaced(s: string): string {
  return /\s/.test(s) && !/^".*"$/.test(s) ? `"${s}"` : s;
}

function specialFolder(ev: Evaluator, name: string): string {
  const n = name.toLowerCase();
  const map: Record<string, string | undefined> = {
    applicationdata: ev.env.appdata,
    localapplicationdata: ev.env.localappdata,
    commonapplicationdata: ev.env.programdata,
    userprofile: ev.env.userprofile,
    mydocuments: `${ev.env.userprofile}\\Documents`,
    personal: `${ev.env.userprofile}\\Documents`,
    desktop: `${ev.env.userprofile}\\Desktop`,
    startup: `${ev.env.appdata}\\Microsoft\\Windows\\Start Menu\\Programs\\Startup`,
    windows: 'C:\\Windows',
    system: 'C:\\Windows\\system32',
    programfiles: 'C:\\Program Files',
  };
  return map[n] ?? `${ev.env.userprofile}\\${name}`;
}

function opaque(ev: Evaluator, u: Unknown, via: string, node: Span): Value {
  ev.effects.opaqueExecutions.push({ from: u.from, via, evidence: ev.evidence(node) });
  return u;
}

// ---- instance methods ----

export function callMethod(ev: Evaluator, obj: Value, name: string, args: Value[], node: Span): Value {
  const n = name.toLowerCase();
  if (obj instanceof PSObject && obj.kind === 'type') return staticCall(ev, String(obj.data), n, args, node);
  if (obj instanceof PSObject && obj.kind === 'method' && n === 'invoke') {
    const m = obj.data as { target: Value; name: string };
    return callMethod(ev, m.target, m.name, args, node);
  }
  if (isUnknown(obj)) return obj;
  if (n === 'gettype') return typeObject(typeof obj === 'string' ? 'string' : 'object');
  if (typeof obj === 'string') return stringMethod(ev, obj, n, args, node);
  if (Array.isArray(obj) || obj instanceof Uint8Array) return listMethod(ev, obj, n, args, node);
  if (typeof obj === 'number') {
    if (n === 'tostring') {
      const spec = args[0];
      return spec === undefined ? toStr(obj) : formatString(`{0:${toStr(spec)}}`, [obj]);
    }
    return UNKNOWN;
  }
  if (!(obj instanceof PSObject)) return n === 'tostring' ? toStr(obj) : UNKNOWN;
  return objectMethod(ev, obj, n, args, node);
}

function stringMethod(ev: Evaluator, s: string, n: string, args: Value[], node: Span): Value {
  const u = unknownIn(...args);
  if (u) return u;
  const a = args.map((x) => (x === null ? '' : x));
  const str = (i: number) => toStr(a[i] ?? '');
  const num = (i: number) => toNum(a[i] ?? 0);
  switch (n) {
    case 'replace': {
      if (a.length < 2) return s;
      const from = str(0);
      if (!from) return s;
      ev.effects.technique('powershell.obfuscation.replace', ev.evidence(node));
      return ev.capString(s.split(from).join(str(1)));
    }
    case 'split': {
      // Windows PowerShell 5.1 (.NET Framework) splits on any of the characters given.
      const seps = a.length === 0 ? [' '] : a.flatMap((x) => (typeof x === 'number' ? [] : Array.isArray(x) ? x.map((y) => toStr(y)) : Array.from(toStr(x))));
      if (seps.length === 0) return [s];
      const re = new RegExp(`[${seps.map((c) => c.replace(/[\]\\^-]/g, '\\$&')).join('')}]`);
      const parts = s.split(re);
      const removeEmpty = a.some((x) => /removeemptyentries/i.test(toStr(x)) || x === 1);
      noteUrlList(ev, parts);
      return removeEmpty ? parts.filter((p) => p !== '') : parts;
    }
    case 'substring': {
      const start = num(0);
      if (start < 0 || start > s.length) ev.fail('Substring index out of range');
      return a.length > 1 ? s.substr(start, num(1)) : s.slice(start);
    }
    case 'tolower':
    case 'tolowerinvariant':
      return s.toLowerCase();
    case 'toupper':
    case 'toupperinvariant':
      return s.toUpperCase();
    case 'trim':
    case 'trimstart':
    case 'trimend': {
      const chars = a.length ? a.map((x) => toStr(x)).join('') : ' \t\r\n\u00a0';
      const set = new Set(Array.from(chars));
      let i = 0;
      let j = s.length;
      if (n !== 'trimend') while (i < j && set.has(s[i]!)) i++;
      if (n !== 'trimstart') while (j > i && set.has(s[j - 1]!)) j--;
      return s.slice(i, j);
    }
    case 'tochararray':
      return Array.from(s);
    case 'tostring':
    case 'normalize':
    case 'clone':
      return s;
    case 'insert':
      return ev.capString(s.slice(0, num(0)) + str(1) + s.slice(num(0)));
    case 'remove':
      return a.length > 1 ? s.slice(0, num(0)) + s.slice(num(0) + num(1)) : s.slice(0, num(0));
    case 'indexof':
      return s.indexOf(str(0));
    case 'lastindexof':
      return s.lastIndexOf(str(0));
    case 'contains':
      return s.includes(str(0));
    case 'startswith':
      return s.toLowerCase().startsWith(str(0).toLowerCase());
    case 'endswith':
      return s.toLowerCase().endsWith(str(0).toLowerCase());
    case 'padleft':
      return s.padStart(Math.min(num(0), ev.options.maxBytes), str(1) || ' ');
    case 'padright':
      return s.padEnd(Math.min(num(0), ev.options.maxBytes), str(1) || ' ');
    case 'chars':
      return s[num(0)] ?? null;
    case 'equals':
      return s === str(0);
    case 'getenumerator':
      return Array.from(s);
    default:
      return UNKNOWN;
  }
}

function listMethod(ev: Evaluator, list: Value[] | Uint8Array, n: string, args: Value[], node: Span): Value {
  switch (n) {
    case 'toarray':
    case 'clone':
      return list.slice();
    case 'reverse':
      ev.effects.technique('powershell.obfuscation.reversal', ev.evidence(node));
      list.reverse();
      return null;
    case 'contains':
      return toList(list).some((x) => looseEquals(x, args[0] ?? null, false));
    case 'indexof':
      return toList(list).findIndex((x) => looseEquals(x, args[0] ?? null, false));
    case 'getvalue':
      return toList(list)[toNum(args[0] ?? 0)] ?? null;
    case 'add':
      if (Array.isArray(list)) list.push(args[0] ?? null);
      return list.length - 1;
    case 'tostring':
      return toStr(list);
    case 'foreach':
      return args[0] instanceof PSObject && args[0].kind === 'block' ? ev.forEachItem(args[0], toList(list)) : UNKNOWN;
    case 'where':
      return args[0] instanceof PSObject && args[0].kind === 'block' ? ev.whereItems(args[0], toList(list)) : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** A string split into several URLs is the fallback list droppers walk: every URL in it is a candidate. */
export function noteUrlList(ev: Evaluator, parts: Value[]): void {
  const urls = parts.map((p) => toStr(p).trim()).filter((p) => normaliseUrl(p) !== undefined);
  if (urls.length < 2) return;
  ev.effects.urlLists++;
  for (const url of urls) if (!ev.effects.urlCandidates.includes(url)) ev.effects.urlCandidates.push(url);
}

function streamBytes(ev: Evaluator, source: Value, node: Span): Uint8Array | Unknown {
  if (source instanceof Uint8Array) return source;
  if (!(source instanceof PSObject)) return isUnknown(source) ? source : UNKNOWN;
  if (source.kind === 'memorystream') return (source.data as Uint8Array) ?? new Uint8Array(0);
  if (source.kind === 'compressed') {
    const { inner, gzip } = source.data as { inner: Value; gzip: boolean };
    const packed = streamBytes(ev, inner, node);
    if (packed instanceof Unknown) return packed;
    ev.effects.technique('powershell.obfuscation.compression', ev.evidence(node));
    const out = inflateCapped(packed, gzip, ev.options.maxBytes);
    ev.steps += out.bytes.length >> 8;
    if (out.capped) ev.effects.limit('maxDecodedBytes', `a ${gzip ? 'GZip' : 'Deflate'} stream of ${packed.length} bytes inflates past ${ev.options.maxBytes} bytes; read the first ${ev.options.maxBytes}`);
    if (out.error && out.bytes.length === 0) ev.fail(`corrupt ${gzip ? 'GZip' : 'Deflate'} stream: ${out.error}`);
    return out.bytes;
  }
  return UNKNOWN;
}

/** WebClient's fetching methods, by lower-case name, as .NET spells them (for evidence an analyst reads). */
const DOWNLOAD_METHODS = new Map(
  [
    'DownloadString', 'DownloadFile', 'DownloadData', 'DownloadFileAsync', 'DownloadStringAsync', 'DownloadDataAsync',
    'DownloadFileTaskAsync', 'DownloadStringTaskAsync', 'DownloadDataTaskAsync', 'OpenRead', 'OpenReadAsync',
  ].map((m) => [m.toLowerCase(), m]),
);

function objectMethod(ev: Evaluator, obj: PSObject, n: string, args: Value[], node: Span): Value {
  const a0 = args[0] ?? null;
  switch (obj.kind) {
    case 'webclient':
      if (DOWNLOAD_METHODS.has(n)) {
        const saves = n.startsWith('downloadfile');
        recordDownload(ev, a0, saves ? args[1] : undefined, `Net.WebClient.${DOWNLOAD_METHODS.get(n)}`, node);
        const url = isUnknown(a0) ? '' : toStr(a0);
        return saves ? null : new Unknown(`download:${url}`);
      }
      return UNKNOWN;
    case 'httpclient':
      if (/^get(string|bytearray|stream)?async$/.test(n) || n === 'sendasync') {
        recordDownload(ev, a0, undefined, `HttpClient.${n}`, node);
        return new Unknown(`download:${isUnknown(a0) ? '' : toStr(a0)}`);
      }
      return UNKNOWN;
    case 'com:msxml2.xmlhttp':
    case 'com:microsoft.xmlhttp':
    case 'com:msxml2.serverxmlhttp':
    case 'com:winhttp.winhttprequest.5.1':
      if (n === 'open') recordDownload(ev, args[1] ?? null, undefined, `${obj.kind.slice(4)}.open`, node);
      return UNKNOWN;
    case 'com:wscript.shell':
      if ((n === 'run' || n === 'exec') && !isUnknown(a0)) recordRun(ev, toStr(a0), undefined, `WScript.Shell.${n}`, node);
      return n === 'expandenvironmentstrings' && !isUnknown(a0) ? expandVariables(toStr(a0), ev.env) : UNKNOWN;
    case 'com:shell.application':
      if (n === 'shellexecute' && !isUnknown(a0)) {
        const rest = args[1] === undefined || isUnknown(args[1]) ? '' : ` ${toStr(args[1])}`;
        recordRun(ev, `${quoteIfSpaced(toStr(a0))}${rest}`, undefined, 'Shell.Application.ShellExecute', node);
      }
      return UNKNOWN;
    case 'com:adodb.stream':
      if (n === 'savetofile' && !isUnknown(a0)) ev.effects.files.push({ path: toStr(a0), via: 'ADODB.Stream.SaveToFile', evidence: ev.evidence(node) });
      return UNKNOWN;
    case 'memorystream':
      if (n === 'toarray') return (obj.data as Uint8Array).slice();
      if (n === 'write') {
        const bytes = toBytes(a0);
        if (bytes) obj.data = concatBytes(obj.data as Uint8Array, bytes);
      }
      return null;
    case 'compressed':
      if (n === 'copyto' && a0 instanceof PSObject && a0.kind === 'memorystream') {
        const bytes = streamBytes(ev, obj, node);
        if (!(bytes instanceof Unknown)) a0.data = concatBytes(a0.data as Uint8Array, bytes);
      }
      return null;
    case 'reader': {
      const { source, encoding: enc } = obj.data as { source: Value; encoding: string };
      if (n !== 'readtoend' && n !== 'readline') return UNKNOWN;
      const bytes = streamBytes(ev, source, node);
      if (bytes instanceof Unknown) return bytes;
      const text = ev.capString(decodeBytes(bytes, enc));
      return n === 'readline' ? text.split(/\r?\n/)[0]! : text;
    }
    case 'encoding': {
      const enc = String(obj.data);
      if (n === 'getstring') {
        if (isUnknown(a0)) return a0;
        let bytes = toBytes(a0);
        if (!bytes) return UNKNOWN;
        if (args.length >= 3) bytes = bytes.subarray(toNum(args[1]!), toNum(args[1]!) + toNum(args[2]!));
        return ev.capString(decodeBytes(bytes, enc));
      }
      if (n === 'getbytes') return isUnknown(a0) ? a0 : encodeText(toStr(a0), enc);
      if (n === 'getchars') return isUnknown(a0) ? a0 : Array.from(decodeBytes(toBytes(a0) ?? new Uint8Array(0), enc));
      return UNKNOWN;
    }
    case 'invokecommand':
      if (n === 'invokescript' || n === 'newscriptblock') {
        if (isUnknown(a0)) return opaque(ev, a0, `$ExecutionContext.InvokeCommand.${n}`, node);
        const block = layerBlock(ev, toStr(a0), `$ExecutionContext.InvokeCommand.${n}`, node);
        return n === 'newscriptblock' ? block : UNKNOWN;
      }
      if (n === 'getcmdlet' || n === 'getcommand' || n === 'getcommandname') return isUnknown(a0) ? a0 : new PSObject('commandinfo', toStr(a0).toLowerCase());
      if (n === 'expandstring') return UNKNOWN;
      return UNKNOWN;
    case 'block': {
      if (n === 'invoke' || n === 'invokereturnasis') {
        if (obj.get('layered')) return UNKNOWN;
        const out = ev.invokeBlock(obj, args, undefined);
        return out.length === 0 ? null : out.length === 1 ? out[0]! : out;
      }
      if (n === 'tostring') return toStr(obj);
      return UNKNOWN;
    }
    case 'hashtable':
      if (n === 'add' || n === 'set_item') obj.set(toStr(a0), args[1] ?? null);
      if (n === 'containskey') return obj.props.has(toStr(a0).toLowerCase());
      if (n === 'get_item') return obj.get(toStr(a0)) ?? null;
      return null;
    case 'match':
      return n === 'tostring' ? toStr(obj) : UNKNOWN;
    default:
      return n === 'tostring' ? toStr(obj) : UNKNOWN;
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

