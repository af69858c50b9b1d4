// Prepares a script for emulation: every direct `eval(x)` becomes `eval(__tb_seen(x))`, so the code it runs is
// reported while eval keeps its direct semantics (the local scope), and `typeof a.b` becomes
// `__tb_typeof(a, "b")`, so a COM method can answer "unknown" as under JScript. Also notes what a script reaches
// for that only a Node.js or browser host would have: attempts to leave the sandbox.

import { builtinModules } from 'node:module';
import { parseScript, walk, type AnyNode } from './ast.ts';

export interface Instrumented {
  code: string;
  /** False when the script did not parse: eval is then replaced globally (indirect eval, global scope). */
  parsed: boolean;
  /** Host escape attempts seen in the source: `constructor.constructor("…process…")`, `process.mainModule`. */
  escapeAttempts: string[];
  /** Node.js module loading seen in the source (`import()` of a built-in): code written for another host. */
  nodeApis: string[];
}

/** One change to the source: replace [start, end) with text (start === end inserts). */
interface Edit {
  start: number;
  end: number;
  text: string;
  role: 'replace' | 'open' | 'close';
  /** Size of the node the edit belongs to: orders edits that meet at one position (outer around inner). */
  span: number;
}

/** Members of Node's process object that load or run code: read by escapes, not by libraries. */
const HOST_POWERS = new Set(['mainModule', 'dlopen']);
/** Code text that hands back the host's globals. */
const HOST_CODE = /\b(process|require|global|module|Buffer)\b/;

function isConstructorOfConstructor(callee: AnyNode): boolean {
  if (callee.type !== 'MemberExpression') return false;
  const name = (n: AnyNode) => (n.computed ? (n.property as AnyNode).value : (n.property as AnyNode).name);
  const object = callee.object as AnyNode;
  return name(callee) === 'constructor' && object.type === 'MemberExpression' && name(object) === 'constructor';
}

function isNodeBuiltin(name: string): boolean {
  return name.startsWith('node:') || builtinModules.includes(name);
}

export function instrument(source: string): Instrumented {
  const ast = parseScript(source);
  if (!ast) return { code: `eval = __tb_eval;\n${source}`, parsed: false, escapeAttempts: [], nodeApis: [] };
  const edits: Edit[] = [];
  const escapes = new Set<string>();
  const nodeApis = new Set<string>();
  walk(ast, (node) => {
    const span = node.end - node.start;
    if (node.type === 'CallExpression') {
      const callee = node.callee as AnyNode;
      const args = node.arguments as AnyNode[];
      if (callee.type === 'Identifier' && callee.name === 'eval' && args.length > 0 && args[0]!.type !== 'SpreadElement') {
        const first = args[0]!;
        edits.push({ start: first.start, end: first.start, text: '__tb_seen(', role: 'open', span }, { start: first.end, end: first.end, text: ')', role: 'close', span });
      }
    } else if (node.type === 'UnaryExpression' && node.operator === 'typeof') {
      typeofEdits(source, node, edits);
    } else if (node.type === 'ImportExpression') {
      // JScript has no modules: import() of a Node built-in, or of a computed name, reaches for the host.
      const specifier = node.source as AnyNode;
      const name = specifier.type === 'Literal' && typeof specifier.value === 'string' ? specifier.value : undefined;
      if (name === undefined || isNodeBuiltin(name)) nodeApis.add(`import(${name ?? '…'})`);
    } else if (node.type === 'CallExpression' || node.type === 'NewExpression') {
      // (…).constructor.constructor("return process"): Function made from an object, fed code naming the host.
      const callee = node.callee as AnyNode;
      const arg = (node.arguments as AnyNode[])[0];
      const text = arg?.type === 'Literal' && typeof arg.value === 'string' ? arg.value : '';
      if (isConstructorOfConstructor(callee) && (text === '' || HOST_CODE.test(text))) escapes.add('constructor.constructor');
    } else if (node.type === 'MemberExpression') {
      // process.mainModule / process.dlopen: what only an escape needs (libraries read process.env, not these).
      const object = node.object as AnyNode;
      const property = node.property as AnyNode;
      if (object.type === 'Identifier' && object.name === 'process' && property.type === 'Identifier' && HOST_POWERS.has(property.name as string)) {
        escapes.add(`process.${property.name as string}`);
      }
    }
  });
  return { code: applyEdits(source, edits), parsed: true, escapeAttempts: [...escapes], nodeApis: [...nodeApis] };
}

/** `typeof a.b` → `__tb_typeof(a, "b")`, `typeof a[k]` → `__tb_typeof(a, k)`, by edits around the parts. */
function typeofEdits(source: string, node: AnyNode, edits: Edit[]): void {
  const arg = node.argument as AnyNode;
  if (arg.type !== 'MemberExpression' || arg.optional || (arg.object as AnyNode).type === 'Super') return;
  // `typeof (a.b)`: the parenthesis would turn the two arguments into one comma expression; left alone.
  if (source.slice(node.start + 6, arg.start).includes('(')) return;
  const object = arg.object as AnyNode;
  const property = arg.property as AnyNode;
  // Comments between the parts may hold dots or brackets of their own.
  const between = source.slice(object.end, property.start).replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => ' '.repeat(c.length));
  const sep = arg.computed ? between.lastIndexOf('[') : between.lastIndexOf('.');
  if (sep < 0) return;
  const span = node.end - node.start;
  if (arg.computed) {
    const close = source.lastIndexOf(']', arg.end);
    if (close < property.end) return;
    edits.push({ start: node.start, end: node.start + 6, text: '__tb_typeof(', role: 'replace', span });
    edits.push({ start: object.end + sep, end: object.end + sep + 1, text: ', ', role: 'replace', span });
    edits.push({ start: close, end: close + 1, text: ')', role: 'replace', span });
  } else {
    edits.push({ start: node.start, end: node.start + 6, text: '__tb_typeof(', role: 'replace', span });
    edits.push({ start: object.end + sep, end: property.end, text: `, ${JSON.stringify(property.name)})`, role: 'replace', span });
  }
}

function applyEdits(source: string, edits: Edit[]): string {
  // From the end backwards, so earlier positions stay valid. At one position: replacements first, then
  // closings outer-first and openings inner-first, so that outer code ends up around inner code.
  const rank = (e: Edit) => (e.role === 'replace' ? 0 : e.role === 'close' ? 1 : 2);
  edits.sort((a, b) => b.start - a.start || rank(a) - rank(b) || (a.role === 'close' ? b.span - a.span : a.span - b.span));
  let code = source;
  for (const e of edits) code = code.slice(0, e.start) + e.text + code.slice(e.end);
  return code;
}
