// The static pass: folds the constant string expressions droppers build their words from (concatenation,
// String.fromCharCode, string arrays with index and rotation functions, split/reverse/join, replace
// chains, escapes) and returns the decoded strings for the analyst. Emulation does the rest; this pass
// shows what the script spells out even when it refuses to run.

import { walk, type AnyNode } from './ast.ts';

type Value = string | number | boolean | Value[] | undefined;

export interface FoldLimits {
  maxStrings: number;
  maxBytes: number;
  /** Bound on how deep one expression is followed (bindings and nested calls). */
  maxDepth: number;
}

const DEFAULTS: FoldLimits = { maxStrings: 200, maxBytes: 64 * 1024, maxDepth: 64 };
const MAX_VALUE = 1 << 20;
/** Steps of the whole pass (a character built costs 1/64 step): about a second of work at most. */
const MAX_WORK = 4_000_000;

interface Bindings {
  /** Variables assigned exactly once, by their declaration. */
  values: Map<string, AnyNode>;
  /** Functions whose body only returns an expression of their parameters or constants. */
  functions: Map<string, AnyNode>;
  /** String arrays rotated by an obfuscator's start-up function: name → places moved left. */
  rotations: Map<string, number>;
  /** Methods the script adds to String.prototype ("R,u,n".decode()): name → function. */
  stringMethods: Map<string, AnyNode>;
}

