// A bounded evaluator for the side-effect-free part of VBScript: variables and constants, string building,
// the string functions, user procedures and loops over known ranges, run inline with a step budget. Calls
// on COM objects go to the object model (objects.ts), which only records what the script asks for.
// Conditions it cannot decide explore every branch once, so a check on the server's answer hides nothing.

import type { Expr, Procedure, Stmt } from './ast.ts';
import { BUILTINS, CONSTANTS, type BuiltinContext } from './builtins.ts';
import { Effects } from './effects.ts';
import { callDefault, callMember, createObject, getMember, getObject, itemsOf, newObject, setMember, type ObjectHost } from './objects.ts';
import { compare, operate } from './operators.ts';
import { parseExpression, parseScript } from './parser.ts';
import { EMPTY, NOTHING, NULL, isArray, isBytes, isObject, show, toBool, toNum, toStr, unknown, type Value, type VbObject } from './values.ts';

export interface EvaluatorOptions {
  maxSteps: number;
  maxBytes: number;
  maxLoopIterations: number;
  signal?: AbortSignal;
  /** The script text, for evidence. */
  source: string;
  /** The script's file name (WScript.ScriptName, self-deletion). */
  scriptName: string;
}

/** Ends the evaluation: the step budget is spent, the time is up, or the script called WScript.Quit. */
class Stop extends Error {}
/** Exit For / Exit Do / Exit Function / Exit Sub, unwinding to the block it names. */
class ExitBlock extends Error {
  constructor(readonly what: string) {
    super(what);
  }
}

interface Slot {
  value: Value;
  constant?: boolean;
}
interface Frame {
  vars: Map<string, Slot>;
  proc: Procedure;
  result: Value;
  /** The instance a class method runs on (`Me`). */
  self?: VbObject;
}

/** A script Class: fields, methods (Functions, Subs, Property Get) and property setters (Let/Set). */
interface ScriptClass {
  name: string;
  fields: string[];
  methods: Map<string, Procedure>;
  setters: Map<string, Procedure>;
}

/** Deep enough for real helper chains; beyond it a procedure call returns unknown. */
const MAX_CALL_DEPTH = 64;
/** Eval inside Eval inside Eval…: computed inline only this deep. */
const MAX_EVAL_DEPTH = 8;
/** Executed code read for the procedures it defines, up to this size. */
const MAX_BORROWED_CHARS = 1024 * 1024;

export class Evaluator implements ObjectHost, BuiltinContext {
  steps = 0;
  readonly effects: Effects;
  readonly maxBytes: number;
  readonly maxItems: number;
  readonly scriptName: string;
  private readonly globals = new Map<string, Slot>();
  private readonly procs = new Map<string, Procedure>();
  private readonly classes = new Map<string, ScriptClass>();
  private readonly frames: Frame[] = [];
  private readonly withStack: Value[] = [];
  private readonly called = new Set<string>();
  private readonly wscript: VbObject = newObject('wscript', 'WScript');
  private readonly err: VbObject = newObject('err', 'Err');
  private evalDepth = 0;
  /** Loops the current statement runs in (a procedure call starts again from 0). */
  private loopDepth = 0;
  /** Why evaluation ended early, if it did. */
  stoppedBy?: 'steps' | 'time' | 'quit';

  constructor(private readonly options: EvaluatorOptions) {
    this.maxBytes = options.maxBytes;
    this.effects = new Effects(options.maxBytes);
    this.maxItems = Math.max(1, Math.min(1_000_000, Math.floor(options.maxBytes / 16)));
    this.scriptName = options.scriptName;
  }

