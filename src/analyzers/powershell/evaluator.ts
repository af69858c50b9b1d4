// A bounded evaluator for the side-effect-free part of PowerShell that droppers use to hide their strings
// (CHAIN.md §5). It never touches the host: network, files and processes are recorded as effects, and
// whatever it cannot know becomes Unknown. Every step counts against a budget, and sizes are capped.

import type { Command, Expr, Param, Stage, Stmt } from './ast.ts';
import { callCommand, resolveCommandName } from './commands.ts';
import { Effects } from './effects.ts';
import { formatString, isShuffledFormat } from './format.ts';
import { linearRegExp } from './linear-regex.ts';
import { callMethod, castTo, getMember, noteUrlList, setMember, staticMember, typeObject } from './objects.ts';
import {
  PSObject,
  UNKNOWN,
  isList,
  isUnknown,
  looseEquals,
  toBool,
  toList,
  toNum,
  toStr,
  unknownIn,
  type BlockData,
  type Value,
} from './values.ts';
import { DEFAULT_ENV } from '../cmdline/cmd.ts';

export class BudgetExceeded extends Error {}
class BreakSignal {}
class ContinueSignal {}
class ReturnSignal {
  constructor(readonly value: Value) {}
}
class ThrowSignal {
  constructor(readonly value: Value) {}
}
class ExitSignal {}

/** Iterations given to a loop without a condition (`for(;;)`, `while($true)`): implants idle in these. */
const KEEPALIVE_ITERATIONS = 256;

export interface EvaluatorOptions {
  maxSteps: number;
  /** Largest string or array the evaluator builds, and the decompression cap. */
  maxBytes: number;
  signal?: AbortSignal;
  /** The layer's source, to quote as evidence. */
  source: string;
}

interface FunctionDef {
  params: Param[];
  body: Stmt[];
}

