// VBScript's operators on values: & and + on strings, arithmetic, comparisons and the logical operators
// (bitwise on numbers, as VBScript does). Unknown in, unknown out, except where the answer is decided anyway
// (False And x, True Or x).

import { EMPTY, isUnknown, show, toNum, toStr, unknown, type Value } from './values.ts';

/** What operators need from the evaluator: bounded strings and work accounting. */
export interface StringContext {
  str(s: string): Value;
  work(chars: number): void;
}

export function operate(op: string, l: Value, r: Value, ctx: StringContext): Value {
  switch (op) {
    case '&': {
      const a = toStr(l);
      const b = toStr(r);
      if (a === undefined || b === undefined) return unknown(`a string joined with ${show(isUnknown(l) || a === undefined ? l : r, 80)}`);
      return ctx.str(a + b);
    }
    case '+': {
      if (typeof l === 'string' && typeof r === 'string') return ctx.str(l + r);
      if (l === EMPTY && typeof r === 'string') return r;
      if (r === EMPTY && typeof l === 'string') return l;
      return arith(op, l, r);
    }
    case '-':
    case '*':
    case '/':
    case '\\':
    case 'mod':
    case '^':
      return arith(op, l, r);
    case '=':
    case '<>':
    case '<':
    case '>':
    case '<=':
    case '>=': {
      const c = compare(op, l, r, ctx);
      return c === undefined ? unknown('a comparison') : c;
    }
    case 'is':
      if (isUnknown(l) || isUnknown(r)) return unknown('an Is comparison');
      return l === r;
    default:
      return logic(op, l, r);
  }
}

function arith(op: string, l: Value, r: Value): Value {
  const a = toNum(l);
  const b = toNum(r);
  if (a === undefined || b === undefined) return unknown('arithmetic on something unknown');
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? unknown('a division by zero') : a / b;
    case '\\': {
      const d = Math.round(b);
      return d === 0 ? unknown('a division by zero') : Math.trunc(Math.round(a) / d);
    }
    case 'mod': {
      const d = Math.round(b);
      return d === 0 ? unknown('a division by zero') : Math.round(a) % d;
    }
    default:
      return a ** b;
  }
}

export function compare(op: string, l: Value, r: Value, ctx: StringContext): boolean | undefined {
  if (!isComparable(l) || !isComparable(r)) return undefined;
  let a: string | number;
  let b: string | number;
  const ln = toNum(l);
  const rn = toNum(r);
  if ((typeof l === 'number' || typeof r === 'number' || typeof l === 'boolean' || typeof r === 'boolean') && ln !== undefined && rn !== undefined) {
    a = ln;
    b = rn;
  } else {
    a = toStr(l) ?? '';
    b = toStr(r) ?? '';
    ctx.work(Math.min(a.length, b.length));
  }
  switch (op) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    default:
      return a >= b;
  }
}

function logic(op: string, l: Value, r: Value): Value {
  if (typeof l === 'boolean' && typeof r === 'boolean') {
    switch (op) {
      case 'and':
        return l && r;
      case 'or':
        return l || r;
      case 'xor':
        return l !== r;
      case 'eqv':
        return l === r;
      default:
        return !l || r;
    }
  }
  const a = toNum(l);
  const b = toNum(r);
  if (a === undefined || b === undefined) {
    // False And anything is False; True Or anything is True: decidable even with one side unknown.
    if (op === 'and' && (l === false || r === false)) return false;
    if (op === 'or' && (l === true || r === true)) return true;
    return unknown(`${op} of something unknown`);
  }
  switch (op) {
    case 'and':
      return a & b;
    case 'or':
      return a | b;
    case 'xor':
      return a ^ b;
    case 'eqv':
      return ~(a ^ b);
    default:
      return ~a | b;
  }
}

function isComparable(v: Value): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === EMPTY;
}
