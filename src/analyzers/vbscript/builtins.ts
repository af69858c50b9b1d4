// VBScript's side-effect-free functions and constants, computed the way VBScript does (1-based positions,
// banker's rounding, Empty as "" or 0). Anything that depends on the machine or the clock is `unknown`.

import { EMPTY, NULL, isArray, isBytes, isObject, isScalar, isUnknown, toNum, toStr, typeName, unknown, type Value } from './values.ts';

export interface BuiltinContext {
  /** Returns the string, or `unknown` when it is larger than the decoded-bytes limit (and notes the limit). */
  str(s: string): Value;
  /** What a string over the limit becomes (`unknown`, the limit noted), for callers that measure first. */
  tooLarge(): Value;
  /**
   * Charges work proportional to the characters a function reads: evaluation is synchronous, so the step
   * budget is the only bound on time, and a loop calling Replace on megabytes must spend it.
   */
  work(chars: number): void;
  /** Largest array the script may build. */
  maxItems: number;
  /** Longest string (the decoded-bytes limit): longer ones are never built. */
  maxBytes: number;
  technique(id: string, evidence: string): void;
}

type Builtin = (args: Value[], ctx: BuiltinContext) => Value;

/** Constants every script sees. */
export const CONSTANTS: Record<string, Value> = {
  vbcrlf: '\r\n', vbnewline: '\r\n', vbcr: '\r', vblf: '\n', vbtab: '\t', vbnullstring: '', vbnullchar: '\0',
  vbback: '\b', vbformfeed: '\f', vbverticaltab: '\v',
  vbtrue: -1, vbfalse: 0, vbusedefault: -2, vbbinarycompare: 0, vbtextcompare: 1,
  vbhide: 0, vbnormalfocus: 1, vbminimizedfocus: 2, vbmaximizedfocus: 3, vbnormalnofocus: 4, vbminimizednofocus: 6,
  vbokonly: 0, vbokcancel: 1, vbyesno: 4, vbcritical: 16, vbquestion: 32, vbexclamation: 48, vbinformation: 64,
  vbok: 1, vbcancel: 2, vbyes: 6, vbno: 7,
  vbempty: 0, vbnull: 1, vbinteger: 2, vblong: 3, vbsingle: 4, vbdouble: 5, vbstring: 8, vbobject: 9, vbboolean: 11, vbarray: 8192,
};