  run(body: Stmt[]): void {
    this.hoist(body);
    try {
      this.block(body);
    } catch (err) {
      if (!(err instanceof Stop) && !(err instanceof ExitBlock)) throw err;
    }
    // Procedures nothing called are entry points the host calls (Window_OnLoad in an HTA, event handlers):
    // each runs once with unknown arguments so what they would do is seen.
    const entries: { proc: Procedure; cls?: ScriptClass }[] = [...this.procs.values()].map((proc) => ({ proc }));
    for (const cls of this.classes.values()) for (const proc of cls.methods.values()) entries.push({ proc, cls });
    for (const { proc, cls } of entries) {
      if (this.called.has(this.callKey(proc, cls?.name)) || this.stoppedBy === 'steps' || this.stoppedBy === 'time') continue;
      try {
        const self = cls ? this.instantiate(cls) : undefined;
        this.callProc(proc, proc.params.map((p) => unknown(`the argument ${p.name}`)), self);
      } catch (err) {
        if (!(err instanceof Stop) && !(err instanceof ExitBlock)) throw err;
        if (this.stoppedBy === 'quit') this.stoppedBy = undefined;
      }
    }
  }

  private callKey(proc: Procedure, className?: string): string {
    return className ? `${className.toLowerCase()}.${proc.lower}` : proc.lower;
  }

  // BuiltinContext / ObjectHost ----------------------------------------------------------------------------

  str(s: string): Value {
    return s.length <= this.maxBytes ? s : this.tooLarge();
  }

  tooLarge(): Value {
    this.effects.limit('maxDecodedBytes', `a string grew past ${this.maxBytes} characters and was left unknown`);
    return unknown('a string larger than the limit');
  }

  technique(id: string, evidence: string): void {
    this.effects.technique(id, evidence);
  }

  // Budget -------------------------------------------------------------------------------------------------

  work(chars: number): void {
    if (chars < 256) return;
    this.steps += Math.floor(chars / 256);
    this.tick();
  }

  private tick(): void {
    this.steps++;
    if (this.steps > this.options.maxSteps) {
      this.stoppedBy = 'steps';
      this.effects.limit('vbscriptSteps', `evaluation stopped after ${this.options.maxSteps} steps`);
      throw new Stop();
    }
    if ((this.steps & 4095) === 0 && this.options.signal?.aborted) {
      this.stoppedBy = 'time';
      throw new Stop();
    }
  }

  private evidence(at: number): string {
    const line = this.options.source.slice(Math.max(0, at), Math.max(0, at) + 240);
    return line.split(/\r?\n/)[0]!.trim();
  }

  // Statements ---------------------------------------------------------------------------------------------

  private hoist(body: Stmt[]): void {
    for (const s of body) {
      if (s.t === 'procedure' && !this.procs.has(s.proc.lower)) this.procs.set(s.proc.lower, s.proc);
      if (s.t === 'class') this.defineClass(s);
    }
  }

  private defineClass(s: Extract<Stmt, { t: 'class' }>): void {
    const cls: ScriptClass = { name: s.name, fields: s.fields.map((f) => f.toLowerCase()), methods: new Map(), setters: new Map() };
    for (const p of s.procs) (p.accessor === 'let' || p.accessor === 'set' ? cls.setters : cls.methods).set(p.lower, p);
    this.classes.set(s.name.toLowerCase(), cls);
  }

  /** `New Name`: an instance with its fields Empty, after Class_Initialize. */
  private instantiate(cls: ScriptClass): VbObject {
    const obj = newObject('script-class', cls.name, { cls });
    for (const f of cls.fields) obj.props.set(f, EMPTY);
    const init = cls.methods.get('class_initialize');
    if (init) this.callProc(init, [], obj);
    return obj;
  }

  /** A member of a script class instance: a field, a method, or a Property Get. */
  private classMember(obj: VbObject, name: string, args: Value[]): Value {
    const cls = obj.state.cls as ScriptClass;
    const lower = name.toLowerCase();
    const method = cls.methods.get(lower);
    if (method) return this.callProc(method, args, obj);
    if (obj.props.has(lower)) return this.apply(obj.props.get(lower)!, args);
    return unknown(`${cls.name}.${name}`);
  }

  private block(body: Stmt[]): void {
    for (const stmt of body) this.exec(stmt);
  }