export function decodedStrings(ast: AnyNode, limits: Partial<FoldLimits> = {}): string[] {
  const lim = { ...DEFAULTS, ...limits };
  const bindings = collectBindings(ast);
  const memo = new Map<AnyNode, Value>();
  let work = MAX_WORK;
  const charge = (v: Value): Value => {
    if (typeof v === 'string') work -= v.length >> 6;
    return work < 0 ? undefined : v;
  };
  const found = new Set<string>();
  let foundBytes = 0;

  const evaluate = (node: AnyNode | undefined, depth: number, scope?: Map<string, Value>): Value => {
    if (!node || depth > lim.maxDepth) return undefined;
    if (!scope && memo.has(node)) return memo.get(node);
    const value = evaluateNode(node, depth, scope);
    if (!scope) memo.set(node, value);
    return value;
  };

  const evaluateNode = (node: AnyNode, depth: number, scope?: Map<string, Value>): Value => {
    // One budget for the whole pass, charged per step and per character built: hostile input ends the
    // folding early instead of holding the host.
    if (--work < 0) return undefined;
    const next = depth + 1;
    switch (node.type) {
      case 'Literal':
        return typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean' ? (node.value as Value) : undefined;
      case 'TemplateLiteral': {
        const quasis = node.quasis as AnyNode[];
        const exprs = node.expressions as AnyNode[];
        let out = '';
        for (let i = 0; i < quasis.length; i++) {
          out += (quasis[i]!.value as { cooked?: string }).cooked ?? '';
          if (i < exprs.length) {
            const v = evaluate(exprs[i], next, scope);
            if (v === undefined || Array.isArray(v)) return undefined;
            out += String(v);
          }
        }
        return out;
      }
      case 'Identifier': {
        const name = node.name as string;
        if (scope?.has(name)) return scope.get(name);
        const init = bindings.values.get(name);
        if (!init) return undefined;
        const value = evaluate(init, next);
        const turns = bindings.rotations.get(name);
        if (Array.isArray(value) && turns && value.length) {
          const k = turns % value.length;
          return [...value.slice(k), ...value.slice(0, k)];
        }
        return value;
      }
      case 'ThisExpression':
        return scope?.has('this') ? scope.get('this') : undefined;
      case 'ParenthesizedExpression':
        return evaluate(node.expression as AnyNode, next, scope);
      case 'SequenceExpression': {
        const list = node.expressions as AnyNode[];
        return evaluate(list[list.length - 1], next, scope);
      }
      case 'ConditionalExpression': {
        const test = evaluate(node.test as AnyNode, next, scope);
        if (test === undefined || Array.isArray(test)) return undefined;
        return evaluate((test ? node.consequent : node.alternate) as AnyNode, next, scope);
      }
      case 'ArrayExpression': {
        const out: Value[] = [];
        for (const el of node.elements as (AnyNode | null)[]) {
          const v = el ? evaluate(el, next, scope) : undefined;
          if (v === undefined) return undefined;
          out.push(v);
        }
        return out;
      }
      case 'UnaryExpression': {
        const v = evaluate(node.argument as AnyNode, next, scope);
        if (v === undefined || Array.isArray(v)) return undefined;
        if (node.operator === '-') return -Number(v);
        if (node.operator === '+') return Number(v);
        if (node.operator === '!') return !v;
        return undefined;
      }
      case 'BinaryExpression': {
        const a = evaluate(node.left as AnyNode, next, scope);
        if (a === undefined || Array.isArray(a)) return undefined;
        const b = evaluate(node.right as AnyNode, next, scope);
        if (b === undefined || Array.isArray(b)) return undefined;
        const r = binary(node.operator as string, a, b);
        return typeof r === 'string' && r.length > MAX_VALUE ? undefined : charge(r);
      }
      case 'MemberExpression': {
        const object = evaluate(node.object as AnyNode, next, scope);
        if (object === undefined) return undefined;
        const key = node.computed ? evaluate(node.property as AnyNode, next, scope) : ((node.property as AnyNode).name as string);
        if (key === undefined || Array.isArray(key)) return undefined;
        if (key === 'length' && (typeof object === 'string' || Array.isArray(object))) return object.length;
        if (typeof object === 'string' || Array.isArray(object)) {
          const index = Number(key);
          if (Number.isInteger(index) && index >= 0 && index < object.length) return object[index];
        }
        return undefined;
      }
      case 'CallExpression':
        return evaluateCall(node, next, scope);
      default:
        return undefined;
    }
  };

  const evaluateCall = (node: AnyNode, depth: number, scope?: Map<string, Value>): Value => {
    const callee = node.callee as AnyNode;
    const args = (node.arguments as AnyNode[]).map((a) => evaluate(a, depth, scope));
    if (callee.type === 'Identifier') {
      const name = callee.name as string;
      if (name === 'unescape' || name === 'decodeURIComponent' || name === 'decodeURI') {
        const s = args[0];
        if (typeof s !== 'string') return undefined;
        try {
          return name === 'unescape' ? unescape(s) : decodeURIComponent(s);
        } catch {
          return undefined;
        }
      }
      const fn = bindings.functions.get(name);
      if (!fn || args.some((a) => a === undefined)) return undefined;
      const params = (fn.params as AnyNode[]).map((p) => (p.type === 'Identifier' ? (p.name as string) : ''));
      const inner = new Map<string, Value>();
      params.forEach((p, i) => inner.set(p, args[i]));
      return evaluateFunctionBody(fn, inner, depth);
    }
    if (callee.type !== 'MemberExpression') return undefined;
    const property = callee.computed ? evaluate(callee.property as AnyNode, depth, scope) : ((callee.property as AnyNode).name as string);
    if (typeof property !== 'string') return undefined;
    const objectNode = callee.object as AnyNode;
    if (objectNode.type === 'Identifier' && objectNode.name === 'String' && property === 'fromCharCode') {
      if (!args.every((a) => typeof a === 'number' || (typeof a === 'string' && /^\d+$/.test(a)))) return undefined;
      return String.fromCharCode(...args.map(Number));
    }
    const object = evaluate(objectNode, depth, scope);
    const added = typeof object === 'string' ? bindings.stringMethods.get(property) : undefined;
    if (added && !args.some((a) => a === undefined)) {
      const params = (added.params as AnyNode[]).map((p) => (p.type === 'Identifier' ? (p.name as string) : ''));
      const inner = new Map<string, Value>([['this', object]]);
      params.forEach((p, i) => inner.set(p, args[i]));
      return charge(evaluateFunctionBody(added, inner, depth));
    }
    return charge(stringMethod(object, property, args));
  };

  /** A function body of `p = p - K; var x = ARR[p]; return x;` shape, or a single `return expr`. */
  const evaluateFunctionBody = (fn: AnyNode, scope: Map<string, Value>, depth: number): Value => {
    const body = (fn.body as AnyNode).body as AnyNode[];
    for (const statement of body) {
      if (statement.type === 'ReturnStatement') return evaluate(statement.argument as AnyNode, depth + 1, scope);
      if (statement.type === 'ExpressionStatement' && (statement.expression as AnyNode).type === 'AssignmentExpression') {
        const assign = statement.expression as AnyNode;
        const target = assign.left as AnyNode;
        if (target.type !== 'Identifier' || assign.operator !== '=') return undefined;
        scope.set(target.name as string, evaluate(assign.right as AnyNode, depth + 1, scope));
      } else if (statement.type === 'VariableDeclaration') {
        for (const d of statement.declarations as AnyNode[]) {
          const id = d.id as AnyNode;
          if (id.type !== 'Identifier') return undefined;
          scope.set(id.name as string, d.init ? evaluate(d.init as AnyNode, depth + 1, scope) : undefined);
        }
      } else return undefined;
    }
    return undefined;
  };

  const FOLDABLE = new Set(['BinaryExpression', 'CallExpression', 'MemberExpression', 'TemplateLiteral']);
  walk(ast, (node) => {
    if (found.size >= lim.maxStrings * 4 || foundBytes > lim.maxBytes * 16 || work < 0) return;
    if (FOLDABLE.has(node.type)) {
      const v = evaluate(node, 0);
      if (typeof v === 'string' && v.length >= 6 && !found.has(v)) {
        found.add(v);
        foundBytes += v.length;
      }
    } else if (node.type === 'Literal' && typeof node.value === 'string' && /\\[xu]/.test(String(node.raw))) {
      if (node.value.length >= 4 && !found.has(node.value)) {
        found.add(node.value);
        foundBytes += node.value.length;
      }
    }
  });
  // Keep the longest forms: a string that is part of a longer decoded string adds nothing.
  const sorted = [...found].sort((a, b) => b.length - a.length);
  const kept: string[] = [];
  let bytes = 0;
  for (const s of sorted) {
    if (kept.length >= lim.maxStrings || bytes + s.length > lim.maxBytes) break;
    if (kept.some((k) => k.includes(s))) continue;
    kept.push(s);
    bytes += s.length;
  }
  return kept;
}

