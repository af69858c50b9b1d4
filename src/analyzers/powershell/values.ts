// The values the evaluator works with, and PowerShell's conversions between them. What the evaluator
// cannot know (a web response, a registry value, the clock) is an Unknown that spreads through every
// operation, remembering where it came from (a download, so `iex` of it is a download cradle).

import type { Expr } from './ast.ts';

export class Unknown {
  constructor(readonly from = '') {}
}
export const UNKNOWN = new Unknown();

/** An object with a .NET-ish kind ('webclient', 'memorystream', 'encoding', 'block', 'hashtable', …). */
export class PSObject {
  readonly props = new Map<string, Value>();
  constructor(
    readonly kind: string,
    public data: unknown = undefined,
  ) {}
  get(name: string): Value | undefined {
    return this.props.get(name.toLowerCase());
  }
  set(name: string, value: Value): void {
    this.props.set(name.toLowerCase(), value);
  }
}

export interface BlockData {
  node: Extract<Expr, { t: 'block' }>;
  /** The text it was made from when built with [ScriptBlock]::Create (an execution layer of its own). */
  fromText?: string;
}

export type Value = string | number | boolean | null | Value[] | Uint8Array | PSObject | Unknown;

export const isUnknown = (v: Value): v is Unknown => v instanceof Unknown;

/** The first Unknown among values, for propagation. */
export function unknownIn(...vs: Value[]): Unknown | undefined {
  for (const v of vs) if (v instanceof Unknown) return v;
  return undefined;
}

export function isList(v: Value): v is Value[] | Uint8Array {
  return Array.isArray(v) || v instanceof Uint8Array;
}

export function toList(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v);
  if (v === null) return [];
  return [v];
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

/** PowerShell's string conversion: arrays joined with a space ($OFS), $true as "True". */
export function toStr(v: Value, depth = 0): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return '';
  if (v instanceof Uint8Array) return Array.from(v).join(' ');
  if (Array.isArray(v)) return depth > 3 ? '' : v.map((x) => toStr(x, depth + 1)).join(' ');
  if (v instanceof PSObject) {
    if (v.kind === 'match') return toStr(v.get('value') ?? '');
    if (v.kind === 'block') return (v.data as BlockData).fromText ?? (v.data as BlockData).node.text;
    if (v.kind === 'securestring') return 'System.Security.SecureString';
    if (v.kind === 'type') return String(v.data);
    if (v.kind === 'variable') return toStr(v.get('value') ?? null);
    return `System.Object(${v.kind})`;
  }
  return '';
}

/** PowerShell's number conversion; NaN when the value is not a number. */
export function toNum(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null) return 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return 0;
    if (/^[-+]?0x[0-9a-f]+$/i.test(s)) return (s.startsWith('-') ? -1 : 1) * parseInt(s.replace(/^[-+]?0x/i, ''), 16);
    const n = Number(s);
    return Number.isFinite(n) ? n : NaN;
  }
  if (Array.isArray(v) && v.length === 1) return toNum(v[0]!);
  return NaN;
}

export function toBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 1 || (v.length === 1 && toBool(v[0]!));
  if (v instanceof Uint8Array) return v.length > 0;
  return true;
}

/** A byte array from bytes, numbers or chars; undefined when a member cannot be a byte. */
export function toBytes(v: Value): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  const list = toList(v);
  const out = new Uint8Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const x = list[i]!;
    const n = typeof x === 'string' && x.length === 1 ? x.charCodeAt(0) : toNum(x);
    if (!Number.isFinite(n)) return undefined;
    out[i] = n & 0xff;
  }
  return out;
}

/** The text of a char array or string ([string]::new($chars), -join). */
export function charsToString(v: Value): string {
  return toList(v)
    .map((x) => (typeof x === 'number' ? String.fromCharCode(x) : toStr(x)))
    .join('');
}

/** Equality as -eq sees it: case-insensitive for strings unless `cs`. */
export function looseEquals(a: Value, b: Value, cs: boolean): boolean {
  if (typeof a === 'string') {
    const bs = toStr(b);
    return cs ? a === bs : a.toLowerCase() === bs.toLowerCase();
  }
  if (typeof a === 'number') return a === toNum(b);
  if (typeof a === 'boolean') return a === toBool(b);
  if (a === null) return b === null;
  return a === b;
}