  private exec(s: Stmt): void {
    this.tick();
    switch (s.t) {
      case 'assign': {
        const value = this.eval(s.value);
        // A string the script computed (not one it wrote down) is what deobfuscation recovered: shown to the
        // analyst. Inside a loop only the finished value counts (a function's result), not every prefix.
        if (this.loopDepth === 0 && typeof value === 'string' && value.length >= 6 && s.value.t !== 'lit') this.effects.decodedString(value);
        this.assign(s.target, value);
        return;
      }
      case 'call':
        this.call(s.callee, s.args, s.at);
        return;
      case 'dim':
        for (const d of s.names) this.declare(d.name, d.bounds, s.redim, s.preserve);
        return;
      case 'const':
        for (const c of s.names) this.slots().set(c.name.toLowerCase(), { value: this.eval(c.value), constant: true });
        return;
      case 'if':
        this.ifStatement(s);
        return;
      case 'for':
        this.forLoop(s);
        return;
      case 'foreach':
        this.forEach(s);
        return;
      case 'loop':
        this.loop(s);
        return;
      case 'select':
        this.select(s);
        return;
      case 'with':
        this.withStack.push(this.eval(s.object));
        try {
          this.block(s.body);
        } finally {
          this.withStack.pop();
        }
        return;
      case 'exit':
        throw new ExitBlock(s.what);
      case 'procedure':
        this.procs.set(s.proc.lower, s.proc);
        return;
      case 'class':
        this.defineClass(s);
        return;
      case 'onerror':
        return;
    }
  }

  private slots(): Map<string, Slot> {
    return this.frames.at(-1)?.vars ?? this.globals;
  }

  private declare(name: string, bounds: Expr[], redim: boolean, preserve: boolean): void {
    const lower = name.toLowerCase();
    const slots = this.slots();
    if (bounds.length === 0) {
      if (!slots.has(lower)) slots.set(lower, { value: EMPTY });
      return;
    }
    const upper = toNum(this.eval(bounds[0]!));
    if (upper === undefined || bounds.length > 1) {
      slots.set(lower, { value: unknown(`the array ${name}`) });
      return;
    }
    const size = Math.floor(upper) + 1;
    if (size > this.maxItems || size < 0) {
      this.effects.limit('maxDecodedBytes', `an array of ${size} items (${name}) was left unknown`);
      slots.set(lower, { value: unknown(`the array ${name}`) });
      return;
    }
    const existing = redim ? this.lookupSlot(lower) : undefined;
    const items: Value[] = preserve && existing && isArray(existing.value) ? existing.value.items.slice(0, size) : [];
    while (items.length < size) items.push(EMPTY);
    if (existing && redim) existing.value = { kind: 'array', items };
    else slots.set(lower, { value: { kind: 'array', items } });
  }

  private ifStatement(s: Extract<Stmt, { t: 'if' }>): void {
    let undecided = false;
    for (const branch of s.branches) {
      const c = toBool(this.eval(branch.cond));
      if (c === false) continue;
      if (c === true) {
        this.block(branch.body);
        return;
      }
      this.explore(branch.body); // undecidable: this branch runs, and the others may run too
      undecided = true;
    }
    if (undecided) this.explore(s.otherwise);
    else this.block(s.otherwise);
  }

  /**
   * Runs a branch the evaluator cannot decide on. A WScript.Quit or Exit Sub inside it ends only that path:
   * `If <not a sandbox> Then … Else WScript.Quit` must not hide what the other path does.
   */
  private explore(body: Stmt[]): void {
    const before = this.snapshot();
    try {
      this.block(body);
    } catch (err) {
      if (err instanceof Stop && this.stoppedBy === 'quit') this.stoppedBy = undefined;
      else if (!(err instanceof ExitBlock)) throw err;
      // That path ended; the path that goes on never saw its assignments (`Set web = Nothing : Exit Function`).
      this.restore(before);
    }
  }

  /** The variables' values (not the objects' insides), to undo a path that ended. Costs a step per variable. */
  private snapshot(): { slots: Map<string, Slot>; values: Map<string, Value> }[] {
    const maps = [this.globals, ...(this.frames.length ? [this.frames.at(-1)!.vars] : [])];
    return maps.map((slots) => {
      this.steps += slots.size;
      return { slots, values: new Map([...slots].map(([k, v]) => [k, v.value])) };
    });
  }

