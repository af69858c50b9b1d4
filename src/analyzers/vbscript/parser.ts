// Parses VBScript tokens into statements (recursive descent, bounded nesting). A statement that does not
// parse is counted and skipped to the next separator, so one broken line never hides the rest of a dropper.

import type { CaseClause, Expr, Procedure, Stmt } from './ast.ts';
import { tokenize, type Token } from './lexer.ts';

export interface ParsedScript {
  body: Stmt[];
  /** Statements skipped because they did not parse. */
  errors: number;
  /** The token budget ran out: the end of the script was not read. */
  truncated: boolean;
}

class ParseError extends Error {}

/** Deep enough for any real script; deeper is hostile (nested parentheses or blocks to overflow the stack). */
const MAX_NESTING = 200;

/** Names that end an expression or a block rather than start one. */
const STOP_WORDS = new Set([
  'then', 'to', 'step', 'else', 'elseif', 'end', 'and', 'or', 'xor', 'eqv', 'imp', 'mod', 'is', 'in', 'each',
  'loop', 'next', 'wend', 'until', 'case', 'select', 'dim', 'set', 'sub', 'function', 'if', 'for', 'do', 'while',
]);

const BINARY_PRECEDENCE: Record<string, number> = {
  imp: 1, eqv: 2, xor: 3, or: 4, and: 5,
  '=': 7, '<>': 7, '<': 7, '>': 7, '<=': 7, '>=': 7, is: 7,
  '&': 8, '+': 9, '-': 9, mod: 10, '\\': 11, '*': 12, '/': 12, '^': 14,
};

const EOF_TOKEN: Token = { type: 'eos', text: '\n', lower: '\n', at: -1 };

export function parseScript(src: string, maxTokens = 1_000_000): ParsedScript {
  const { tokens, truncated } = tokenize(src, maxTokens);
  const parser = new Parser(tokens);
  const body = parser.program();
  return { body, errors: parser.errors, truncated };
}

/** Parses one expression (what Eval receives); undefined when it is not one. */
export function parseExpression(src: string, maxTokens = 100_000): Expr | undefined {
  const { tokens } = tokenize(src, maxTokens);
  const parser = new Parser(tokens);
  try {
    const e = parser.expression();
    return parser.atEnd() ? e : undefined;
  } catch {
    return undefined;
  }
}

