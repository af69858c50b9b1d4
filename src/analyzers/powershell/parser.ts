// A recursive-descent parser for the PowerShell that droppers write: statements, pipelines, commands in
// argument mode, expressions with PowerShell's operator precedence. It recovers from what it cannot read
// (skips to the next statement) and bounds its nesting, so hostile text yields a partial tree, never a hang.

import type { Arg, Command, Expr, Param, Stage, Stmt } from './ast.ts';
import {
  Source,
  isDash,
  isDoubleQuote,
  isSingleQuote,
  readBareWord,
  readDoubleQuoted,
  readHereString,
  readIdentifier,
  readNumber,
  readSingleQuoted,
  readVariableName,
  type ExpandablePart,
} from './lexer.ts';

class ParseError extends Error {}

const MAX_NESTING = 200;

const LOGICAL = new Set(['and', 'or', 'xor']);
const BITWISE = new Set(['band', 'bor', 'bxor', 'shl', 'shr']);
const COMPARISON = new Set(
  (
    'eq ne gt ge lt le like notlike match notmatch replace contains notcontains in notin split join is isnot as ' +
    'ceq cne cgt cge clt cle clike cnotlike cmatch cnotmatch creplace ccontains cnotcontains cin cnotin csplit ' +
    'ieq ine igt ige ilt ile ilike inotlike imatch inotmatch ireplace icontains inotcontains iin inotin isplit'
  ).split(' '),
);
const UNARY_DASH = new Set(['not', 'bnot', 'join', 'split']);
const ASSIGN = ['=', '+=', '-=', '*=', '/=', '%='];
/** Attributes that stand alone before param( … ) or a parameter: skipped, they change nothing we evaluate. */
const ATTRIBUTE = /^\[\s*(CmdletBinding|Parameter|OutputType|Alias|Validate\w*|AllowNull|AllowEmpty\w*|SuppressMessage\w*|Diagnostics\.CodeAnalysis\.\w+)\s*\(/i;

export interface ParseResult {
  body: Stmt[];
  /** Statements that could not be read and were skipped. */
  errors: number;
  /** Backticks found inside names: token obfuscation. */
  backtickNames: number;
}

export function parseScript(text: string): ParseResult {
  const p = new Parser(text);
  const body = p.statementList('');
  return { body, errors: p.errors, backtickNames: p.src.backtickNames };
}

class Parser {
  readonly src: Source;
  errors = 0;
  private depth = 0;

  constructor(text: string) {
    this.src = new Source(text);
  }

  private fail(what: string): never {
    throw new ParseError(`${what} at ${this.src.pos}`);
  }

  private enter(): void {
    // Callers enter() before their try/finally leave(): undo the step here, or the top-level statement
    // list sees depth > 0 and rethrows instead of recovering.
    if (++this.depth > MAX_NESTING) {
      this.depth--;
      this.fail('nesting too deep');
    }
  }

  private leave(): void {
    this.depth--;
  }

  private expect(ch: string): void {
    this.src.skipSpace(true);
    if (this.src.peek() !== ch) this.fail(`expected ${ch}`);
    this.src.pos++;
  }

  // ---- statements ----

  statementList(close: '' | '}' | ')'): Stmt[] {
    const out: Stmt[] = [];
    const src = this.src;
    for (;;) {
      src.skipSpace(true);
      while (src.peek() === ';') {
        src.pos++;
        src.skipSpace(true);
      }
      if (src.atEnd()) break;
      if (close && src.peek() === close) break;
      const start = src.pos;
      try {
        out.push(this.statement());
        // Every statement must consume text; one that did not is skipped so the loop always ends.
        if (src.pos === start) {
          this.errors++;
          this.recover(start, close);
        }
      } catch (err) {
        if (!(err instanceof ParseError) || this.depth > 0 && close === '') throw err;
        this.errors++;
        this.recover(start, close);
      }
    }
    return out;
  }

  /** Skips to the end of the bad statement: the next ; or newline outside brackets, or the closing bracket. */
  private recover(start: number, close: string): void {
    const t = this.src.text;
    let i = Math.max(start + 1, this.src.pos);
    let depth = 0;
    for (; i < t.length; i++) {
      const c = t[i]!;
      if (c === '(' || c === '{' || c === '[') depth++;
      else if (c === ')' || c === '}' || c === ']') {
        if (depth === 0 && c === close) break;
        depth = Math.max(0, depth - 1);
      } else if (depth === 0 && (c === ';' || c === '\n')) break;
    }
    this.src.pos = i;
  }

  private statement(): Stmt {
    const src = this.src;
    const start = src.pos;
    this.enter();
    try {
      if (ATTRIBUTE.test(src.text.slice(src.pos, src.pos + 64))) {
        this.skipAttribute();
        return { t: 'skip', start, end: src.pos };
      }
      const kw = /^[a-z]+/i.exec(src.text.slice(src.pos, src.pos + 12))?.[0]?.toLowerCase() ?? '';
      if (kw && src.keyword(kw)) {
        const s = this.keywordStatement(kw, start);
        if (s) return s;
      }
      return this.pipelineStatement(start);
    } finally {
      this.leave();
    }
  }

  private block(): Stmt[] {
    this.expect('{');
    const body = this.statementList('}');
    this.expect('}');
    return body;
  }

  private parenExpr(): Expr {
    this.expect('(');
    this.src.skipSpace(true);
    const e = this.pipeline();
    this.expect(')');
    return e;
  }

  private keywordStatement(kw: string, start: number): Stmt | undefined {
    const src = this.src;
    const span = () => ({ start, end: src.pos });
    const after = () => {
      src.pos += kw.length;
      src.skipSpace(false);
    };
    switch (kw) {
      case 'if': {
        after();
        const clauses: [Expr, Stmt[]][] = [[this.parenExpr(), this.block()]];
        let otherwise: Stmt[] | undefined;
        for (;;) {
          const save = src.pos;
          src.skipSpace(true);
          if (src.keyword('elseif')) {
            src.pos += 6;
            clauses.push([this.parenExpr(), this.block()]);
          } else if (src.keyword('else')) {
            src.pos += 4;
            otherwise = this.block();
            break;
          } else {
            src.pos = save;
            break;
          }
        }
        return { t: 'if', clauses, otherwise, ...span() };
      }
      case 'foreach': {
        after();
        if (src.peek() !== '(') return undefined; // the ForEach-Object alias
        src.pos++;
        src.skipSpace(true);
        const name = readVariableName(src);
        if (!name) this.fail('expected a loop variable');
        src.skipSpace(true);
        if (!src.keyword('in')) this.fail('expected in');
        src.pos += 2;
        src.skipSpace(true);
        const iter = this.pipeline();
        this.expect(')');
        return { t: 'foreach', name, iter, body: this.block(), ...span() };
      }
      case 'for': {
        after();
        this.expect('(');
        src.skipSpace(true);
        const init = src.peek() === ';' ? undefined : this.statement();
        this.expect(';');
        src.skipSpace(true);
        const cond = src.peek() === ';' ? undefined : this.pipeline();
        this.expect(';');
        src.skipSpace(true);
        const step = src.peek() === ')' ? undefined : this.statement();
        this.expect(')');
        return { t: 'for', init, cond, step, body: this.block(), ...span() };
      }
      case 'while': {
        after();
        const cond = this.parenExpr();
        return { t: 'while', cond, body: this.block(), doFirst: false, until: false, ...span() };
      }
      case 'do': {
        after();
        const body = this.block();
        src.skipSpace(true);
        const until = src.keyword('until');
        if (!until && !src.keyword('while')) this.fail('expected while or until');
        src.pos += until ? 5 : 5;
        return { t: 'while', cond: this.parenExpr(), body, doFirst: true, until, ...span() };
      }
      case 'try': {
        after();
        const body = this.block();
        const catches: Stmt[][] = [];
        let fin: Stmt[] | undefined;
        for (;;) {
          const save = src.pos;
          src.skipSpace(true);
          if (src.keyword('catch')) {
            src.pos += 5;
            src.skipSpace(true);
            while (src.peek() === '[') {
              this.typeName();
              src.skipSpace(true);
              if (src.peek() === ',') src.pos++;
              src.skipSpace(true);
            }
            catches.push(this.block());
          } else if (src.keyword('finally')) {
            src.pos += 7;
            fin = this.block();
          } else {
            src.pos = save;
            break;
          }
        }
        return { t: 'try', body, catches, fin, ...span() };
      }
      case 'function':
      case 'filter':
      case 'workflow': {
        after();
        const name = readBareWord(src).toLowerCase();
        src.skipSpace(true);
        let params: Param[] = [];
        if (src.peek() === '(') params = this.paramList();
        src.skipSpace(true);
        const blk = this.scriptBlock();
        if (blk.t !== 'block') this.fail('expected a function body');
        return { t: 'function', name, params: params.length ? params : blk.params, body: blk.body, ...span() };
      }
      case 'param': {
        after();
        if (src.peek() !== '(') return undefined;
        this.paramList();
        return { t: 'skip', ...span() };
      }
      case 'switch':
      case 'trap':
      case 'class':
      case 'enum':
      case 'data':
      case 'configuration': {
        // Not evaluated: skipped whole so that what follows is still read.
        after();
        const t = src.text;
        const open = t.indexOf('{', src.pos);
        if (open < 0) this.fail('expected a body');
        let depth = 0;
        let i = open;
        for (; i < t.length; i++) {
          if (t[i] === '{') depth++;
          else if (t[i] === '}' && --depth === 0) break;
        }
        src.pos = Math.min(t.length, i + 1);
        return { t: 'skip', ...span() };
      }
      case 'return':
      case 'break':
      case 'continue':
      case 'throw':
      case 'exit': {
        after();
        let e: Expr | undefined;
        if (!this.atStatementEnd()) e = kw === 'break' || kw === 'continue' ? (readBareWord(src), undefined) : this.pipeline();
        return { t: 'flow', kind: kw, e, ...span() };
      }
      default:
        return undefined;
    }
  }

  private paramList(): Param[] {
    const src = this.src;
    this.expect('(');
    const params: Param[] = [];
    for (;;) {
      src.skipSpace(true);
      if (src.peek() === ')') break;
      while (src.peek() === '[') {
        this.skipAttribute();
        src.skipSpace(true);
      }
      const name = readVariableName(src);
      if (!name) this.fail('expected a parameter');
      src.skipSpace(true);
      let value: Expr | undefined;
      if (src.peek() === '=') {
        src.pos++;
        src.skipSpace(true);
        value = this.expression(false);
      }
      params.push({ name, value });
      src.skipSpace(true);
      if (src.peek() === ',') src.pos++;
      else if (src.peek() !== ')') this.fail('expected , or )');
    }
    src.pos++;
    return params;
  }

  /**
   * Skips `[Parameter(Position = 0)]`, `[CmdletBinding()]`, `[Type[]]`: a bracketed attribute or type whose
   * arguments (parentheses, strings) a type name cannot hold. Bounded by the text.
   */
  private skipAttribute(): void {
    const t = this.src.text;
    let depth = 0;
    let i = this.src.pos;
    for (; i < t.length; i++) {
      const c = t[i]!;
      if (c === "'" || c === '"') {
        const end = t.indexOf(c, i + 1);
        if (end < 0) break;
        i = end;
      } else if (c === '[' || c === '(') depth++;
      else if ((c === ']' || c === ')') && --depth === 0) break;
    }
    if (i >= t.length) this.fail('unclosed attribute');
    this.src.pos = i + 1;
  }

  private atStatementEnd(): boolean {
    this.src.skipSpace(false);
    const c = this.src.peek();
    return c === '' || c === ';' || c === '\n' || c === '\r' || c === '}' || c === ')' || c === '|';
  }

  private pipelineStatement(start: number): Stmt {
    const src = this.src;
    const first = this.pipelineElement();
    src.skipSpace(false);
    const op = ASSIGN.find((a) => src.text.startsWith(a, src.pos) && src.text[src.pos + a.length] !== '=');
    if (op && first.t !== 'cmd' && isAssignable(first)) {
      src.pos += op.length;
      src.skipSpace(true);
      const value = this.statementValue();
      return { t: 'assign', target: first, op, value, start, end: src.pos };
    }
    const e = this.pipelineRest(first, start);
    this.skipRedirections();
    return { t: 'expr', e, start, end: src.pos };
  }

  /** The right side of an assignment: a statement (if/foreach… return values too) or a pipeline. */
  private statementValue(): Expr {
    const src = this.src;
    const start = src.pos;
    const kw = /^[a-z]+/i.exec(src.text.slice(src.pos, src.pos + 8))?.[0]?.toLowerCase() ?? '';
    if (['if', 'foreach', 'for', 'while', 'do', 'try', 'switch'].includes(kw) && src.keyword(kw)) {
      const s = this.statement();
      return { t: 'sub', body: [s], array: false, start, end: src.pos };
    }
    const first = this.pipelineElement();
    src.skipSpace(false);
    const op = ASSIGN.find((a) => src.text.startsWith(a, src.pos) && src.text[src.pos + a.length] !== '=');
    if (op && first.t !== 'cmd' && isAssignable(first)) {
      // Chained assignment: $a = $b = 'x'.
      src.pos += op.length;
      src.skipSpace(true);
      const value = this.statementValue();
      const body: Stmt[] = [{ t: 'assign', target: first, op, value, start, end: src.pos }, { t: 'expr', e: first, start, end: src.pos }];
      return { t: 'sub', body, array: false, start, end: src.pos };
    }
    const e = this.pipelineRest(first, start);
    this.skipRedirections();
    return e;
  }

  private skipRedirections(): void {
    const src = this.src;
    for (;;) {
      src.skipSpace(false);
      const m = /^(?:[1-6*]?>>?(?:&[12])?|<)/.exec(src.text.slice(src.pos, src.pos + 5));
      if (!m) return;
      src.pos += m[0].length;
      src.skipSpace(false);
      if (!m[0].includes('&')) this.argumentValue();
    }
  }

  pipeline(): Expr {
    const start = this.src.pos;
    const first = this.pipelineElement();
    const e = this.pipelineRest(first, start);
    this.skipRedirections();
    return e;
  }

  private pipelineRest(first: Stage, start: number): Expr {
    const src = this.src;
    const stages: Stage[] = [first];
    for (;;) {
      // `iex $x 2>&1 | Out-String`: redirections may sit between a command and the next pipe.
      this.skipRedirections();
      src.skipSpace(false);
      if (src.peek() !== '|' || src.peek(1) === '|') break;
      src.pos++;
      src.skipSpace(true);
      stages.push(this.pipelineElement());
    }
    if (stages.length === 1 && first.t !== 'cmd') return first;
    return { t: 'pipeline', stages, start, end: src.pos };
  }

  /** One element of a pipeline: a command (by name, & or .) or an expression. */
  private pipelineElement(): Stage {
    const src = this.src;
    src.skipSpace(false);
    const c = src.peek();
    const n = src.peek(1);
    const start = src.pos;
    if (c === '&' && n !== '&') {
      src.pos++;
      src.skipSpace(false);
      return this.command(this.commandNameExpr(), '&', start);
    }
    if (c === '.' && (n === ' ' || n === '\t' || n === '(' || n === '$' || n === "'" || n === '"' || n === '{')) {
      src.pos++;
      src.skipSpace(false);
      return this.command(this.commandNameExpr(), '.', start);
    }
    if (/[a-z_\\?%]/i.test(c) || (c === '.' && /[\\/.]/.test(n)) || (c === '`' && /\w/.test(n))) {
      const save = src.pos;
      const word = readBareWord(src);
      if (word) {
        return this.command({ t: 'str', v: word, bare: true, start: save, end: src.pos }, '', start);
      }
      src.pos = save;
    }
    return this.expression(true);
  }

  /** After & or .: the thing to invoke (a string, a variable, a parenthesised expression, a block, a name). */
  private commandNameExpr(): Expr {
    const src = this.src;
    const c = src.peek();
    if (c === '$' || c === '(' || c === '{' || isSingleQuote(c) || isDoubleQuote(c) || c === '[') {
      return this.postfix(this.primary());
    }
    const start = src.pos;
    return { t: 'str', v: readBareWord(src), bare: true, start, end: src.pos };
  }

  private command(name: Expr, invoke: Command['invoke'], start: number): Command {
    const src = this.src;
    const args: Arg[] = [];
    for (let guard = 0; guard < 100_000; guard++) {
      src.skipSpace(false);
      const c = src.peek();
      if (c === '' || c === ';' || c === '\n' || c === '\r' || c === ')' || c === '}' || c === '|' || (c === '&' && src.peek(1) === '&')) break;
      if (/^[1-6*]?>/.test(src.text.slice(src.pos, src.pos + 2))) break;
      if (isDash(c) && /[a-z_?]/i.test(src.peek(1))) {
        src.pos++;
        const param = readBareWord(src, false);
        const colon = param.indexOf(':');
        if (colon > 0) {
          src.pos -= param.length - colon - 1;
          args.push({ param: param.slice(0, colon).toLowerCase(), value: this.argumentValue() });
        } else args.push({ param: param.toLowerCase() });
        continue;
      }
      if (isDash(c) && src.peek(1) === '-' && /\s/.test(src.peek(2) || ' ')) {
        src.pos += 2; // `--`: end of parameters
        continue;
      }
      const before = src.pos;
      args.push({ value: this.argumentValue() });
      if (src.pos === before) src.pos++;
    }
    return { t: 'cmd', name, invoke, args, start, end: src.pos };
  }

  /** An argument in argument mode: a value, and a comma list of values. */
  private argumentValue(): Expr {
    const src = this.src;
    const start = src.pos;
    const first = this.argumentElement();
    src.skipSpace(false);
    if (src.peek() !== ',') return first;
    const items = [first];
    while (src.peek() === ',') {
      src.pos++;
      src.skipSpace(true);
      items.push(this.argumentElement());
      src.skipSpace(false);
    }
    return { t: 'array', items, start, end: src.pos };
  }

  private argumentElement(): Expr {
    const src = this.src;
    const c = src.peek();
    const start = src.pos;
    if (c === '$' || c === '(' || c === '@' || c === '{' || isSingleQuote(c) || isDoubleQuote(c)) {
      const e = this.postfix(this.primary());
      // A string glued to more text is one argument: 'a'b, $x\file.exe
      if (/[^\s;(){}|&,]/.test(src.peek()) && src.peek() !== '') {
        const rest = readBareWord(src);
        if (rest) return { t: 'bin', op: '+', l: { t: 'un', op: 'string', e, start, end: e.end }, r: { t: 'str', v: rest, start: e.end, end: src.pos }, start, end: src.pos };
      }
      return e;
    }
    if (c === '[' ) {
      const save = src.pos;
      try {
        return this.postfix(this.primary());
      } catch {
        src.pos = save;
      }
    }
    const word = readBareWord(src);
    if (/^-?(?:0x[0-9a-f]+|\d+(?:\.\d+)?)$/i.test(word)) return { t: 'num', v: Number(word.startsWith('-0x') ? -parseInt(word.slice(3), 16) : word), start, end: src.pos };
    return { t: 'str', v: word, bare: true, start, end: src.pos };
  }

  // ---- expressions ----

  /** An expression; `commas` allows the comma operator (false inside method arguments). */
  expression(commas: boolean): Expr {
    this.enter();
    try {
      return this.binary(0, commas);
    } finally {
      this.leave();
    }
  }

  /** Precedence levels from loosest: logical, comparison, bitwise, additive, multiplicative, -f, range, comma. */
  private binary(level: number, commas: boolean): Expr {
    if (level === 7) return this.rangeLevel(commas);
    const src = this.src;
    const start = src.pos;
    let left = this.binary(level + 1, commas);
    for (;;) {
      const save = src.pos;
      src.skipSpace(false);
      const op = this.peekOperator(level);
      if (!op) {
        src.pos = save;
        return left;
      }
      src.pos += op.length;
      src.skipSpace(true);
      const right = this.binary(level + 1, commas);
      left = { t: 'bin', op: op.replace(/^[-\u2013\u2014\u2015]/, '-').toLowerCase(), l: left, r: right, start, end: src.pos };
    }
  }

  /** The operator text at pos if it belongs to `level`, else undefined. */
  private peekOperator(level: number): string | undefined {
    const src = this.src;
    const c = src.peek();
    if (level === 3) {
      // `-lt`, `-join`: a dash before a letter is a named operator, not a minus.
      if (c === '-' && /[a-z]/i.test(src.peek(1))) return undefined;
      return (c === '+' || c === '-') && src.peek(1) !== '=' && src.peek(1) !== c ? c : undefined;
    }
    if (level === 4) return (c === '*' || c === '/' || c === '%') && src.peek(1) !== '=' ? c : undefined;
    if (!isDash(c)) return undefined;
    const m = /^[a-z]+/i.exec(src.text.slice(src.pos + 1, src.pos + 16));
    if (!m || /[\w]/.test(src.text[src.pos + 1 + m[0].length] ?? '')) return undefined;
    const name = m[0].toLowerCase();
    const ok =
      (level === 0 && LOGICAL.has(name)) ||
      (level === 1 && COMPARISON.has(name)) ||
      (level === 2 && BITWISE.has(name)) ||
      (level === 5 && name === 'f');
    return ok ? src.text.slice(src.pos, src.pos + 1 + m[0].length) : undefined;
  }

  private rangeLevel(commas: boolean): Expr {
    const src = this.src;
    const start = src.pos;
    const left = this.commaLevel(commas);
    const save = src.pos;
    src.skipSpace(false);
    if (src.peek() === '.' && src.peek(1) === '.') {
      src.pos += 2;
      src.skipSpace(true);
      const right = this.commaLevel(commas);
      return { t: 'bin', op: '..', l: left, r: right, start, end: src.pos };
    }
    src.pos = save;
    return left;
  }

  private commaLevel(commas: boolean): Expr {
    const src = this.src;
    const start = src.pos;
    const first = this.unary();
    if (!commas) return first;
    const save = src.pos;
    src.skipSpace(false);
    if (src.peek() !== ',') {
      src.pos = save;
      return first;
    }
    const items = [first];
    while (src.peek() === ',') {
      src.pos++;
      src.skipSpace(true);
      items.push(this.unary());
      const again = src.pos;
      src.skipSpace(false);
      if (src.peek() !== ',') {
        src.pos = again;
        break;
      }
    }
    return { t: 'array', items, start, end: src.pos };
  }

  private unary(): Expr {
    const src = this.src;
    const start = src.pos;
    src.skipSpace(false);
    const c = src.peek();
    this.enter();
    try {
      if (c === '!') {
        src.pos++;
        src.skipSpace(true);
        return { t: 'un', op: 'not', e: this.unary(), start, end: src.pos };
      }
      if ((c === '+' || c === '-') && src.peek(1) === c) {
        src.pos += 2;
        const target = this.unary();
        return { t: 'incdec', op: c === '+' ? '++' : '--', target, prefix: true, start, end: src.pos };
      }
      if (c === ',') {
        // Unary comma: a one-element array.
        src.pos++;
        src.skipSpace(true);
        const e = this.unary();
        return { t: 'array', items: [e], start, end: src.pos };
      }
      // c is '' at the end of the text, and ''.includes('') holds: without the check a trailing ',' or '!'
      // read "negations" past the end until the nesting limit threw.
      if (c !== '' && isDash(c)) {
        const m = /^[a-z]+/i.exec(src.text.slice(src.pos + 1, src.pos + 8));
        const name = m?.[0].toLowerCase();
        if (name && UNARY_DASH.has(name) && !/\w/.test(src.text[src.pos + 1 + name.length] ?? '')) {
          src.pos += 1 + name.length;
          src.skipSpace(true);
          return { t: 'un', op: name, e: this.unary(), start, end: src.pos };
        }
        if (!m) {
          src.pos++;
          src.skipSpace(false);
          return { t: 'un', op: 'neg', e: this.unary(), start, end: src.pos };
        }
      }
      if (c === '+' && !/\s/.test(src.peek(1))) {
        src.pos++;
        return this.unary();
      }
      if (c === '[') {
        const save = src.pos;
        const type = this.typeName();
        const afterType = src.pos;
        src.skipSpace(false);
        const n = src.peek();
        if (n === ':' && src.peek(1) === ':') {
          src.pos = save;
          return this.postfix(this.primary());
        }
        if (n === '$' || n === '(' || n === '[' || n === '@' || isSingleQuote(n) || isDoubleQuote(n) || /[0-9]/.test(n) || (isDash(n) && /[0-9(]/.test(src.peek(1)))) {
          const e = this.unary();
          return { t: 'cast', type, e, start, end: src.pos };
        }
        src.pos = afterType;
        return this.postfix({ t: 'type', name: type, start, end: src.pos });
      }
      const e = this.postfix(this.primary());
      const n2 = src.peek();
      if ((n2 === '+' || n2 === '-') && src.peek(1) === n2) {
        src.pos += 2;
        return { t: 'incdec', op: n2 === '+' ? '++' : '--', target: e, prefix: false, start, end: src.pos };
      }
      return e;
    } finally {
      this.leave();
    }
  }

  /** Reads `[Type.Name[]]` at pos and returns the name inside the brackets. */
  private typeName(): string {
    const src = this.src;
    const t = src.text;
    if (t[src.pos] !== '[') this.fail('expected a type');
    let depth = 0;
    let i = src.pos;
    for (; i < t.length && i - src.pos < 512; i++) {
      if (t[i] === '[') depth++;
      else if (t[i] === ']' && --depth === 0) break;
      else if (t[i] === '\n' || t[i] === ';' || t[i] === '$' || t[i] === '(' || t[i] === "'" || t[i] === '"') this.fail('not a type');
    }
    if (t[i] !== ']') this.fail('unclosed type');
    const name = t.slice(src.pos + 1, i).replace(/`/g, '').replace(/\s+/g, '');
    src.pos = i + 1;
    return name;
  }

  private primary(): Expr {
    const src = this.src;
    src.skipSpace(false);
    const start = src.pos;
    const c = src.peek();
    const n = src.peek(1);
    const span = () => ({ start, end: src.pos });
    // $( … ) is a subexpression, @( … ) the same forced into an array.
    if ((c === '$' || c === '@') && n === '(') {
      src.pos++;
      this.expect('(');
      const body = this.statementList(')');
      this.expect(')');
      return { t: 'sub', body, array: c === '@', ...span() };
    }
    if (c === '@' && n === '{') {
      src.pos++;
      return this.hashLiteral(start);
    }
    if (c === '@' && (isSingleQuote(n) || isDoubleQuote(n))) {
      const here = readHereString(src);
      return typeof here === 'string' ? { t: 'str', v: here, ...span() } : this.expandable(here, start);
    }
    if (c === '$' || (c === '@' && /\w/.test(n))) {
      const name = readVariableName(src);
      if (name !== undefined) return { t: 'var', name, ...span() };
    }
    if (isSingleQuote(c)) return { t: 'str', v: readSingleQuoted(src), ...span() };
    if (isDoubleQuote(c)) return this.expandable(readDoubleQuoted(src), start);
    if (c === '(') {
      src.pos++;
      src.skipSpace(true);
      if (src.peek() === ')') {
        src.pos++;
        return { t: 'sub', body: [], array: true, ...span() };
      }
      const e = this.pipelineInParens();
      this.expect(')');
      return e;
    }
    if (c === '{') return this.scriptBlock();
    if (c === '[') {
      const name = this.typeName();
      return { t: 'type', name, ...span() };
    }
    const num = readNumber(src);
    if (num !== undefined) return { t: 'num', v: num, ...span() };
    // A bare word in expression mode (a command inside parentheses reached here, or a member-less name).
    if (/[\w\\.]/.test(c)) {
      const word = readBareWord(src, true);
      if (word) return { t: 'str', v: word, bare: true, ...span() };
    }
    this.fail(`unexpected ${JSON.stringify(c)}`);
  }

  /** Inside ( ): an assignment, a statement such as if/foreach, or a pipeline. */
  private pipelineInParens(): Expr {
    const src = this.src;
    const start = src.pos;
    const s = this.statement();
    if (s.t === 'expr') return s.e;
    return { t: 'sub', body: [s, ...(s.t === 'assign' ? [{ t: 'expr' as const, e: s.target, start, end: src.pos }] : [])], array: false, start, end: src.pos };
  }

  private expandable(parts: ExpandablePart[], start: number): Expr {
    const out: (string | Expr)[] = [];
    for (const part of parts) {
      if ('text' in part) out.push(part.text);
      else if ('variable' in part) out.push({ t: 'var', name: part.variable, start, end: start });
      else {
        const inner = new Parser(part.subexpression);
        inner.depth = this.depth + 1;
        if (inner.depth > MAX_NESTING) this.fail('nesting too deep');
        out.push({ t: 'sub', body: inner.statementList(''), array: false, start, end: start });
        this.errors += inner.errors;
      }
    }
    if (out.every((p) => typeof p === 'string')) return { t: 'str', v: out.join(''), start, end: this.src.pos };
    return { t: 'xstr', parts: out, start, end: this.src.pos };
  }

  private hashLiteral(start: number): Expr {
    const src = this.src;
    this.expect('{');
    const entries: [Expr, Expr][] = [];
    for (;;) {
      src.skipSpace(true);
      while (src.peek() === ';') {
        src.pos++;
        src.skipSpace(true);
      }
      if (src.peek() === '}' || src.atEnd()) break;
      const keyStart = src.pos;
      const c = src.peek();
      const key: Expr = isSingleQuote(c) || isDoubleQuote(c) || c === '$' || c === '(' ? this.primary() : { t: 'str', v: readIdentifier(src), start: keyStart, end: src.pos };
      this.expect('=');
      src.skipSpace(true);
      entries.push([key, this.statementValue()]);
    }
    this.expect('}');
    return { t: 'hash', entries, start, end: src.pos };
  }

  scriptBlock(): Expr {
    const src = this.src;
    const start = src.pos;
    this.expect('{');
    src.skipSpace(true);
    let params: Param[] = [];
    const afterBrace = src.pos;
    // [CmdletBinding()] and friends may stand before param( … ).
    while (ATTRIBUTE.test(src.text.slice(src.pos, src.pos + 64))) {
      this.skipAttribute();
      src.skipSpace(true);
    }
    if (!src.keyword('param')) src.pos = afterBrace;
    if (src.keyword('param')) {
      src.pos += 5;
      src.skipSpace(false);
      params = this.paramList();
    }
    const bodyStart = src.pos;
    const body = this.statementList('}');
    const text = src.text.slice(bodyStart, src.pos);
    this.expect('}');
    return { t: 'block', body, params, text, start, end: src.pos };
  }

  /** Member access, static member, method calls and indexing after a primary (no space before them). */
  private postfix(e: Expr): Expr {
    const src = this.src;
    for (let guard = 0; guard < 10_000; guard++) {
      const c = src.peek();
      const start = e.start;
      if (c === '[') {
        src.pos++;
        src.skipSpace(true);
        const idx = this.expression(true);
        this.expect(']');
        e = { t: 'index', obj: e, idx, start, end: src.pos };
        continue;
      }
      const isStatic = c === ':' && src.peek(1) === ':';
      if (c === '.' && src.peek(1) !== '.' || isStatic) {
        src.pos += isStatic ? 2 : 1;
        const nameStart = src.pos;
        const nc = src.peek();
        let name: Expr;
        if (isSingleQuote(nc) || isDoubleQuote(nc) || nc === '$' || nc === '(') name = this.primary();
        else {
          const id = readIdentifier(src);
          if (!id) this.fail('expected a member name');
          name = { t: 'str', v: id, start: nameStart, end: src.pos };
        }
        if (src.peek() === '(') {
          src.pos++;
          const args: Expr[] = [];
          src.skipSpace(true);
          while (src.peek() !== ')') {
            args.push(this.expression(false));
            src.skipSpace(true);
            if (src.peek() === ',') {
              src.pos++;
              src.skipSpace(true);
            } else if (src.peek() !== ')') this.fail('expected , or ) in arguments');
          }
          src.pos++;
          e = { t: 'call', obj: e, name, args, isStatic, start, end: src.pos };
        } else e = { t: 'member', obj: e, name, isStatic, start, end: src.pos };
        continue;
      }
      return e;
    }
    return e;
  }
}

function isAssignable(e: Stage): boolean {
  if (e.t === 'var' || e.t === 'member' || e.t === 'index') return true;
  if (e.t === 'cast') return isAssignable(e.e);
  if (e.t === 'array') return e.items.every(isAssignable);
  return false;
}