  private restore(saved: { slots: Map<string, Slot>; values: Map<string, Value> }[]): void {
    for (const { slots, values } of saved) {
      for (const key of slots.keys()) if (!values.has(key)) slots.delete(key); // deleting while iterating a Map is safe
      for (const [key, value] of values) {
        const slot = slots.get(key);
        if (slot) slot.value = value;
      }
    }
  }

  private select(s: Extract<Stmt, { t: 'select' }>): void {
    const subject = this.eval(s.subject);
    let undecided = false;
    for (const clause of s.cases) {
      if (clause.tests.length === 0) {
        if (undecided) this.explore(clause.body);
        else this.block(clause.body);
        return;
      }
      let decided: boolean | undefined = false;
      for (const test of clause.tests) {
        const eq = compare('=', subject, this.eval(test), this);
        if (eq === true) {
          decided = true;
          break;
        }
        if (eq === undefined) decided = undefined;
      }
      if (decided === false) continue;
      if (decided === true) {
        this.block(clause.body);
        return;
      }
      this.explore(clause.body);
      undecided = true;
    }
  }

  private loopBody(body: Stmt[], kind: 'for' | 'do'): boolean {
    this.loopDepth++;
    try {
      this.block(body);
      return true;
    } catch (err) {
      if (err instanceof ExitBlock && err.what === kind) return false;
      throw err;
    } finally {
      this.loopDepth--;
    }
  }

  private tooManyIterations(n: number, at: number): boolean {
    if (n <= this.options.maxLoopIterations) return false;
    this.effects.limit('vbscriptSteps', `a loop stopped after ${this.options.maxLoopIterations} iterations (a twentieth of the step budget): ${this.evidence(at)}`, 'loop');
    return true;
  }

  private forLoop(s: Extract<Stmt, { t: 'for' }>): void {
    const from = toNum(this.eval(s.from));
    const to = toNum(this.eval(s.to));
    const step = s.step ? toNum(this.eval(s.step)) : 1;
    const target: Expr = { t: 'name', name: s.variable, at: s.at };
    if (from === undefined || to === undefined || step === undefined || step === 0) {
      this.assign(target, unknown(`the loop counter ${s.variable}`));
      this.loopBody(s.body, 'for');
      return;
    }
    let i = from;
    let n = 0;
    while (step > 0 ? i <= to : i >= to) {
      if (this.tooManyIterations(++n, s.at)) return;
      this.assign(target, i);
      if (!this.loopBody(s.body, 'for')) return;
      const now = toNum(this.eval(target));
      if (now === undefined) return;
      i = now + step;
    }
    this.assign(target, i);
  }

  private forEach(s: Extract<Stmt, { t: 'foreach' }>): void {
    const target: Expr = { t: 'name', name: s.variable, at: s.at };
    const items = itemsOf(this.eval(s.collection));
    if (!items) {
      this.assign(target, unknown(`an item of ${this.evidence(s.at)}`));
      this.loopBody(s.body, 'for');
      return;
    }
    let n = 0;
    // A copy: the body may change the array it walks.
    for (const item of items.slice()) {
      if (this.tooManyIterations(++n, s.at)) return;
      this.assign(target, item);
      if (!this.loopBody(s.body, 'for')) return;
    }
  }

  private loop(s: Extract<Stmt, { t: 'loop' }>): void {
    const keepGoing = (): boolean | undefined => {
      if (!s.cond) return true;
      const c = toBool(this.eval(s.cond));
      return c === undefined ? undefined : s.until ? !c : c;
    };
    let n = 0;
    while (true) {
      if (!s.after) {
        const go = keepGoing();
        if (go === false) return;
        if (go === undefined) {
          this.loopBody(s.body, 'do'); // undecidable: the body runs once
          return;
        }
      }
      if (this.tooManyIterations(++n, s.at)) return;
      if (!this.loopBody(s.body, 'do')) return;
      if (s.after && keepGoing() !== true) return;
    }
  }

  // Variables ----------------------------------------------------------------------------------------------