/** Automatic variables as a stock Windows PowerShell 5.1 shows them (droppers index into these). */
function automaticVariables(): Map<string, Value> {
  const vars = new Map<string, Value>([
    ['true', true],
    ['false', false],
    ['null', null],
    ['pshome', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0'],
    ['shellid', 'Microsoft.PowerShell'],
    ['verbosepreference', 'SilentlyContinue'],
    ['debugpreference', 'SilentlyContinue'],
    ['warningpreference', 'Continue'],
    ['erroractionpreference', 'Continue'],
    ['progresspreference', 'Continue'],
    ['confirmpreference', 'High'],
    ['home', 'C:\\Users\\user'],
    ['pid', 4242],
    ['ofs', ' '],
    ['psculture', 'en-US'],
    ['psuiculture', 'en-US'],
    ['maximumdrivecount', 4096],
    ['maximumhistorycount', 4096],
    ['nestedpromptlevel', 0],
    ['pwd', 'C:\\Users\\user'],
    ['executioncontext', new PSObject('executioncontext')],
    ['host', new PSObject('host')],
  ]);
  const versionTable = new PSObject('hashtable');
  versionTable.set('psversion', '5.1.19041.1');
  versionTable.set('clrversion', '4.0.30319.42000');
  vars.set('psversiontable', versionTable);
  return vars;
}

export class Evaluator {
  readonly effects = new Effects();
  readonly scopes: Map<string, Value>[] = [automaticVariables(), new Map()];
  readonly functions = new Map<string, FunctionDef>();
  readonly aliases = new Map<string, string>();
  readonly env: Record<string, string> = { ...DEFAULT_ENV };
  steps = 0;
  private callDepth = 0;

  constructor(readonly options: EvaluatorOptions) {}

  /** Runs a parsed script; returns normally when the budget or the time is up (recorded as a limit). */
  run(body: Stmt[]): void {
    try {
      this.execBlock(body, null);
    } catch (err) {
      if (err instanceof BudgetExceeded) {
        this.effects.limit('powershellSteps', `evaluation stopped after ${this.options.maxSteps} steps`);
        return;
      }
      // Chains the parser builds in loops ($x.$x.$x…, thousands long) are trees as deep as they are long; the
      // evaluator recurses on them. Running out of stack ends this layer's evaluation, not the analysis.
      if (err instanceof RangeError && /call stack/i.test(err.message)) {
        this.effects.limit('powershellSteps', 'evaluation stopped: the script nests deeper than the evaluator can follow');
        return;
      }
      if (err instanceof ExitSignal || err instanceof ReturnSignal || err instanceof ThrowSignal || err instanceof BreakSignal || err instanceof ContinueSignal) return;
      throw err;
    }
  }

  step(): void {
    if (++this.steps > this.options.maxSteps) throw new BudgetExceeded();
    if ((this.steps & 1023) === 0 && this.options.signal?.aborted) throw new BudgetExceeded();
  }

  evidence(node: { start: number; end: number }): string {
    return this.options.source.slice(node.start, Math.min(node.end, node.start + 400));
  }

  /** Caps a string the script builds at maxBytes (a memory guard against `'a' * 1e9` and friends). */
  capString(s: string): string {
    if (s.length <= this.options.maxBytes) return s;
    this.effects.limit('maxDecodedBytes', `a string was cut at ${this.options.maxBytes} characters`);
    return s.slice(0, this.options.maxBytes);
  }

  /** Caps an array the script builds: 4 Mi items (a JavaScript array of numbers costs 8+ bytes an item). */
  capCount(n: number): number {
    const max = Math.min(this.options.maxBytes, 1 << 22);
    if (n <= max) return n;
    this.effects.limit('maxDecodedBytes', `an array was cut at ${max} items`);
    return max;
  }

  // ---- variables ----

  private static plainName(name: string): string {
    return name.replace(/^(global|script|local|private|using|variable):/, '');
  }

  getVar(raw: string): Value {
    if (raw.startsWith('env:')) {
      const v = this.env[raw.slice(4)];
      return v === undefined ? null : v;
    }
    const name = Evaluator.plainName(raw);
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const scope = this.scopes[i]!;
      if (scope.has(name)) return scope.get(name)!;
    }
    return null;
  }

  setVar(raw: string, value: Value): void {
    if (raw.startsWith('env:')) {
      this.env[raw.slice(4)] = toStr(value);
      return;
    }
    const name = Evaluator.plainName(raw);
    if (/^(global|script):/.test(raw)) {
      this.scopes[1]!.set(name, value);
      return;
    }
    for (let i = this.scopes.length - 1; i >= 1; i--) {
      const scope = this.scopes[i]!;
      if (scope.has(name)) {
        scope.set(name, value);
        return;
      }
    }
    this.scopes[this.scopes.length - 1]!.set(name, value);
  }

  // ---- statements ----

  /** Runs statements; pushes their output to `out` when it is given. */
  execBlock(body: Stmt[], out: Value[] | null): void {
    for (const s of body) this.exec(s, out);
  }

  private exec(s: Stmt, out: Value[] | null): void {
    this.step();
    switch (s.t) {
      case 'expr': {
        const v = this.eval(s.e);
        if (out) emit(out, v, true);
        return;
      }
      case 'assign':
        this.assign(s.target, s.op, s.value);
        return;
      case 'if':
        for (const [cond, body] of s.clauses) {
          if (toBool(this.eval(cond))) {
            this.execBlock(body, out);
            return;
          }
        }
        if (s.otherwise) this.execBlock(s.otherwise, out);
        return;
      case 'foreach': {
        const items = toList(this.eval(s.iter));
        this.loop(items.length, (i) => {
          this.setVar(s.name, items[i]!);
          this.execBlock(s.body, out);
        });
        return;
      }
      case 'for': {
        if (s.init) this.exec(s.init, null);
        this.loop(s.cond ? Infinity : KEEPALIVE_ITERATIONS, () => {
          if (s.cond && !this.holds(s.cond)) return false;
          this.execBlock(s.body, out);
          if (s.step) this.exec(s.step, null);
          return true;
        });
        return;
      }
      case 'while': {
        let first = s.doFirst;
        const forever = s.cond.t === 'var' && s.cond.name === 'true';
        this.loop(forever ? KEEPALIVE_ITERATIONS : Infinity, () => {
          if (!first) {
            const v = this.eval(s.cond);
            // A condition on something unknowable (a download, a file) would spin forever: one pass is enough.
            if (isUnknown(v)) return false;
            const c = toBool(v);
            if (s.until ? c : !c) return false;
          }
          first = false;
          this.execBlock(s.body, out);
          return true;
        });
        return;
      }
      case 'try':
        try {
          this.execBlock(s.body, out);
        } catch (err) {
          if (!(err instanceof ThrowSignal)) throw err;
          for (const c of s.catches.slice(0, 1)) this.execBlock(c, out);
        } finally {
          if (s.fin) this.execBlock(s.fin, out);
        }
        return;
      case 'function':
        this.functions.set(s.name, { params: s.params, body: s.body });
        return;
      case 'flow':
        if (s.kind === 'break') throw new BreakSignal();
        if (s.kind === 'continue') throw new ContinueSignal();
        if (s.kind === 'return') throw new ReturnSignal(s.e ? this.eval(s.e) : null);
        if (s.kind === 'throw') throw new ThrowSignal(s.e ? this.eval(s.e) : null);
        throw new ExitSignal();
      case 'skip':
        return;
    }
  }

  /**
   * Runs a loop body. Droppers walk a list of URLs and `break` after the first download that works; the
   * emulated network answers every URL, so a `break` right after a download is ignored and every fallback
   * URL is still seen.
   */
  loop(max: number, body: (i: number) => boolean | void): void {
    const cap = Math.min(max, 100_000);
    for (let i = 0; i < cap; i++) {
      this.step();
      const before = this.effects.downloads.length;
      try {
        if (body(i) === false) return;
      } catch (err) {
        if (err instanceof ContinueSignal) continue;
        if (err instanceof BreakSignal) {
          if (this.effects.downloads.length > before && max !== Infinity) continue;
          return;
        }
        throw err;
      }
    }
    if (max === Infinity) this.effects.limit('powershellSteps', `a loop was stopped after ${cap} iterations`);
    // Keep-alive loops (for(;;){Start-Sleep}) end quietly: they are how implants idle, not a decoder.
  }

  /** A loop condition; Unknown ends the loop (its outcome cannot be known, and one pass shows the body). */
  private holds(cond: Expr): boolean {
    const v = this.eval(cond);
    return !isUnknown(v) && toBool(v);
  }

  // ---- assignment ----

  private assign(target: Expr, op: string, valueExpr: Expr): void {
    let value = this.eval(valueExpr);
    if (op !== '=') {
      const current = this.eval(target);
      value = this.binary(op.slice(0, 1), current, value, valueExpr);
    }
    this.assignTo(target, value);
  }

  assignTo(target: Expr, value: Value): void {
    switch (target.t) {
      case 'var':
        this.setVar(target.name, value);
        return;
      case 'cast':
        this.assignTo(target.e, castTo(this, target.type, value, target));
        return;
      case 'array': {
        // $a, $b = 1, 2 (the last takes the rest)
        const list = toList(value);
        target.items.forEach((item, i) => this.assignTo(item, i === target.items.length - 1 ? (list.length > i + 1 ? list.slice(i) : list[i] ?? null) : list[i] ?? null));
        return;
      }
      case 'member': {
        const obj = this.eval(target.obj);
        setMember(this, obj, toStr(this.eval(target.name)), value);
        return;
      }
      case 'index': {
        const obj = this.eval(target.obj);
        const idx = this.eval(target.idx);
        if (Array.isArray(obj) || obj instanceof Uint8Array) {
          const i = toNum(idx);
          if (Number.isInteger(i) && i >= 0 && i < obj.length) (obj as Value[])[i] = obj instanceof Uint8Array ? toNum(value) & 0xff : value;
        } else if (obj instanceof PSObject) obj.set(toStr(idx), value);
        return;
      }
      default:
        return;
    }
  }

  // ---- expressions ----

  eval(e: Expr | Command): Value {
    this.step();
    switch (e.t) {
      case 'str':
        return e.v;
      case 'num':
        return e.v;
      case 'xstr': {
        let s = '';
        for (const p of e.parts) {
          if (typeof p === 'string') s += p;
          else {
            const v = this.eval(p);
            if (isUnknown(v)) return v;
            s += toStr(v);
          }
        }
        return this.capString(s);
      }
      case 'var':
        return this.getVar(e.name);
      case 'array': {
        const out: Value[] = [];
        for (const item of e.items) out.push(this.eval(item));
        return out;
      }
      case 'sub': {
        const out: Value[] = [];
        this.execBlock(e.body, out);
        if (e.array) return out;
        return out.length === 0 ? null : out.length === 1 ? out[0]! : out;
      }
      case 'hash': {
        const h = new PSObject('hashtable');
        for (const [k, v] of e.entries) h.set(toStr(this.eval(k)), this.eval(v));
        return h;
      }
      case 'block':
        return new PSObject('block', { node: e } satisfies BlockData);
      case 'type':
        return typeObject(e.name);
      case 'cast':
        return castTo(this, e.type, this.eval(e.e), e);
      case 'member': {
        const name = toStr(this.eval(e.name));
        if (e.isStatic) return staticMember(this, this.eval(e.obj), name, e);
        return getMember(this, this.eval(e.obj), name, e);
      }
      case 'call': {
        const obj = this.eval(e.obj);
        const name = toStr(this.eval(e.name));
        const args = e.args.map((a) => this.eval(a));
        return callMethod(this, obj, name, args, e);
      }
      case 'index':
        return this.index(this.eval(e.obj), this.eval(e.idx));
      case 'bin':
        return this.binaryExpr(e);
      case 'un':
        return this.unary(e.op, this.eval(e.e), e);
      case 'incdec': {
        const current = toNum(this.eval(e.target));
        const next = e.op === '++' ? current + 1 : current - 1;
        this.assignTo(e.target, next);
        return e.prefix ? next : current;
      }
      case 'pipeline':
        return collapse(this.pipeline(e.stages));
      case 'cmd':
        return collapse(this.command(e, undefined));
    }
  }

  private index(obj: Value, idx: Value): Value {
    if (isUnknown(obj)) return obj;
    if (isList(idx)) return toList(idx).map((i) => this.index(obj, i));
    if (obj instanceof PSObject) {
      if (obj.kind === 'hashtable') return obj.get(toStr(idx)) ?? null;
      return UNKNOWN;
    }
    if (isUnknown(idx)) return idx;
    const i = toNum(idx);
    if (!Number.isInteger(i)) return null;
    if (typeof obj === 'string') {
      const at = i < 0 ? obj.length + i : i;
      return at >= 0 && at < obj.length ? obj[at]! : null;
    }
    if (Array.isArray(obj) || obj instanceof Uint8Array) {
      const at = i < 0 ? obj.length + i : i;
      return at >= 0 && at < obj.length ? (obj[at] as Value) : null;
    }
    return i === 0 || i === -1 ? obj : null;
  }

  private binaryExpr(e: Extract<Expr, { t: 'bin' }>): Value {
    if (e.op === '-and') return toBool(this.eval(e.l)) ? toBool(this.eval(e.r)) : false;
    if (e.op === '-or') return toBool(this.eval(e.l)) ? true : toBool(this.eval(e.r));
    // 'a'+'b'+'c'+… parses to a left-deep tree as deep as the chain is long: fold its spine in a loop, since
    // thousands of pieces (ordinary obfuscation) overflowed the stack when each level recursed.
    const spine: Extract<Expr, { t: 'bin' }>[] = [];
    let left: Expr | Command = e;
    while (left.t === 'bin' && left.op !== '-and' && left.op !== '-or') {
      if (spine.length > 0) this.step();
      spine.push(left);
      left = left.l;
    }
    let value = this.eval(left);
    for (let i = spine.length - 1; i >= 0; i--) {
      const node = spine[i]!;
      const r = this.eval(node.r);
      if (node.op === '+' && node.r.t === 'str' && (node.l.t === 'str' || (node.l.t === 'bin' && node.l.op === '+'))) this.effects.technique('powershell.obfuscation.concatenation', this.evidence(node));
      value = this.binary(node.op, value, r, node);
    }
    return value;
  }

  binary(op: string, l: Value, r: Value, node: { start: number; end: number }): Value {
    const cs = op.startsWith('-c') && op !== '-contains';
    const name = op.replace(/^-[ci](?=[a-z]{2})/, '-');
    switch (name) {
      case '+':
        return this.add(l, r);
      case '-':
      case '*':
      case '/':
      case '%':
        return this.arith(name, l, r);
      case '-f': {
        const u = unknownIn(l, ...toList(r));
        if (u) return u;
        const args = toList(r);
        const fmt = toStr(l);
        if (isShuffledFormat(fmt, args.length)) this.effects.technique('powershell.obfuscation.format-operator', this.evidence(node));
        return this.capString(formatString(fmt, args));
      }
      case '-join': {
        const list = toList(l);
        const u = unknownIn(...list, r);
        if (u) return u;
        return this.capString(list.map((x) => toStr(x)).join(toStr(r)));
      }
      case '-split':
        return this.split(l, r, cs);
      case '-replace':
        return this.replace(l, r, cs, node);
      case '-eq':
      case '-ne': {
        if (isList(l)) return toList(l).filter((x) => looseEquals(x, r, cs) === (name === '-eq'));
        const u = unknownIn(l, r);
        if (u) return u;
        return looseEquals(l, r, cs) === (name === '-eq');
      }
      case '-gt':
      case '-ge':
      case '-lt':
      case '-le': {
        const u = unknownIn(l, r);
        if (u) return u;
        let cmp: number;
        if (typeof l === 'string' && Number.isNaN(toNum(l))) {
          const a = cs ? l : l.toLowerCase();
          const b = cs ? toStr(r) : toStr(r).toLowerCase();
          cmp = a < b ? -1 : a > b ? 1 : 0;
        } else cmp = toNum(l) - toNum(r);
        return name === '-gt' ? cmp > 0 : name === '-ge' ? cmp >= 0 : name === '-lt' ? cmp < 0 : cmp <= 0;
      }
      case '-like':
      case '-notlike': {
        const u = unknownIn(l, r);
        if (u) return u;
        const re = wildcard(toStr(r), cs);
        return re.test(toStr(l)) === (name === '-like');
      }
      case '-match':
      case '-notmatch': {
        const u = unknownIn(l, r);
        if (u) return u;
        const re = safeRegex(toStr(r), cs ? '' : 'i');
        if (!re) return UNKNOWN;
        const m = re.exec(toStr(l));
        if (m) {
          const matches = new PSObject('hashtable');
          m.forEach((g, i) => matches.set(String(i), g ?? null));
          this.setVar('matches', matches);
        }
        return !!m === (name === '-match');
      }
      case '-contains':
      case '-notcontains':
        return toList(l).some((x) => looseEquals(x, r, cs)) === (name === '-contains');
      case '-in':
      case '-notin':
        return toList(r).some((x) => looseEquals(x, l, cs)) === (name === '-in');
      case '-bxor':
      case '-band':
      case '-bor':
      case '-shl':
      case '-shr': {
        const u = unknownIn(l, r);
        if (u) return u;
        const a = toNum(typeof l === 'string' && l.length === 1 && Number.isNaN(toNum(l)) ? l.charCodeAt(0) : l);
        const b = toNum(typeof r === 'string' && r.length === 1 && Number.isNaN(toNum(r)) ? r.charCodeAt(0) : r);
        if (name === '-bxor') this.effects.technique('powershell.obfuscation.xor', this.evidence(node));
        if (name === '-bxor') return a ^ b;
        if (name === '-band') return a & b;
        if (name === '-bor') return a | b;
        if (name === '-shl') return a << b;
        return a >> b;
      }
      case '-xor':
        return toBool(l) !== toBool(r);
      case '-is':
      case '-isnot':
        return UNKNOWN;
      case '-as':
        return castTo(this, toStr(r).replace(/^\[|\]$/g, ''), l, node);
      case '..': {
        const u = unknownIn(l, r);
        if (u) return u;
        let a = toNum(l);
        let b = toNum(r);
        let chars = false;
        if (Number.isNaN(a) && typeof l === 'string' && typeof r === 'string' && l.length === 1 && r.length === 1) {
          a = l.charCodeAt(0);
          b = r.charCodeAt(0);
          chars = true;
        }
        if (!Number.isFinite(a) || !Number.isFinite(b)) return UNKNOWN;
        const n = this.capCount(Math.abs(b - a) + 1);
        const dir = b >= a ? 1 : -1;
        const out: Value[] = Array.from({ length: n });
        for (let i = 0; i < n; i++) out[i] = chars ? String.fromCharCode(a + i * dir) : a + i * dir;
        this.steps += n >> 4;
        return out;
      }
      default:
        return UNKNOWN;
    }
  }

  private add(l: Value, r: Value): Value {
    if (Array.isArray(l) || l instanceof Uint8Array) {
      const out = toList(l).concat(isList(r) ? toList(r) : [r]);
      this.capCount(out.length);
      return out;
    }
    const u = unknownIn(l, r);
    if (u) return u;
    if (l === null) return r;
    if (typeof l === 'string') return this.capString(l + toStr(r));
    if (l instanceof PSObject && l.kind === 'hashtable' && r instanceof PSObject) {
      const h = new PSObject('hashtable');
      for (const [k, v] of l.props) h.set(k, v);
      for (const [k, v] of r.props) h.set(k, v);
      return h;
    }
    const a = toNum(l);
    const b = toNum(r);
    if (Number.isNaN(a) || Number.isNaN(b)) return UNKNOWN;
    return a + b;
  }

  private arith(op: string, l: Value, r: Value): Value {
    const u = unknownIn(l, r);
    if (u) return u;
    if (op === '*' && typeof l === 'string') {
      // Repeat no further than the cap allows, then let capString report the cut.
      const times = Math.max(0, Math.floor(toNum(r)));
      const fit = Math.floor((this.options.maxBytes + 1) / Math.max(1, l.length));
      return this.capString(l.repeat(Math.min(times, fit)));
    }
    if (op === '*' && isList(l)) {
      const list = toList(l);
      const times = Math.max(0, toNum(r) | 0);
      const n = this.capCount(list.length * times);
      const out: Value[] = [];
      for (let i = 0; i < n; i++) out.push(list[i % list.length]!);
      return out;
    }
    const a = toNum(l);
    const b = toNum(r);
    if (Number.isNaN(a) || Number.isNaN(b)) return UNKNOWN;
    if (op === '-') return a - b;
    if (op === '*') return a * b;
    if (op === '/') {
      if (b === 0) throw new ThrowSignal('division by zero');
      const q = a / b;
      return q;
    }
    if (b === 0) throw new ThrowSignal('division by zero');
    return a % b;
  }

  private split(l: Value, r: Value, cs: boolean): Value {
    const u = unknownIn(l, ...toList(r));
    if (u) return u;
    const [pattern, maxRaw] = isList(r) ? toList(r) : [r];
    const re = safeRegex(toStr(pattern ?? ''), cs ? 'g' : 'gi');
    if (!re) return UNKNOWN;
    const max = maxRaw === undefined ? 0 : toNum(maxRaw);
    const out: Value[] = [];
    for (const item of toList(l)) {
      const parts = toStr(item).split(re);
      if (max > 0 && parts.length > max) out.push(...parts.slice(0, max - 1), parts.slice(max - 1).join(''));
      else out.push(...parts.filter((p) => p !== undefined));
    }
    noteUrlList(this, out);
    return out;
  }

  private replace(l: Value, r: Value, cs: boolean, node: { start: number; end: number }): Value {
    const u = unknownIn(l, ...toList(r));
    if (u) return u;
    const [pattern, replacement] = isList(r) ? toList(r) : [r, ''];
    const re = safeRegex(toStr(pattern ?? ''), cs ? 'g' : 'gi');
    if (!re) return UNKNOWN;
    const rep = toStr(replacement ?? '').replace(/\$0/g, '$$&').replace(/\$\{(\w+)\}/g, '$$<$1>');
    this.effects.technique('powershell.obfuscation.replace', this.evidence(node));
    const apply = (s: Value) => this.capString(toStr(s).replace(re, rep));
    return isList(l) ? toList(l).map(apply) : apply(l);
  }

  unary(op: string, v: Value, node: { start: number; end: number }): Value {
    switch (op) {
      case 'not':
        return isUnknown(v) ? v : !toBool(v);
      case 'neg': {
        if (isUnknown(v)) return v;
        const n = toNum(v);
        return Number.isNaN(n) ? UNKNOWN : -n;
      }
      case 'bnot':
        return isUnknown(v) ? v : ~toNum(v);
      case 'join': {
        const list = toList(v);
        const u = unknownIn(...list);
        if (u) return u;
        return this.capString(list.map((x) => toStr(x)).join(''));
      }
      case 'split':
        return isUnknown(v) ? v : toStr(v).trim().split(/\s+/);
      case 'string':
        return isUnknown(v) ? v : toStr(v);
      default:
        void node;
        return UNKNOWN;
    }
  }

  // ---- pipelines and commands ----

  pipeline(stages: Stage[]): Value[] {
    let input: Value[] | undefined;
    for (const stage of stages) {
      if (stage.t === 'cmd') input = this.command(stage, input);
      else {
        const v = this.eval(stage);
        input = input === undefined ? (isUnknown(v) ? [v] : enumerate(v)) : input;
      }
    }
    return input ?? [];
  }

  /** Runs a command with pipeline input; returns its output items. */
  command(cmd: Command, input: Value[] | undefined): Value[] {
    const nameValue = this.eval(cmd.name);
    const args = cmd.args.map((a) => ({ param: a.param, value: a.value ? this.eval(a.value) : undefined, node: a.value }));
    if (nameValue instanceof PSObject && nameValue.kind === 'block') return this.invokeBlock(nameValue, args.map((a) => a.value ?? null), input, cmd.invoke === '.');
    if (isUnknown(nameValue)) {
      this.effects.opaqueExecutions.push({ from: nameValue.from, via: 'a command name the script computes', evidence: this.evidence(cmd) });
      return [UNKNOWN];
    }
    const name = resolveCommandName(this, nameValue);
    if (cmd.name.t !== 'str' || !cmd.name.bare) this.noteComputedName(name, cmd);
    return callCommand(this, name, args, input, cmd);
  }

  /** `& ('i'+'ex')`, `.($pshome[4]+$pshome[30]+'x')`: a command whose name is computed is obfuscation. */
  private noteComputedName(name: string, cmd: Command): void {
    if (cmd.name.t === 'str' && !/[`]/.test(this.evidence(cmd.name))) return;
    this.effects.technique('powershell.obfuscation.computed-command', `${this.evidence(cmd).slice(0, 200)} → ${name}`);
  }

  invokeBlock(block: PSObject, args: Value[], input: Value[] | undefined, sameScope = false): Value[] {
    const data = block.data as BlockData;
    if (++this.callDepth > 64) {
      this.callDepth--;
      this.effects.limit('powershellSteps', 'script blocks nested more than 64 deep');
      return [UNKNOWN];
    }
    if (!sameScope) this.scopes.push(new Map());
    const out: Value[] = [];
    try {
      this.setVar('args', args);
      data.node.params.forEach((p, i) => this.setVar(p.name, args[i] ?? (p.value ? this.eval(p.value) : null)));
      if (input !== undefined) this.setVar('input', input);
      this.execBlock(data.node.body, out);
    } catch (err) {
      if (err instanceof ReturnSignal) emit(out, err.value, true);
      else throw err;
    } finally {
      if (!sameScope) this.scopes.pop();
      this.callDepth--;
    }
    return out;
  }

  /** Calls a script-defined function with bound arguments. */
  callFunction(fn: FunctionDef, args: { param?: string; value?: Value }[], input: Value[] | undefined): Value[] {
    if (++this.callDepth > 64) {
      this.callDepth--;
      this.effects.limit('powershellSteps', 'functions recursed more than 64 deep');
      return [UNKNOWN];
    }
    this.scopes.push(new Map());
    const out: Value[] = [];
    try {
      const positional: Value[] = [];
      const named = new Map<string, Value>();
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        if (a.param !== undefined) {
          const next = args[i + 1];
          if (next && next.param === undefined) {
            named.set(a.param, next.value ?? null);
            i++;
          } else named.set(a.param, true);
        } else positional.push(a.value ?? null);
      }
      let p = 0;
      for (const param of fn.params) {
        const key = [...named.keys()].find((k) => param.name.startsWith(k));
        const value = key !== undefined ? named.get(key)! : p < positional.length ? positional[p++]! : param.value ? this.eval(param.value) : null;
        this.setVar(param.name, value);
      }
      this.setVar('args', positional.slice(p));
      if (input !== undefined) this.setVar('input', input);
      this.execBlock(fn.body, out);
    } catch (err) {
      if (err instanceof ReturnSignal) emit(out, err.value, true);
      else throw err;
    } finally {
      this.scopes.pop();
      this.callDepth--;
    }
    return out;
  }

  /** ForEach-Object: runs the block once per input item with $_ set. */
  forEachItem(block: PSObject, items: Value[]): Value[] {
    const out: Value[] = [];
    const data = block.data as BlockData;
    this.loop(items.length, (i) => {
      this.setVar('_', items[i]!);
      this.setVar('psitem', items[i]!);
      try {
        this.execBlock(data.node.body, out);
      } catch (err) {
        if (err instanceof ReturnSignal) emit(out, err.value, true);
        else throw err;
      }
    });
    return out;
  }

  whereItems(block: PSObject, items: Value[]): Value[] {
    return items.filter((item) => {
      this.setVar('_', item);
      const out: Value[] = [];
      this.execBlock((block.data as BlockData).node.body, out);
      return toBool(collapse(out));
    });
  }

  /** Throws the way a failing .NET call does (caught by try/catch in the script). */
  fail(message: string): never {
    throw new ThrowSignal(message);
  }
}

/** Pipeline output: arrays are enumerated (one level), like PowerShell writing a collection. */
function emit(out: Value[], v: Value, enumerateIt: boolean): void {
  if (v === null) return;
  if (enumerateIt && Array.isArray(v)) {
    for (const x of v) out.push(x);
  } else out.push(v);
}

export function enumerate(v: Value): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v);
  if (v === null) return [];
  return [v];
}

/** Many outputs make an array, one is itself, none is $null. */
export function collapse(out: Value[]): Value {
  if (out.length === 0) return null;
  if (out.length === 1) return out[0]!;
  return out;
}

function wildcard(pattern: string, cs: boolean): RegExp {
  const body = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  // Only literals, . and .* here: the backtracking engine is a safe fallback (polynomial, not exponential).
  return linearRegExp(`^${body}$`, cs ? 's' : 'is') ?? new RegExp(`^${body}$`, cs ? 's' : 'is');
}

/** A .NET regular expression as a JavaScript one; undefined when it does not compile (in linear time, see linear-regex.ts). */
export function safeRegex(pattern: string, flags: string): RegExp | undefined {
  if (pattern.length > 4096) return undefined;
  return linearRegExp(pattern.replace(/\(\?<(\w+)>/g, '(?<$1>').replace(/\\A/g, '^').replace(/\\Z/gi, '$'), flags);
}