function binary(op: string, a: string | number | boolean, b: string | number | boolean): Value {
  switch (op) {
    case '+':
      return typeof a === 'string' || typeof b === 'string' ? String(a) + String(b) : Number(a) + Number(b);
    case '-':
      return Number(a) - Number(b);
    case '*':
      return Number(a) * Number(b);
    case '/':
      return Number(a) / Number(b);
    case '%':
      return Number(a) % Number(b);
    case '^':
      return Number(a) ^ Number(b);
    case '|':
      return Number(a) | Number(b);
    case '&':
      return Number(a) & Number(b);
    case '<<':
      return Number(a) << Number(b);
    case '>>':
      return Number(a) >> Number(b);
    case '==':
    case '===':
      return a === b;
    case '!=':
    case '!==':
      return a !== b;
    default:
      return undefined;
  }
}

/** The string and array methods droppers spell words with, applied to constants only. */
function stringMethod(object: Value, method: string, args: Value[]): Value {
  const s = (i: number) => (typeof args[i] === 'string' ? (args[i] as string) : typeof args[i] === 'number' ? String(args[i]) : undefined);
  const n = (i: number) => (args[i] === undefined ? undefined : Number(args[i]));
  if (Array.isArray(object)) {
    if (method === 'join') {
      const sep = args.length ? s(0) : ',';
      if (sep === undefined || object.some((v) => Array.isArray(v) || v === undefined)) return undefined;
      const joined = object.join(sep);
      return joined.length > MAX_VALUE ? undefined : joined;
    }
    if (method === 'reverse') return [...object].reverse();
    if (method === 'slice') return object.slice(n(0), n(1));
    return undefined;
  }
  if (typeof object !== 'string') return undefined;
  switch (method) {
    case 'split': {
      const sep = s(0);
      return sep === undefined ? undefined : object.split(sep);
    }
    // Only string patterns: a regular expression from the script could backtrack for ever, and this pass runs
    // on the host. Regex replace chains are left to the sandbox, which has a deadline.
    case 'replace':
    case 'replaceAll': {
      const from = s(0);
      const to = s(1);
      if (from === undefined || to === undefined) return undefined;
      return method === 'replace' ? object.replace(from, () => to) : object.split(from).join(to);
    }
    case 'charAt':
      return object.charAt(n(0) ?? 0);
    case 'charCodeAt':
      return object.charCodeAt(n(0) ?? 0);
    case 'substr':
      return object.substr(n(0) ?? 0, n(1));
    case 'substring':
      return object.substring(n(0) ?? 0, n(1));
    case 'slice':
      return object.slice(n(0), n(1));
    case 'concat':
      return args.every((a) => typeof a === 'string' || typeof a === 'number') ? object + args.join('') : undefined;
    case 'toLowerCase':
      return object.toLowerCase();
    case 'toUpperCase':
      return object.toUpperCase();
    case 'trim':
      return object.trim();
    case 'toString':
    case 'valueOf':
      return object;
    default:
      return undefined;
  }
}

