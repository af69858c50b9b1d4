// Field modifiers (`Field|contains|all`, `|base64offset|contains`, `|re|i`, `|cidr`, …) turned into value
// patterns. Transformations apply left to right, as in pySigma, so `|wide|base64offset|contains` means
// "UTF-16LE, then every base64 alignment, then anywhere in the field".

import { literal, parseSigmaString, wrap, type SigmaString } from './strings.ts';

export class SigmaError extends Error {}

export type ValuePattern =
  | { type: 'string'; value: SigmaString; cased: boolean }
  | { type: 're'; source: string; flags: string }
  | { type: 'cidr'; cidr: string }
  | { type: 'compare'; op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { type: 'null' }
  | { type: 'exists'; exists: boolean }
  | { type: 'fieldref'; field: string };

/** One `Field|modifiers: values` line of a selection. `field` null is a keyword search over the whole event. */
export interface FieldTest {
  field: string | null;
  modifiers: string[];
  patterns: ValuePattern[];
  /** `|all`: every pattern must match, instead of any one. */
  all: boolean;
}

/** A value on its way through the transformations: text, or bytes once an encoding modifier has run. */
interface Working {
  text: SigmaString;
  /** Latin-1 byte string after utf16 modifiers; base64 then encodes these bytes rather than UTF-8. */
  bytes: boolean;
}

const WINDASH = ['-', '/', '\u2013', '\u2014', '\u2015'];
const MAX_EXPANSION = 4096;

function onlyLiteral(w: Working, modifier: string): string {
  if (w.text.some((p) => typeof p !== 'string')) throw new SigmaError(`|${modifier} cannot encode a wildcard`);
  return w.text.join('');
}

function encodeUtf16(text: string, bigEndian: boolean, bom: boolean): string {
  const le = Buffer.from(text, 'utf16le');
  if (bigEndian) le.swap16();
  const bytes = bom ? Buffer.concat([Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), le]) : le;
  return bytes.toString('latin1');
}

function bufferOf(w: Working, modifier: string): Buffer {
  const text = onlyLiteral(w, modifier);
  return Buffer.from(text, w.bytes ? 'latin1' : 'utf8');
}

/** The three base64 renderings of a value at each byte alignment, trimmed to the characters that do not depend on neighbours. */
function base64Offsets(data: Buffer): string[] {
  const starts = [0, 2, 3];
  const ends = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const encoded = Buffer.concat([Buffer.alloc(i, 0x20), data]).toString('base64');
    const end = ends[(data.length + i) % 3];
    out.push(encoded.slice(starts[i], end));
  }
  return out;
}

function windash(s: SigmaString): SigmaString[] {
  let out: SigmaString[] = [[]];
  for (const part of s) {
    if (typeof part !== 'string') {
      out = out.map((o) => [...o, part]);
      continue;
    }
    // A dash or slash that starts a word is an option switch: Windows tools accept every dash variant.
    const pieces = part.split(/(?<![\w])([-/])(?=\w)/);
    let variants = out;
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      const choices = i % 2 === 1 ? WINDASH : [piece];
      variants = variants.flatMap((o) => choices.map((c) => [...o, c]));
      if (variants.length > MAX_EXPANSION) throw new SigmaError('|windash expands to too many values');
    }
    out = variants;
  }
  return out.map(merge);
}

/** Joins adjacent literal parts so matchers see one run. */
function merge(s: SigmaString): SigmaString {
  const out: SigmaString = [];
  for (const p of s) {
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else if (p !== '') out.push(p);
  }
  return out;
}

function regexFlags(modifiers: string[]): string {
  let flags = '';
  for (const m of modifiers) {
    if (m === 'i' || m === 'ignorecase') flags += 'i';
    else if (m === 'm' || m === 'multiline') flags += 'm';
    else if (m === 's' || m === 'dotall') flags += 's';
  }
  return flags;
}

/**
 * JavaScript has no inline `(?i)` before Node 23; Sigma rules written for Python regex use it at the start.
 * Leading inline flags become RegExp flags.
 */
export function normaliseRegex(source: string, flags: string): { source: string; flags: string } {
  const m = /^\(\?([imsx]+)\)/.exec(source);
  if (!m) return { source, flags };
  const extra = [...m[1]!].filter((f) => f !== 'x' && !flags.includes(f)).join('');
  return { source: source.slice(m[0].length), flags: flags + extra };
}

