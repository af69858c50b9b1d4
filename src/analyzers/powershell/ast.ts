// The syntax tree the PowerShell parser builds and the evaluator walks. Every node keeps its source span
// so findings can quote the exact text as evidence.

import type { ExpandablePart } from './lexer.ts';

interface Span {
  start: number;
  end: number;
}

export type Expr = Span &
  (
    | { t: 'str'; v: string; bare?: boolean }
    | { t: 'xstr'; parts: (string | Expr)[] }
    | { t: 'num'; v: number }
    | { t: 'var'; name: string }
    | { t: 'array'; items: Expr[] }
    | { t: 'sub'; body: Stmt[]; array: boolean }
    | { t: 'hash'; entries: [Expr, Expr][] }
    | { t: 'block'; body: Stmt[]; params: Param[]; text: string }
    | { t: 'type'; name: string }
    | { t: 'cast'; type: string; e: Expr }
    | { t: 'member'; obj: Expr; name: Expr; isStatic: boolean }
    | { t: 'call'; obj: Expr; name: Expr; args: Expr[]; isStatic: boolean }
    | { t: 'index'; obj: Expr; idx: Expr }
    | { t: 'bin'; op: string; l: Expr; r: Expr }
    | { t: 'un'; op: string; e: Expr }
    | { t: 'incdec'; op: '++' | '--'; target: Expr; prefix: boolean }
    | { t: 'pipeline'; stages: Stage[] }
  );

/** A command in a pipeline: `name args…`, `& expr args…`, `. expr args…`. */
export interface Command extends Span {
  t: 'cmd';
  name: Expr;
  invoke: '' | '&' | '.';
  args: Arg[];
}

export type Stage = Command | Expr;

export interface Arg {
  /** The parameter name as written, without the dash, lower-case ("uri", "outfile"). */
  param?: string;
  value?: Expr;
}

export interface Param {
  name: string;
  value?: Expr;
}

export type Stmt = Span &
  (
    | { t: 'expr'; e: Expr }
    | { t: 'assign'; target: Expr; op: string; value: Expr }
    | { t: 'if'; clauses: [Expr, Stmt[]][]; otherwise?: Stmt[] }
    | { t: 'foreach'; name: string; iter: Expr; body: Stmt[] }
    | { t: 'for'; init?: Stmt; cond?: Expr; step?: Stmt; body: Stmt[] }
    | { t: 'while'; cond: Expr; body: Stmt[]; doFirst: boolean; until: boolean }
    | { t: 'try'; body: Stmt[]; catches: Stmt[][]; fin?: Stmt[] }
    | { t: 'function'; name: string; params: Param[]; body: Stmt[] }
    | { t: 'flow'; kind: 'break' | 'continue' | 'return' | 'throw' | 'exit'; e?: Expr }
    | { t: 'skip' }
  );

export type { ExpandablePart };