function collectBindings(ast: AnyNode): Bindings {
  const values = new Map<string, AnyNode>();
  const functions = new Map<string, AnyNode>();
  const rotations = new Map<string, number>();
  const stringMethods = new Map<string, AnyNode>();
  const assigned = new Map<string, number>();
  const count = (name: string) => assigned.set(name, (assigned.get(name) ?? 0) + 1);
  walk(ast, (node) => {
    if (node.type === 'VariableDeclarator') {
      const id = node.id as AnyNode;
      if (id.type !== 'Identifier') return;
      count(id.name as string);
      const init = node.init as AnyNode | null;
      if (init && (init.type === 'FunctionExpression' || init.type === 'ArrowFunctionExpression') && (init.body as AnyNode).type === 'BlockStatement') {
        functions.set(id.name as string, init);
      } else if (init) values.set(id.name as string, init);
    } else if (node.type === 'FunctionDeclaration') {
      const id = node.id as AnyNode | null;
      if (id) functions.set(id.name as string, node);
    } else if (node.type === 'AssignmentExpression') {
      const left = node.left as AnyNode;
      const right = node.right as AnyNode;
      // String.prototype.NAME = function (…) { return … this … }
      if (left.type === 'MemberExpression' && !left.computed && (right.type === 'FunctionExpression' || right.type === 'ArrowFunctionExpression') && (right.body as AnyNode).type === 'BlockStatement') {
        const owner = left.object as AnyNode;
        if (owner.type === 'MemberExpression' && (owner.object as AnyNode).name === 'String' && (owner.property as AnyNode).name === 'prototype') {
          stringMethods.set((left.property as AnyNode).name as string, right);
        }
      }
      if (left.type === 'Identifier') {
        count(left.name as string);
        if (node.operator === '=' && !values.has(left.name as string)) values.set(left.name as string, node.right as AnyNode);
      }
    } else if (node.type === 'UpdateExpression') {
      const arg = node.argument as AnyNode;
      if (arg.type === 'Identifier') assigned.set(arg.name as string, 2); // x++ changes x: never a constant
    } else if (node.type === 'CallExpression') {
      // The obfuscator start-up: (function (arr, n) { … arr.push(arr.shift()) … })(strings, 0x1f3)
      const callee = node.callee as AnyNode;
      const args = node.arguments as AnyNode[];
      if (callee.type === 'FunctionExpression' && args.length === 2 && args[0]!.type === 'Identifier' && args[1]!.type === 'Literal' && typeof args[1]!.value === 'number') {
        let push = false;
        let shift = false;
        walk(callee, (inner) => {
          if (inner.type === 'Identifier' || (inner.type === 'Literal' && typeof inner.value === 'string')) {
            const word = (inner.name ?? inner.value) as string;
            if (word === 'push') push = true;
            if (word === 'shift') shift = true;
          }
        }, 5_000);
        if (push && shift) rotations.set(args[0]!.name as string, args[1]!.value as number);
      }
    }
  });
  // A variable assigned more than once is not a constant.
  for (const [name, times] of assigned) if (times > 1) values.delete(name);
  return { values, functions, rotations, stringMethods };
}