  /** A variable by scope: the procedure's locals, then the fields of the instance it runs on, then globals. */
  private lookupSlot(lower: string): Slot | undefined {
    const frame = this.frames.at(-1);
    const local = frame?.vars.get(lower);
    if (local) return local;
    const self = frame?.self;
    if (self?.props.has(lower)) {
      return {
        get value() {
          return self.props.get(lower) ?? EMPTY;
        },
        set value(v: Value) {
          self.props.set(lower, v);
        },
      };
    }
    return this.globals.get(lower);
  }

  private assign(target: Expr, value: Value): void {
    if (target.t === 'name') {
      const lower = target.name.toLowerCase();
      const frame = this.frames.at(-1);
      if (frame && frame.proc.lower === lower) {
        frame.result = value;
        return;
      }
      const slot = this.lookupSlot(lower);
      if (slot) {
        if (!slot.constant) slot.value = value;
        return;
      }
      this.slots().set(lower, { value });
      return;
    }
    if (target.t === 'member') {
      const base = target.base ? this.eval(target.base) : this.withStack.at(-1);
      if (base && isObject(base) && base.family === 'script-class') {
        const setter = (base.state.cls as ScriptClass).setters.get(target.name.toLowerCase());
        if (setter) this.callProc(setter, [value], base);
        else base.props.set(target.name.toLowerCase(), value);
      } else if (base && isObject(base)) setMember(this, base, target.name, value);
      return;
    }
    if (target.t === 'call') {
      const args = target.args.map((a) => this.eval(a));
      // dict.Item(k) = v is dict(k) = v.
      const callee = target.callee.t === 'member' && target.callee.name.toLowerCase() === 'item' && target.callee.base ? target.callee.base : target.callee;
      const holder = callee.t === 'name' ? this.lookupSlot(callee.name.toLowerCase())?.value : this.eval(callee);
      if (holder && isArray(holder) && args.length === 1) {
        const i = toNum(args[0]!);
        if (i !== undefined && i >= 0 && i < holder.items.length) holder.items[Math.floor(i)] = value;
      } else if (holder && isObject(holder) && holder.family === 'dictionary') {
        callMember(this, holder, 'add', [args[0] ?? EMPTY, value]);
      }
    }
  }

  // Expressions --------------------------------------------------------------------------------------------

  eval(e: Expr): Value {
    this.tick();
    switch (e.t) {
      case 'lit':
        if (e.value === null) return e.empty ? EMPTY : e.nothing ? NOTHING : NULL;
        return e.value;
      case 'name':
        return this.lookup(e.name, e.at);
      case 'member': {
        const base = e.base ? this.eval(e.base) : (this.withStack.at(-1) ?? unknown('a With object'));
        return this.member(base, e.name);
      }
      case 'call':
        return this.call(e.callee, e.args, e.at);
      case 'binary':
        return this.binary(e.op, e.left, e.right);
      case 'unary': {
        const v = this.eval(e.operand);
        if (e.op === 'not') {
          if (typeof v === 'boolean') return !v;
          const n = toNum(v);
          return n === undefined ? unknown('Not of something unknown') : ~n;
        }
        const n = toNum(v);
        if (n === undefined) return unknown('a negated unknown');
        return e.op === '-' ? -n : n;
      }
      case 'new': {
        const cls = this.classes.get(e.name.toLowerCase());
        return cls ? this.instantiate(cls) : newObject('other', `New ${e.name}`);
      }
    }
  }

  private lookup(name: string, at: number): Value {
    const lower = name.toLowerCase();
    const frame = this.frames.at(-1);
    if (frame && frame.proc.lower === lower) return frame.result;
    const slot = this.lookupSlot(lower);
    if (slot) return slot.value;
    if (frame?.self) {
      if (lower === 'me') return frame.self;
      const method = (frame.self.state.cls as ScriptClass).methods.get(lower);
      if (method) return this.callProc(method, [], frame.self);
    }
    const proc = this.procs.get(lower);
    if (proc) return this.callProc(proc, []);
    if (Object.hasOwn(CONSTANTS, lower)) return CONSTANTS[lower]!;
    if (lower === 'wscript' || lower === 'wsh') return this.wscript;
    if (lower === 'err') return this.err;
    if (Object.hasOwn(BUILTINS, lower)) return BUILTINS[lower]!([], this);
    void at;
    return EMPTY; // an undeclared variable is Empty in VBScript
  }