class Parser {
  private pos = 0;
  private depth = 0;
  errors = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[this.pos + offset] ?? EOF_TOKEN;
  }
  private next(): Token {
    const t = this.peek();
    this.pos++;
    return t;
  }
  atEnd(): boolean {
    while (this.pos < this.tokens.length && this.peek().type === 'eos') this.pos++;
    return this.pos >= this.tokens.length;
  }
  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === 'name' && !t.member && t.lower === word;
  }
  private isOp(op: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.text === op;
  }
  private eatWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.pos++;
    return true;
  }
  private eatOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }
  private expectWord(word: string): void {
    if (!this.eatWord(word)) throw new ParseError(`expected ${word}`);
  }
  private expectOp(op: string): void {
    if (!this.eatOp(op)) throw new ParseError(`expected ${op}`);
  }
  private name(): string {
    const t = this.next();
    if (t.type !== 'name') throw new ParseError('expected a name');
    return t.text;
  }
  private atEos(): boolean {
    return this.peek().type === 'eos';
  }
  private skipEos(): void {
    while (this.pos < this.tokens.length && this.peek().type === 'eos') this.pos++;
  }
  private skipStatement(): void {
    while (this.pos < this.tokens.length && !this.atEos()) this.pos++;
  }
  private enter(): void {
    if (++this.depth > MAX_NESTING) {
      this.depth--;
      throw new ParseError('nested too deeply');
    }
  }
  private leave(): void {
    this.depth--;
  }

  program(): Stmt[] {
    const body: Stmt[] = [];
    while (this.pos < this.tokens.length) {
      const before = this.pos;
      body.push(...this.block(() => false));
      if (this.pos < this.tokens.length) {
        // A block end with no block open ("End If" alone, "Next" alone): skip it.
        this.errors++;
        this.skipStatement();
      }
      if (this.pos === before) this.pos++;
    }
    return body;
  }

  /** Statements until `stop` says the current token ends the block (not consumed) or the text ends. */
  private block(stop: () => boolean): Stmt[] {
    this.enter();
    try {
      const body: Stmt[] = [];
      while (true) {
        this.skipEos();
        if (this.pos >= this.tokens.length || stop() || this.atBlockEnd()) return body;
        const start = this.pos;
        const depth = this.depth;
        try {
          const stmt = this.statement();
          if (stmt) body.push(stmt);
          if (!this.atEos() && !this.isWord('else') && !this.isWord('end')) throw new ParseError('unexpected text after a statement');
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
          this.depth = depth;
          this.errors++;
          if (this.pos === start) this.pos++;
          this.skipStatement();
        }
      }
    } finally {
      this.leave();
    }
  }

  /** Words that close some block: a block never swallows another block's end. */
  private atBlockEnd(): boolean {
    const t = this.peek();
    if (t.type !== 'name' || t.member) return false;
    return ['end', 'next', 'loop', 'wend', 'else', 'elseif', 'case'].includes(t.lower);
  }

  private endOf(word: string): () => boolean {
    return () => this.isWord('end') && this.isWord(word, 1);
  }
  private expectEnd(word: string): void {
    if (this.isWord('end') && this.isWord(word, 1)) this.pos += 2;
    else throw new ParseError(`expected End ${word}`);
  }

  private statement(): Stmt | undefined {
    const t = this.peek();
    const at = t.at;
    if (t.type === 'name' && !t.member) {
      switch (t.lower) {
        case 'option':
        case 'randomize':
        case 'erase':
        case 'stop':
          this.skipStatement();
          return undefined;
        case 'on':
          this.skipStatement();
          return { t: 'onerror', at };
        case 'dim':
          this.pos++;
          return this.dim(at, false, false);
        case 'redim': {
          this.pos++;
          const preserve = this.eatWord('preserve');
          return this.dim(at, true, preserve);
        }
        case 'private':
        case 'public':
          this.pos++;
          this.eatWord('default');
          if (this.isWord('sub') || this.isWord('function') || this.isWord('property')) return this.procedure();
          if (this.isWord('const')) return this.statement();
          return this.dim(at, false, false);
        case 'const':
          this.pos++;
          return this.constant(at);
        case 'set':
        case 'let': {
          this.pos++;
          const target = this.postfix();
          this.expectOp('=');
          return { t: 'assign', target, value: this.expression(), set: t.lower === 'set', at };
        }
        case 'call': {
          this.pos++;
          const callee = this.postfix();
          return callee.t === 'call' ? { t: 'call', callee: callee.callee, args: callee.args, at } : { t: 'call', callee, args: [], at };
        }
        case 'if':
          return this.ifStatement();
        case 'for':
          return this.forStatement();
        case 'do':
          return this.doLoop();
        case 'while': {
          this.pos++;
          const cond = this.expression();
          const body = this.block(() => this.isWord('wend'));
          this.expectWord('wend');
          return { t: 'loop', cond, until: false, after: false, body, at };
        }
        case 'select':
          return this.selectCase();
        case 'with': {
          this.pos++;
          const object = this.expression();
          const body = this.block(this.endOf('with'));
          this.expectEnd('with');
          return { t: 'with', object, body, at };
        }
        case 'exit':
          this.pos++;
          return { t: 'exit', what: this.next().lower, at };
        case 'function':
        case 'sub':
        case 'property':
          return this.procedure();
        case 'class': {
          this.pos++;
          const name = this.name();
          const members = this.block(this.endOf('class'));
          this.expectEnd('class');
          const fields = members.flatMap((m) => (m.t === 'dim' ? m.names.map((n) => n.name) : []));
          const procs = members.flatMap((m) => (m.t === 'procedure' ? [m.proc] : []));
          return { t: 'class', name, fields, procs, at };
        }
      }
    }
    return this.expressionStatement();
  }

  private dim(at: number, redim: boolean, preserve: boolean): Stmt {
    const names: { name: string; bounds: Expr[] }[] = [];
    do {
      const name = this.name();
      const bounds: Expr[] = [];
      if (this.eatOp('(')) {
        if (!this.isOp(')')) {
          do bounds.push(this.expression());
          while (this.eatOp(','));
        }
        this.expectOp(')');
      }
      names.push({ name, bounds });
    } while (this.eatOp(','));
    return { t: 'dim', names, redim, preserve, at };
  }

  private constant(at: number): Stmt {
    const names: { name: string; value: Expr }[] = [];
    do {
      const name = this.name();
      this.expectOp('=');
      names.push({ name, value: this.expression() });
    } while (this.eatOp(','));
    return { t: 'const', names, at };
  }

  private expressionStatement(): Stmt {
    const at = this.peek().at;
    const chainStart = this.pos;
    const { expr, lastParen } = this.postfixTracked();
    if (this.eatOp('=')) return { t: 'assign', target: expr, value: this.expression(), set: false, at };
    if (this.atEos() || this.isWord('else')) {
      if (expr.t === 'call') return { t: 'call', callee: expr.callee, args: expr.args, at };
      return { t: 'call', callee: expr, args: [], at };
    }
    // `obj.Run (cmd), 0` or `MsgBox ("a") & b`: the parenthesis opened the first argument, not a call list.
    let callee = expr;
    if (lastParen !== undefined && lastParen.pos > chainStart && expr.t === 'call') {
      this.pos = lastParen.pos;
      callee = lastParen.callee;
    }
    return { t: 'call', callee, args: this.argumentList(), at };
  }

  /** Arguments of a call statement without parentheses; an empty slot (`a, , b`) is Empty. */
  private argumentList(): Expr[] {
    const args: Expr[] = [];
    do {
      if (this.isOp(',') || this.atEos()) args.push({ t: 'lit', value: null, empty: true, at: this.peek().at });
      else args.push(this.expression());
    } while (this.eatOp(','));
    return args;
  }

  private ifStatement(): Stmt {
    const at = this.next().at;
    const cond = this.expression();
    this.expectWord('then');
    if (!this.atEos() || this.peek().text === ':') {
      // One-line If: statements up to the line end, with an optional Else part.
      if (this.peek().text === ':') this.pos++;
      const body = this.lineStatements();
      let otherwise: Stmt[] = [];
      if (this.eatWord('else')) otherwise = this.lineStatements();
      if (this.isWord('end') && this.isWord('if', 1)) this.pos += 2;
      return { t: 'if', branches: [{ cond, body }], otherwise, at };
    }
    const branches = [{ cond, body: this.block(() => false) }];
    let otherwise: Stmt[] = [];
    while (true) {
      if (this.eatWord('elseif')) {
        const c = this.expression();
        this.expectWord('then');
        branches.push({ cond: c, body: this.block(() => false) });
        continue;
      }
      if (this.eatWord('else')) {
        if (this.isWord('if')) {
          // "Else If" on one line is ElseIf written in two words.
          this.pos++;
          const c = this.expression();
          this.expectWord('then');
          branches.push({ cond: c, body: this.block(() => false) });
          continue;
        }
        otherwise = this.block(() => false);
        continue;
      }
      break;
    }
    this.expectEnd('if');
    return { t: 'if', branches, otherwise, at };
  }

  private lineStatements(): Stmt[] {
    const body: Stmt[] = [];
    while (!(this.atEos() && this.peek().text === '\n') && !this.isWord('else') && !(this.isWord('end') && this.isWord('if', 1))) {
      if (this.atEos()) {
        this.pos++;
        continue;
      }
      const stmt = this.statement();
      if (stmt) body.push(stmt);
      if (this.pos >= this.tokens.length) break;
    }
    return body;
  }

  private forStatement(): Stmt {
    const at = this.next().at;
    if (this.eatWord('each')) {
      const variable = this.name();
      this.expectWord('in');
      const collection = this.expression();
      const body = this.block(() => this.isWord('next'));
      this.expectWord('next');
      if (this.peek().type === 'name' && !this.atEos()) this.pos++;
      return { t: 'foreach', variable, collection, body, at };
    }
    const variable = this.name();
    this.expectOp('=');
    const from = this.expression();
    this.expectWord('to');
    const to = this.expression();
    const step = this.eatWord('step') ? this.expression() : null;
    const body = this.block(() => this.isWord('next'));
    this.expectWord('next');
    if (this.peek().type === 'name') this.pos++; // Next i
    return { t: 'for', variable, from, to, step, body, at };
  }

  private doLoop(): Stmt {
    const at = this.next().at;
    let cond: Expr | null = null;
    let until = false;
    let after = false;
    if (this.isWord('while') || this.isWord('until')) {
      until = this.next().lower === 'until';
      cond = this.expression();
    }
    const body = this.block(() => this.isWord('loop'));
    this.expectWord('loop');
    if (cond === null && (this.isWord('while') || this.isWord('until'))) {
      until = this.next().lower === 'until';
      cond = this.expression();
      after = true;
    }
    return { t: 'loop', cond, until, after, body, at };
  }

  private selectCase(): Stmt {
    const at = this.next().at;
    this.expectWord('case');
    const subject = this.expression();
    const cases: CaseClause[] = [];
    this.skipEos();
    while (this.eatWord('case')) {
      const tests: Expr[] = [];
      if (!this.eatWord('else')) {
        do {
          this.eatWord('is');
          // `Case Is > 5` compares; the comparison operator is dropped and the value tested for equality.
          if (['<', '>', '<=', '>=', '<>', '='].includes(this.peek().text) && this.peek().type === 'op') this.pos++;
          tests.push(this.expression());
        } while (this.eatOp(','));
      }
      cases.push({ tests, body: this.block(() => false) });
    }
    this.expectEnd('select');
    return { t: 'select', subject, cases, at };
  }

  private procedure(): Stmt {
    const kindToken = this.next();
    const at = kindToken.at;
    const kind = kindToken.lower as Procedure['kind'];
    let accessor: Procedure['accessor'];
    if (kind === 'property') {
      const which = this.next().lower;
      accessor = which === 'let' || which === 'set' ? which : 'get';
    }
    const name = this.name();
    const params: Procedure['params'] = [];
    if (this.eatOp('(')) {
      while (!this.isOp(')') && !this.atEos()) {
        let byVal = false;
        if (this.eatWord('byval')) byVal = true;
        else this.eatWord('byref');
        params.push({ name: this.name(), byVal });
        if (this.eatOp('(')) this.expectOp(')');
        if (!this.eatOp(',')) break;
      }
      this.expectOp(')');
    }
    const body = this.block(this.endOf(kind));
    this.expectEnd(kind);
    return { t: 'procedure', proc: { name, lower: name.toLowerCase(), kind, accessor, params, body, at }, at };
  }

  // Expressions -----------------------------------------------------------------------------------------

  expression(minPrecedence = 0): Expr {
    this.enter();
    try {
      let left = this.unary(minPrecedence);
      while (true) {
        const t = this.peek();
        const op = t.type === 'op' || (t.type === 'name' && !t.member) ? t.lower : '';
        const precedence = BINARY_PRECEDENCE[op];
        if (precedence === undefined || precedence < minPrecedence || (t.type === 'op' && op === '=' && minPrecedence > 7)) break;
        this.pos++;
        // ^ binds to the left too in VBScript, so every operator takes a right side one level tighter.
        const right = this.expression(precedence + 1);
        left = { t: 'binary', op, left, right, at: t.at };
      }
      return left;
    } finally {
      this.leave();
    }
  }

  private unary(minPrecedence: number): Expr {
    const t = this.peek();
    if (t.type === 'name' && !t.member && t.lower === 'not' && minPrecedence <= 6) {
      this.pos++;
      return { t: 'unary', op: 'not', operand: this.expression(6), at: t.at };
    }
    if (t.type === 'op' && (t.text === '-' || t.text === '+')) {
      this.pos++;
      return { t: 'unary', op: t.text, operand: this.expression(13), at: t.at };
    }
    return this.postfix();
  }

  private postfix(): Expr {
    return this.postfixTracked().expr;
  }

  /** A primary followed by `.member` and `(args)`; remembers where the last `(` group began. */
  private postfixTracked(): { expr: Expr; lastParen?: { pos: number; callee: Expr } } {
    this.enter();
    try {
      let expr = this.primary();
      let lastParen: { pos: number; callee: Expr } | undefined;
      while (true) {
        if (this.isOp('.') && this.peek(1).type === 'name') {
          this.pos++;
          const t = this.next();
          expr = { t: 'member', base: expr, name: t.text, at: t.at };
          continue;
        }
        if (this.isOp('(')) {
          const pos = this.pos;
          this.pos++;
          const args: Expr[] = [];
          if (!this.isOp(')')) {
            do {
              if (this.isOp(',') || this.isOp(')')) args.push({ t: 'lit', value: null, empty: true, at: this.peek().at });
              else args.push(this.expression());
            } while (this.eatOp(','));
          }
          this.expectOp(')');
          lastParen = { pos, callee: expr };
          expr = { t: 'call', callee: expr, args, at: expr.at };
          continue;
        }
        return { expr, lastParen };
      }
    } finally {
      this.leave();
    }
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.type) {
      case 'string':
        return { t: 'lit', value: t.text, at: t.at };
      case 'date':
        return { t: 'lit', value: t.text, at: t.at };
      case 'number':
        return { t: 'lit', value: t.value ?? 0, at: t.at };
      case 'op':
        if (t.text === '(') {
          const e = this.expression();
          this.expectOp(')');
          return e;
        }
        if (t.text === '.' && this.peek().type === 'name') {
          const m = this.next();
          return { t: 'member', base: null, name: m.text, at: m.at };
        }
        throw new ParseError(`unexpected ${t.text}`);
      case 'name': {
        if (!t.member) {
          switch (t.lower) {
            case 'true':
              return { t: 'lit', value: true, at: t.at };
            case 'false':
              return { t: 'lit', value: false, at: t.at };
            case 'nothing':
              return { t: 'lit', value: null, nothing: true, at: t.at };
            case 'empty':
              return { t: 'lit', value: null, empty: true, at: t.at };
            case 'null':
              return { t: 'lit', value: null, at: t.at };
            case 'new':
              return { t: 'new', name: this.name(), at: t.at };
          }
          if (STOP_WORDS.has(t.lower)) throw new ParseError(`unexpected ${t.text}`);
        }
        return { t: 'name', name: t.text, at: t.at };
      }
      default:
        throw new ParseError('unexpected end of statement');
    }
  }
}
