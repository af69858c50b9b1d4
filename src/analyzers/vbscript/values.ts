// The values the evaluator computes with. `unknown` stands for anything static evaluation cannot know
// (a file's contents, a server's answer, the clock): every operation on it gives `unknown` again.

export interface VbArray {
  kind: 'array';
  items: Value[];
}

/** Raw bytes (MSXML bin.base64 nodeTypedValue, ADODB.Stream Read, responseBody). */
export interface VbBytes {
  kind: 'bytes';
  bytes: Uint8Array;
  /** Where the bytes come from when they are not known (a download). */
  from?: string;
}

/** A COM object or a script class instance, told apart by its family (rules/vbscript.yaml). */
export interface VbObject {
  kind: 'object';
  family: string;
  /** The ProgID or moniker as the script wrote it. */
  name: string;
  props: Map<string, Value>;
  /** Free-form state the object model keeps (the URL a request opened, the stream's content, …). */
  state: Record<string, unknown>;
}

export interface VbUnknown {
  kind: 'unknown';
  /** What it stands for, for evidence: "responseText of http://…", "an argument". */
  what: string;
}

export const EMPTY = Symbol('Empty');
export const NOTHING = Symbol('Nothing');
export const NULL = Symbol('Null');

export type Value = string | number | boolean | typeof EMPTY | typeof NOTHING | typeof NULL | VbArray | VbBytes | VbObject | VbUnknown;

export function unknown(what: string): VbUnknown {
  return { kind: 'unknown', what };
}

export function isUnknown(v: Value): v is VbUnknown {
  return typeof v === 'object' && v.kind === 'unknown';
}
export function isObject(v: Value): v is VbObject {
  return typeof v === 'object' && v.kind === 'object';
}
export function isArray(v: Value): v is VbArray {
  return typeof v === 'object' && v.kind === 'array';
}
export function isBytes(v: Value): v is VbBytes {
  return typeof v === 'object' && v.kind === 'bytes';
}

/** True when the value is plain data a string can be made of. */
export function isScalar(v: Value): v is string | number | boolean | typeof EMPTY | typeof NULL {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === EMPTY || v === NULL;
}

/** VBScript's conversion to String; undefined when it cannot be known. */
export function toStr(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberToString(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === EMPTY || v === NULL) return '';
  return undefined;
}

function numberToString(n: number): string {
  if (Number.isInteger(n)) return String(n);
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return String(Number(n.toPrecision(15)));
}

/** VBScript's conversion to a number; undefined when it cannot be known or is not numeric. */
export function toNum(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? -1 : 0;
  if (v === EMPTY) return 0;
  if (typeof v === 'string') {
    // No number is written with hundreds of characters; a long string is not scanned to find that out.
    if (v.length > 400) return undefined;
    const s = v.trim();
    if (/^&h[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
    if (/^&o[0-7]+$/i.test(s)) return parseInt(s.slice(2), 8);
    if (s === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined;
    return Number(s);
  }
  return undefined;
}

export function toBool(v: Value): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (/^true$/i.test(v)) return true;
    if (/^false$/i.test(v)) return false;
  }
  const n = toNum(v);
  return n === undefined ? undefined : n !== 0;
}

/** VBScript's TypeName. */
export function typeName(v: Value): string {
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 32768 ? 'Integer' : Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 'Long' : 'Double';
  if (typeof v === 'boolean') return 'Boolean';
  if (v === EMPTY) return 'Empty';
  if (v === NULL) return 'Null';
  if (v === NOTHING) return 'Nothing';
  if (v.kind === 'array') return 'Variant()';
  if (v.kind === 'bytes') return 'Byte()';
  if (v.kind === 'object') return 'Object';
  return 'Unknown';
}

/** A short rendering for evidence. */
export function show(v: Value, max = 200): string {
  const s = toStr(v);
  if (s !== undefined) return s.length > max ? `${s.slice(0, max)}…` : s;
  if (v === NOTHING) return 'Nothing';
  if (typeof v === 'object') {
    if (v.kind === 'unknown') return `<${v.what}>`;
    if (v.kind === 'object') return `<${v.name}>`;
    if (v.kind === 'array') return `Array(${v.items.length})`;
    if (v.kind === 'bytes') return `<${v.bytes.length} bytes${v.from ? ` from ${v.from}` : ''}>`;
  }
  return '?';
}