  private member(base: Value, name: string): Value {
    if (isObject(base) && base.family === 'script-class') return this.classMember(base, name, []);
    if (isObject(base)) return getMember(this, base, name);
    if (isArray(base) && /^(count|length)$/i.test(name)) return base.items.length;
    return unknown(`${show(base, 60)}.${name}`);
  }

  /** A call, an array index or a default member: `f(x)`, `arr(2)`, `obj.Method x`, `env("TEMP")`. */
  private call(callee: Expr, argExprs: Expr[], at: number): Value {
    if (callee.t === 'name') {
      const lower = callee.name.toLowerCase();
      const frame = this.frames.at(-1);
      const slot: Slot | undefined = frame && frame.proc.lower === lower && argExprs.length === 0 ? { value: frame.result } : this.lookupSlot(lower);
      if (slot) return this.apply(slot.value, argExprs.map((a) => this.eval(a)));
      if (frame?.self && (frame.self.state.cls as ScriptClass).methods.has(lower)) {
        return this.classMember(frame.self, callee.name, argExprs.map((a) => this.eval(a)));
      }
      const proc = this.procs.get(lower);
      if (proc) return this.callProc(proc, argExprs.map((a) => this.eval(a)));
      const args = argExprs.map((a) => this.eval(a));
      switch (lower) {
        case 'createobject':
          return this.createObject(args, at);
        case 'getobject':
          return this.getObject(args, at);
        case 'execute':
        case 'executeglobal':
        case 'eval':
          return this.dynamicCode(callee.name, args[0] ?? EMPTY, at);
      }
      if (lower === 'wscript' || lower === 'wsh') return this.wscript;
      if (lower === 'err') return this.err;
      const builtin = BUILTINS[lower];
      if (builtin && Object.hasOwn(BUILTINS, lower)) return builtin(args, this);
      if (args.length === 0) return this.lookup(callee.name, at);
      return unknown(`${callee.name}(…)`);
    }
    if (callee.t === 'member') {
      const base = callee.base ? this.eval(callee.base) : (this.withStack.at(-1) ?? unknown('a With object'));
      const args = argExprs.map((a) => this.eval(a));
      if (isObject(base) && base.family === 'script-class') return this.classMember(base, callee.name, args);
      if (isObject(base)) {
        const lower = callee.name.toLowerCase();
        if (base === this.wscript && (lower === 'quit')) {
          this.stoppedBy = 'quit';
          throw new Stop();
        }
        return callMember(this, base, callee.name, args);
      }
      if (isArray(base) && args.length === 0) return this.member(base, callee.name);
      return unknown(`${show(base, 60)}.${callee.name}(…)`);
    }
    const target = this.eval(callee);
    return this.apply(target, argExprs.map((a) => this.eval(a)));
  }

  /** Applies arguments to a value: index an array or bytes, call an object's default member. */
  private apply(target: Value, args: Value[]): Value {
    if (args.length === 0) return target;
    if (isArray(target)) {
      const i = toNum(args[0]!);
      if (i === undefined || args.length > 1) return unknown('an array item');
      return target.items[Math.floor(i)] ?? unknown('an item past the end of an array');
    }
    if (isBytes(target) && !target.from) {
      const i = toNum(args[0]!);
      return i === undefined ? unknown('a byte') : (target.bytes[Math.floor(i)] ?? unknown('a byte past the end'));
    }
    if (isObject(target)) return callDefault(this, target, args);
    return unknown(`${show(target, 60)}(…)`);
  }

  private createObject(args: Value[], at: number): Value {
    const progid = toStr(args[0] ?? EMPTY);
    if (progid === undefined || progid === '') {
      this.effects.technique('vbscript.obfuscation.computed-progid', this.evidence(at));
      return newObject('other', 'an object built at run time');
    }
    return createObject(this, progid, `CreateObject("${progid}")`);
  }