const KNOWN = new Set([
  'contains', 'startswith', 'endswith', 'all', 'windash', 'base64', 'base64offset', 'wide', 'utf16le', 'utf16be',
  'utf16', 're', 'i', 'm', 's', 'ignorecase', 'multiline', 'dotall', 'cidr', 'exists', 'cased', 'gt', 'gte', 'lt',
  'lte', 'fieldref',
]);

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new SigmaError(`a value must be a string, number, boolean or null, got ${JSON.stringify(value)}`);
}

/** Builds the test for `key: value` from a selection map (key is `Field|mod|mod` or `|mod` for keywords). */
export function fieldTest(key: string, value: unknown): FieldTest {
  const [fieldName, ...modifiers] = key.split('|');
  const field = fieldName === '' ? null : fieldName!;
  for (const m of modifiers) if (!KNOWN.has(m)) throw new SigmaError(`unsupported modifier |${m} on ${key}`);
  const values = Array.isArray(value) ? value : [value];
  const all = modifiers.includes('all');
  const cased = modifiers.includes('cased');
  const has = (m: string) => modifiers.includes(m);

  if (has('exists')) {
    const v = values[0];
    if (typeof v !== 'boolean') throw new SigmaError(`|exists takes true or false on ${key}`);
    return { field, modifiers, all, patterns: [{ type: 'exists', exists: v }] };
  }
  if (has('re')) {
    const flags = regexFlags(modifiers);
    const patterns = values.map((v) => {
      const r = normaliseRegex(scalarText(v), flags);
      try {
        new RegExp(r.source, r.flags);
      } catch (err) {
        throw new SigmaError(`bad regular expression on ${key}: ${(err as Error).message}`);
      }
      return { type: 're' as const, source: r.source, flags: r.flags };
    });
    return { field, modifiers, all, patterns };
  }
  if (has('cidr')) {
    return { field, modifiers, all, patterns: values.map((v) => ({ type: 'cidr' as const, cidr: scalarText(v) })) };
  }
  const cmp = modifiers.find((m) => m === 'gt' || m === 'gte' || m === 'lt' || m === 'lte') as
    | 'gt' | 'gte' | 'lt' | 'lte' | undefined;
  if (cmp) {
    return {
      field, modifiers, all,
      patterns: values.map((v) => {
        const n = Number(v);
        if (!Number.isFinite(n)) throw new SigmaError(`|${cmp} takes a number on ${key}`);
        return { type: 'compare' as const, op: cmp, value: n };
      }),
    };
  }
  if (has('fieldref')) {
    return { field, modifiers, all, patterns: values.map((v) => ({ type: 'fieldref' as const, field: scalarText(v) })) };
  }

  const patterns: ValuePattern[] = [];
  for (const v of values) {
    if (v === null) {
      patterns.push({ type: 'null' });
      continue;
    }
    let work: Working[] = [{ text: parseSigmaString(scalarText(v)), bytes: false }];
    for (const m of modifiers) work = work.flatMap((w) => transform(w, m));
    for (const w of work) patterns.push({ type: 'string', value: w.text, cased });
  }
  return { field, modifiers, all, patterns };
}

function transform(w: Working, modifier: string): Working[] {
  switch (modifier) {
    case 'contains':
      return [{ ...w, text: wrap(w.text, true, true) }];
    case 'startswith':
      return [{ ...w, text: wrap(w.text, false, true) }];
    case 'endswith':
      return [{ ...w, text: wrap(w.text, true, false) }];
    case 'windash':
      return windash(w.text).map((text) => ({ ...w, text }));
    case 'wide':
    case 'utf16le':
      return [{ text: literal(encodeUtf16(onlyLiteral(w, modifier), false, false)), bytes: true }];
    case 'utf16be':
      return [{ text: literal(encodeUtf16(onlyLiteral(w, modifier), true, false)), bytes: true }];
    case 'utf16':
      return [{ text: literal(encodeUtf16(onlyLiteral(w, modifier), false, true)), bytes: true }];
    case 'base64':
      return [{ text: literal(bufferOf(w, modifier).toString('base64')), bytes: false }];
    case 'base64offset':
      return base64Offsets(bufferOf(w, modifier)).map((t) => ({ text: literal(t), bytes: false }));
    default:
      return [w];
  }
}
