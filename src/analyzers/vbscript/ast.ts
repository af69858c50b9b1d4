// The VBScript syntax tree the parser builds and the evaluator walks. `at` is the source offset of the node,
// so evidence can quote the code that did something.

export type Expr =
  | { t: 'lit'; value: string | number | boolean | null; empty?: boolean; nothing?: boolean; at: number }
  | { t: 'name'; name: string; at: number }
  /** `base.name`; a missing base is the With object (`.Write x` inside With). */
  | { t: 'member'; base: Expr | null; name: string; at: number }
  /** `callee(args)`: a call, an array index or a default-member call; decided when evaluated. */
  | { t: 'call'; callee: Expr; args: Expr[]; at: number }
  | { t: 'binary'; op: string; left: Expr; right: Expr; at: number }
  | { t: 'unary'; op: string; operand: Expr; at: number }
  | { t: 'new'; name: string; at: number };

export interface CaseClause {
  /** Empty for Case Else. */
  tests: Expr[];
  body: Stmt[];
}

export type Stmt =
  | { t: 'assign'; target: Expr; value: Expr; set: boolean; at: number }
  /** A call statement (`obj.Run cmd, 0` or `Call f(x)`), or a bare expression like `Execute s`. */
  | { t: 'call'; callee: Expr; args: Expr[]; at: number }
  | { t: 'dim'; names: { name: string; bounds: Expr[] }[]; redim: boolean; preserve: boolean; at: number }
  | { t: 'const'; names: { name: string; value: Expr }[]; at: number }
  | { t: 'if'; branches: { cond: Expr; body: Stmt[] }[]; otherwise: Stmt[]; at: number }
  | { t: 'for'; variable: string; from: Expr; to: Expr; step: Expr | null; body: Stmt[]; at: number }
  | { t: 'foreach'; variable: string; collection: Expr; body: Stmt[]; at: number }
  /** Do/Loop and While/Wend: `until` inverts the test; `after` tests at the end. A null test loops until Exit. */
  | { t: 'loop'; cond: Expr | null; until: boolean; after: boolean; body: Stmt[]; at: number }
  | { t: 'select'; subject: Expr; cases: CaseClause[]; at: number }
  | { t: 'with'; object: Expr; body: Stmt[]; at: number }
  | { t: 'exit'; what: string; at: number }
  | { t: 'onerror'; at: number }
  | { t: 'procedure'; proc: Procedure; at: number }
  /** A Class: its fields (Dim/Private/Public) and its methods and properties. */
  | { t: 'class'; name: string; fields: string[]; procs: Procedure[]; at: number };

export interface Procedure {
  name: string;
  lower: string;
  kind: 'function' | 'sub' | 'property';
  /** For a Property: Get reads it, Let and Set assign it. */
  accessor?: 'get' | 'let' | 'set';
  params: { name: string; byVal: boolean }[];
  body: Stmt[];
  at: number;
}