  private getObject(args: Value[], at: number): Value {
    const moniker = toStr(args[0] ?? EMPTY);
    const progid = toStr(args[1] ?? EMPTY);
    if (moniker === '' && progid) return createObject(this, progid, `GetObject("", "${progid}")`);
    if (moniker === undefined) return unknown(`GetObject of ${this.evidence(at)}`);
    return getObject(this, moniker, `GetObject("${moniker.slice(0, 200)}")`);
  }

  /** Execute / ExecuteGlobal / Eval: the text becomes the next layer; Eval's value is computed inline too. */
  private dynamicCode(via: string, code: Value, at: number): Value {
    const text = toStr(code);
    if (text === undefined) {
      this.effects.add(this.effects.opaqueLayers, { via, evidence: this.evidence(at) });
      return unknown(`${via} of code that cannot be known`);
    }
    if (text.trim() === '') return EMPTY;
    this.effects.addLayer({ text, via, language: 'vbscript', evidence: `${via}: ${text.slice(0, 200)}` });
    if (via.toLowerCase() !== 'eval') {
      this.borrowProcedures(text);
      return unknown(`what ${via} returns`);
    }
    if (this.evalDepth >= MAX_EVAL_DEPTH) return unknown('what Eval returns');
    // Parsing costs more per character than scanning: a quarter of a step each.
    this.work(text.length * 64);
    const expr = parseExpression(text);
    if (!expr) return unknown('what Eval returns');
    this.evalDepth++;
    try {
      return this.eval(expr);
    } finally {
      this.evalDepth--;
    }
  }

  /**
   * ExecuteGlobal of a library (a decoder Function the script calls next) defines procedures this layer uses:
   * they are taken over, not run here. Their own effects are the child layer's (marked called, so the pass
   * over uncalled procedures does not report them twice).
   */
  private borrowProcedures(text: string): void {
    if (text.length > MAX_BORROWED_CHARS || !/\b(function|sub)\b/i.test(text)) return;
    this.work(text.length * 64);
    for (const s of parseScript(text, MAX_BORROWED_CHARS).body) {
      if (s.t !== 'procedure' || this.procs.has(s.proc.lower)) continue;
      this.procs.set(s.proc.lower, s.proc);
      this.called.add(s.proc.lower);
    }
  }

  private callProc(proc: Procedure, args: Value[], self?: VbObject): Value {
    this.called.add(this.callKey(proc, self ? (self.state.cls as ScriptClass).name : undefined));
    if (this.frames.length >= MAX_CALL_DEPTH) {
      this.effects.technique('vbscript.hostile.recursion', `${proc.name} called ${MAX_CALL_DEPTH} levels deep`);
      return unknown(`${proc.name} called too deep`);
    }
    const vars = new Map<string, Slot>();
    proc.params.forEach((p, i) => vars.set(p.name.toLowerCase(), { value: args[i] ?? EMPTY }));
    const frame: Frame = { vars, proc, result: EMPTY, self };
    this.frames.push(frame);
    const loopDepth = this.loopDepth;
    this.loopDepth = 0;
    try {
      this.hoist(proc.body);
      this.block(proc.body);
    } catch (err) {
      if (!(err instanceof ExitBlock)) throw err;
    } finally {
      this.frames.pop();
      this.loopDepth = loopDepth;
    }
    if (loopDepth === 0 && typeof frame.result === 'string' && frame.result.length >= 6) this.effects.decodedString(frame.result);
    return frame.result;
  }

  /**
   * A chain `a & b & c & …` is a left-deep spine thousands of nodes long in obfuscated scripts: walk it in a
   * loop rather than by recursion, so its length cannot overflow the stack.
   */
  private binary(op: string, le: Expr, re: Expr): Value {
    const spine: { op: string; right: Expr }[] = [{ op, right: re }];
    let leftmost = le;
    while (leftmost.t === 'binary') {
      this.tick();
      spine.push({ op: leftmost.op, right: leftmost.right });
      leftmost = leftmost.left;
    }
    let acc = this.eval(leftmost);
    for (let i = spine.length - 1; i >= 0; i--) acc = operate(spine[i]!.op, acc, this.eval(spine[i]!.right), this);
    return acc;
  }
}
