// The condition language: `and`, `or`, `not`, parentheses, `1 of X*`, `all of X*`, `them`. Parsed once per
// rule into a tree whose `of` quantifiers are already expanded to the named searches they cover.

import { SigmaError } from './modifiers.ts';

export type Condition =
  | { type: 'ref'; name: string }
  | { type: 'and' | 'or'; args: Condition[] }
  | { type: 'not'; arg: Condition }
  | { type: 'const'; value: boolean };

type Token = { kind: 'lp' | 'rp' | 'and' | 'or' | 'not' | 'word'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(\(|\)|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text))) {
    end = re.lastIndex;
    const t = m[1]!;
    const lower = t.toLowerCase();
    if (t === '(') tokens.push({ kind: 'lp', text: t });
    else if (t === ')') tokens.push({ kind: 'rp', text: t });
    else if (lower === 'and' || lower === 'or' || lower === 'not') tokens.push({ kind: lower, text: t });
    else tokens.push({ kind: 'word', text: t });
  }
  if (text.slice(end).trim()) throw new SigmaError(`cannot read condition near "${text.slice(end)}"`);
  return tokens;
}

function globToRegex(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Parses a condition against the names the detection defines. Precedence: not > and > or. */
export function parseCondition(text: string, names: readonly string[]): Condition {
  if (text.includes('|')) throw new SigmaError('aggregations in conditions (`| count() …`) are not supported; use a correlation rule');
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const expect = (kind: Token['kind']) => {
    const t = tokens[pos++];
    if (!t || t.kind !== kind) throw new SigmaError(`condition "${text}": expected ${kind} at token ${pos}`);
    return t;
  };

  const expand = (target: string): string[] => {
    const list = target === 'them' ? names.filter((n) => !n.startsWith('_')) : names.filter((n) => globToRegex(target).test(n));
    if (list.length === 0) throw new SigmaError(`condition "${text}": "${target}" names no search`);
    return list;
  };

  const primary = (): Condition => {
    const t = peek();
    if (!t) throw new SigmaError(`condition "${text}" ends too early`);
    if (t.kind === 'lp') {
      pos++;
      const inner = orExpr();
      expect('rp');
      return inner;
    }
    if (t.kind === 'not') {
      pos++;
      return { type: 'not', arg: primary() };
    }
    if (t.kind !== 'word') throw new SigmaError(`condition "${text}": unexpected "${t.text}"`);
    pos++;
    const next = tokens[pos];
    if ((t.text === '1' || t.text.toLowerCase() === 'all' || t.text.toLowerCase() === 'any') && next?.kind === 'word' && next.text.toLowerCase() === 'of') {
      pos++;
      const target = expect('word').text;
      const refs = expand(target).map((name): Condition => ({ type: 'ref', name }));
      const all = t.text.toLowerCase() === 'all';
      return refs.length === 1 ? refs[0]! : { type: all ? 'and' : 'or', args: refs };
    }
    if (!names.includes(t.text)) throw new SigmaError(`condition "${text}": no search named "${t.text}"`);
    return { type: 'ref', name: t.text };
  };

  const andExpr = (): Condition => {
    const args = [primary()];
    while (peek()?.kind === 'and') {
      pos++;
      args.push(primary());
    }
    return args.length === 1 ? args[0]! : { type: 'and', args };
  };

  const orExpr = (): Condition => {
    const args = [andExpr()];
    while (peek()?.kind === 'or') {
      pos++;
      args.push(andExpr());
    }
    return args.length === 1 ? args[0]! : { type: 'or', args };
  };

  const tree = orExpr();
  if (pos !== tokens.length) throw new SigmaError(`condition "${text}": unexpected "${tokens[pos]!.text}"`);
  return tree;
}

export function compileCondition<T>(c: Condition, refs: Record<string, (x: T) => boolean>): (x: T) => boolean {
  switch (c.type) {
    case 'const':
      return () => c.value;
    case 'ref': {
      const m = refs[c.name];
      if (!m) throw new SigmaError(`no search named "${c.name}"`);
      return m;
    }
    case 'not': {
      const m = compileCondition(c.arg, refs);
      return (x) => !m(x);
    }
    case 'and': {
      const ms = c.args.map((a) => compileCondition(a, refs));
      return (x) => ms.every((m) => m(x));
    }
    case 'or': {
      const ms = c.args.map((a) => compileCondition(a, refs));
      return (x) => ms.some((m) => m(x));
    }
  }
}