/** Round half to even, as CInt, CLng and Round do. */
export function roundBankers(n: number): number {
  const r = Math.round(n);
  return Math.abs(n % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const num = (v: Value | undefined): number | undefined => (v === undefined ? undefined : toNum(v));
const str = (v: Value | undefined): string | undefined => (v === undefined ? undefined : toStr(v));

function anyUnknown(args: Value[]): Value | undefined {
  return args.find((a) => isUnknown(a));
}

/**
 * Wraps a function of known strings and numbers: unknown in, unknown out. With `scalars`, an object or an
 * array where a string is expected is unknown too (VBScript would fail or call a default member).
 */
function known(fn: Builtin, name: string, scalars = true): Builtin {
  return (args, ctx) => {
    const u = anyUnknown(args);
    if (u) return unknown(`${name} of ${isUnknown(u) ? u.what : 'something unknown'}`);
    if (scalars && args.some((a) => !isScalar(a))) return unknown(`${name} of an object or array`);
    let chars = 0;
    for (const a of args) if (typeof a === 'string') chars += a.length;
    ctx.work(chars);
    return fn(args, ctx);
  };
}

function charOf(code: number | undefined, wide: boolean): Value {
  if (code === undefined || !Number.isFinite(code)) return unknown('Chr of a non-number');
  let c = roundBankers(code);
  if (wide && c < 0 && c >= -32768) c += 65536;
  if (c < 0 || c > (wide ? 65535 : 255)) return unknown(`Chr(${c}) out of range`);
  return String.fromCharCode(c);
}

function replaceAll(text: string, find: string, repl: string, start: number, count: number, textCompare: boolean, ctx: BuiltinContext): Value {
  // Replace returns the text from `start` on, as VBScript does.
  const source = text.slice(start - 1);
  if (find === '') return ctx.str(source);
  const hay = textCompare ? source.toLowerCase() : source;
  const needle = textCompare ? find.toLowerCase() : find;
  // First the result's length, so a result over the limit is never built; then the result, joined in
  // chunks (millions of matches make neither a rope of millions of pieces nor an array of them).
  let length = source.length;
  let matches = 0;
  for (let from = 0; count < 0 || matches < count; matches++) {
    const at = hay.indexOf(needle, from);
    if (at < 0) break;
    length += repl.length - find.length;
    if (length > ctx.maxBytes) return ctx.tooLarge();
    from = at + find.length;
  }
  ctx.work(matches * 16);
  let out = '';
  let parts: string[] = [];
  let from = 0;
  for (let i = 0; i < matches; i++) {
    const at = hay.indexOf(needle, from);
    parts.push(source.slice(from, at), repl);
    from = at + find.length;
    if (parts.length >= 4096) {
      out += parts.join('');
      parts = [];
    }
  }
  parts.push(source.slice(from));
  return out + parts.join('');
}

function split(text: string, delim: string, count: number, textCompare: boolean, ctx: BuiltinContext): Value {
  if (text === '') return { kind: 'array', items: [] };
  if (delim === '') return { kind: 'array', items: [text] };
  const items: Value[] = [];
  const hay = textCompare ? text.toLowerCase() : text;
  const needle = textCompare ? delim.toLowerCase() : delim;
  let from = 0;
  while (count < 0 || items.length < count - 1) {
    const at = hay.indexOf(needle, from);
    if (at < 0) break;
    items.push(text.slice(from, at));
    from = at + delim.length;
    if (items.length >= ctx.maxItems) return unknown('Split into more items than the limit');
  }
  items.push(text.slice(from));
  return { kind: 'array', items };
}

function unescape(s: string): string {
  return s.replace(/%u([0-9a-f]{4})|%([0-9a-f]{2})/gi, (_m, u: string | undefined, b: string | undefined) => String.fromCharCode(parseInt(u ?? b!, 16)));
}

function escape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (/[A-Za-z0-9@*_+\-./]/.test(ch)) out += ch;
    else if (c < 256) out += `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += `%u${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** StrReverse by UTF-16 code units, as VBScript does, in chunks (no array of one string per character). */
function reverse(s: string): string {
  const chunks: string[] = [];
  for (let end = s.length; end > 0; end -= 8192) {
    const start = Math.max(0, end - 8192);
    const codes: number[] = [];
    for (let i = end - 1; i >= start; i--) codes.push(s.charCodeAt(i));
    chunks.push(String.fromCharCode(...codes));
  }
  return chunks.join('');
}

const CLOCK = (name: string): Builtin => () => unknown(`${name} (the clock)`);

export const BUILTINS: Record<string, Builtin> = {
  chr: known((a, ctx) => {
    ctx.technique('vbscript.obfuscation.char-codes', `Chr(${str(a[0])})`);
    return charOf(num(a[0]), false);
  }, 'Chr'),
  chrb: known((a, ctx) => {
    ctx.technique('vbscript.obfuscation.char-codes', `ChrB(${str(a[0])})`);
    return charOf(num(a[0]), false);
  }, 'ChrB'),
  chrw: known((a, ctx) => {
    ctx.technique('vbscript.obfuscation.char-codes', `ChrW(${str(a[0])})`);
    return charOf(num(a[0]), true);
  }, 'ChrW'),
  asc: known((a) => {
    const s = str(a[0]);
    return s ? s.charCodeAt(0) : unknown('Asc of an empty string');
  }, 'Asc'),
  strreverse: known((a, ctx) => {
    const s = str(a[0]) ?? '';
    if (s.length > 1) ctx.technique('vbscript.obfuscation.reversal', `StrReverse("${s.slice(0, 80)}")`);
    return reverse(s);
  }, 'StrReverse'),
  replace: known((a, ctx) => {
    const text = str(a[0]);
    const find = str(a[1]);
    const repl = str(a[2]);
    if (text === undefined || find === undefined || repl === undefined) return unknown('Replace of an object');
    ctx.technique('vbscript.obfuscation.replace', `Replace(…, "${find.slice(0, 40)}", "${repl.slice(0, 40)}")`);
    const start = Math.max(1, num(a[3]) ?? 1);
    const count = a[4] === undefined || a[4] === EMPTY ? -1 : (num(a[4]) ?? -1);
    return replaceAll(text, find, repl, start, count, num(a[5]) === 1, ctx);
  }, 'Replace'),
  mid: known((a) => {
    const s = str(a[0]) ?? '';
    const start = Math.max(1, roundBankers(num(a[1]) ?? 1));
    const len = a[2] === undefined ? s.length : Math.max(0, roundBankers(num(a[2]) ?? 0));
    return s.substr(start - 1, len);
  }, 'Mid'),
  left: known((a) => (str(a[0]) ?? '').slice(0, Math.max(0, roundBankers(num(a[1]) ?? 0))), 'Left'),
  right: known((a) => {
    const s = str(a[0]) ?? '';
    const n = Math.max(0, roundBankers(num(a[1]) ?? 0));
    return n === 0 ? '' : s.slice(-n);
  }, 'Right'),
  len: known((a) => {
    if (isBytes(a[0]!)) return a[0].bytes.length;
    return (str(a[0]) ?? '').length;
  }, 'Len', false),
  lcase: known((a) => (str(a[0]) ?? '').toLowerCase(), 'LCase'),
  ucase: known((a) => (str(a[0]) ?? '').toUpperCase(), 'UCase'),
  trim: known((a) => (str(a[0]) ?? '').replace(/^ +| +$/g, ''), 'Trim'),
  ltrim: known((a) => (str(a[0]) ?? '').replace(/^ +/, ''), 'LTrim'),
  rtrim: known((a) => (str(a[0]) ?? '').replace(/ +$/, ''), 'RTrim'),
  space: known((a, ctx) => {
    const n = Math.max(0, Math.floor(num(a[0]) ?? 0));
    return n > ctx.maxBytes ? ctx.tooLarge() : ' '.repeat(n);
  }, 'Space'),
  string: known((a, ctx) => {
    const n = Math.max(0, Math.floor(num(a[0]) ?? 0));
    const c = typeof a[1] === 'number' ? String.fromCharCode(a[1] & 0xffff) : (str(a[1]) ?? ' ').slice(0, 1);
    return n > ctx.maxBytes ? ctx.tooLarge() : c.repeat(n);
  }, 'String'),
  instr: known((a) => {
    // InStr([start, ]haystack, needle[, compare])
    const withStart = a.length >= 3;
    const start = withStart ? Math.max(1, num(a[0]) ?? 1) : 1;
    let hay = str(withStart ? a[1] : a[0]) ?? '';
    let needle = str(withStart ? a[2] : a[1]) ?? '';
    if (num(a[3]) === 1) {
      hay = hay.toLowerCase();
      needle = needle.toLowerCase();
    }
    return hay.indexOf(needle, start - 1) + 1;
  }, 'InStr'),
  instrrev: known((a) => {
    const hay = str(a[0]) ?? '';
    const needle = str(a[1]) ?? '';
    const start = a[2] === undefined ? hay.length : (num(a[2]) ?? hay.length);
    return hay.lastIndexOf(needle, start - needle.length) + 1;
  }, 'InStrRev'),
  strcomp: known((a) => {
    let x = str(a[0]) ?? '';
    let y = str(a[1]) ?? '';
    if (num(a[2]) === 1) {
      x = x.toLowerCase();
      y = y.toLowerCase();
    }
    return x < y ? -1 : x > y ? 1 : 0;
  }, 'StrComp'),
  split: known((a, ctx) => {
    const text = str(a[0]);
    if (text === undefined) return unknown('Split of an object');
    const delim = a[1] === undefined || a[1] === EMPTY ? ' ' : (str(a[1]) ?? ' ');
    return split(text, delim, a[2] === undefined ? -1 : (num(a[2]) ?? -1), num(a[3]) === 1, ctx);
  }, 'Split'),
  join: known((a, ctx) => {
    const arr = a[0];
    if (!arr || !isArray(arr)) return unknown('Join of a non-array');
    const parts = arr.items.map((v) => toStr(v));
    if (parts.some((p) => p === undefined)) return unknown('Join of unknown items');
    const delim = a[1] === undefined ? ' ' : (str(a[1]) ?? ' ');
    // Measured before joining: a thousand copies of a large string must not be built to be refused.
    const total = parts.reduce((n, p) => n + p!.length + delim.length, 0);
    if (total > ctx.maxBytes + delim.length) return ctx.tooLarge();
    ctx.work(total);
    return ctx.str(parts.join(delim));
  }, 'Join', false),
  filter: known((a) => {
    const arr = a[0];
    const needle = str(a[1]);
    if (!arr || !isArray(arr) || needle === undefined) return unknown('Filter');
    const include = a[2] === undefined ? true : num(a[2]) !== 0;
    return { kind: 'array', items: arr.items.filter((v) => (toStr(v) ?? '').includes(needle) === include) };
  }, 'Filter', false),
  array: (a) => ({ kind: 'array', items: [...a] }),
  ubound: (a) => {
    const arr = a[0];
    if (arr && isArray(arr)) return arr.items.length - 1;
    if (arr && isBytes(arr)) return arr.bytes.length - 1;
    return unknown('UBound');
  },
  lbound: () => 0,
  hex: known((a) => {
    const n = num(a[0]);
    if (n === undefined) return unknown('Hex of a non-number');
    const r = roundBankers(n);
    return (r < 0 ? (r < -32768 ? r + 2 ** 32 : r + 65536) : r).toString(16).toUpperCase();
  }, 'Hex'),
  oct: known((a) => {
    const n = num(a[0]);
    return n === undefined ? unknown('Oct of a non-number') : Math.abs(roundBankers(n)).toString(8);
  }, 'Oct'),
  cstr: known((a) => str(a[0]) ?? unknown('CStr of an object'), 'CStr'),
  cint: known((a) => {
    const n = num(a[0]);
    return n === undefined ? unknown('CInt of a non-number') : roundBankers(n);
  }, 'CInt'),
  clng: known((a) => {
    const n = num(a[0]);
    return n === undefined ? unknown('CLng of a non-number') : roundBankers(n);
  }, 'CLng'),
  cbyte: known((a) => {
    const n = num(a[0]);
    return n === undefined ? unknown('CByte of a non-number') : roundBankers(n) & 0xff;
  }, 'CByte'),
  cdbl: known((a) => num(a[0]) ?? unknown('CDbl of a non-number'), 'CDbl'),
  csng: known((a) => num(a[0]) ?? unknown('CSng of a non-number'), 'CSng'),
  cbool: known((a) => {
    const n = num(a[0]);
    return n === undefined ? unknown('CBool') : n !== 0;
  }, 'CBool'),
  int: known((a) => {
    const n = num(a[0]);
    return n === undefined ? unknown('Int') : Math.floor(n);
  }, 'Int'),
  fix: known((a) => {
    const n = num(a[0]);
    return n === undefined ? unknown('Fix') : Math.trunc(n);
  }, 'Fix'),
  abs: known((a) => {
    const n = num(a[0]);
    return n === undefined ? unknown('Abs') : Math.abs(n);
  }, 'Abs'),
  sgn: known((a) => {
    const n = num(a[0]);
    return n === undefined ? unknown('Sgn') : Math.sign(n);
  }, 'Sgn'),
  sqr: known((a) => {
    const n = num(a[0]);
    return n === undefined || n < 0 ? unknown('Sqr') : Math.sqrt(n);
  }, 'Sqr'),
  round: known((a) => {
    const n = num(a[0]);
    const d = Math.max(0, Math.min(15, num(a[1]) ?? 0));
    return n === undefined ? unknown('Round') : roundBankers(n * 10 ** d) / 10 ** d;
  }, 'Round'),
  rgb: known((a) => ((num(a[0]) ?? 0) & 255) + ((num(a[1]) ?? 0) & 255) * 256 + ((num(a[2]) ?? 0) & 255) * 65536, 'RGB'),
  isnumeric: (a) => (isUnknown(a[0] ?? EMPTY) ? unknown('IsNumeric') : typeof a[0] === 'number' || (typeof a[0] === 'string' && toNum(a[0]) !== undefined)),
  isempty: (a) => (isUnknown(a[0] ?? EMPTY) ? unknown('IsEmpty') : a[0] === EMPTY || a[0] === undefined),
  isnull: (a) => (isUnknown(a[0] ?? EMPTY) ? unknown('IsNull') : a[0] === NULL),
  isarray: (a) => (isUnknown(a[0] ?? EMPTY) ? unknown('IsArray') : isArray(a[0] ?? EMPTY) || isBytes(a[0] ?? EMPTY)),
  isobject: (a) => (isUnknown(a[0] ?? EMPTY) ? unknown('IsObject') : isObject(a[0] ?? EMPTY)),
  typename: (a) => (isUnknown(a[0] ?? EMPTY) ? unknown('TypeName') : typeName(a[0] ?? EMPTY)),
  escape: known((a, ctx) => ctx.str(escape(str(a[0]) ?? '')), 'Escape'),
  unescape: known((a, ctx) => {
    const s = str(a[0]) ?? '';
    if (/%[0-9a-f]{2}/i.test(s)) ctx.technique('vbscript.obfuscation.escaped', `Unescape("${s.slice(0, 80)}")`);
    return ctx.str(unescape(s));
  }, 'Unescape'),
  now: CLOCK('Now'),
  date: CLOCK('Date'),
  time: CLOCK('Time'),
  timer: CLOCK('Timer'),
  rnd: CLOCK('Rnd'),
  year: CLOCK('Year'),
  month: CLOCK('Month'),
  day: CLOCK('Day'),
  hour: CLOCK('Hour'),
  minute: CLOCK('Minute'),
  second: CLOCK('Second'),
  weekday: CLOCK('Weekday'),
  dateadd: CLOCK('DateAdd'),
  datediff: CLOCK('DateDiff'),
  formatdatetime: CLOCK('FormatDateTime'),
  msgbox: () => unknown('the user\'s answer to MsgBox'),
  inputbox: () => unknown('the user\'s answer to InputBox'),
  scriptengine: () => 'VBScript',
  getref: () => unknown('a function reference'),
};

// Byte and wide spellings behave alike on the strings scripts build.
BUILTINS.ascw = BUILTINS.asc!;
BUILTINS.ascb = BUILTINS.asc!;
BUILTINS.lenb = BUILTINS.len!;
BUILTINS.midb = BUILTINS.mid!;
BUILTINS.leftb = BUILTINS.left!;
BUILTINS.rightb = BUILTINS.right!;
BUILTINS.instrb = BUILTINS.instr!;
