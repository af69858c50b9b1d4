// Prepares a script for emulation: every direct `eval(x)` becomes `eval(__tb_seen(x))`, so the code it runs is
// reported while eval keeps its direct semantics (the local scope). Also notes what a script reaches for
// that only a Node.js or browser host would have: these are attempts to leave the sandbox.

import { parseScript, walk, type AnyNode } from './ast.ts';

export interface Instrumented {
  code: string;
  /** False when the script did not parse: eval is then replaced globally (indirect eval, global scope). */
  parsed: boolean;
  /** Host escape attempts seen in the source: `import()`, `require`, `process`, `constructor.constructor`. */
  escapeAttempts: string[];
}

const HOST_NAMES = new Set(['require', 'process', 'module', 'Buffer', 'globalThis', '__dirname', 'Deno', 'Bun']);

export function instrument(source: string): Instrumented {
  const ast = parseScript(source);
  if (!ast) return { code: `eval = __tb_eval;\n${source}`, parsed: false, escapeAttempts: [] };
  const inserts: { at: number; text: string }[] = [];
  const escapes = new Set<string>();
  walk(ast, (node) => {
    if (node.type === 'CallExpression') {
      const callee = node.callee as AnyNode;
      const args = node.arguments as AnyNode[];
      if (callee.type === 'Identifier' && callee.name === 'eval' && args.length > 0) {
        const first = args[0]!;
        inserts.push({ at: first.start, text: '__tb_seen(' }, { at: first.end, text: ')' });
      }
    } else if (node.type === 'ImportExpression') {
      escapes.add('import()');
    } else if (node.type === 'Identifier' && HOST_NAMES.has(node.name as string)) {
      escapes.add(node.name as string);
    } else if (node.type === 'MemberExpression') {
      const object = node.object as AnyNode;
      const property = node.property as AnyNode;
      if (property.type === 'Identifier' && property.name === 'constructor' && object.type === 'MemberExpression') {
        const inner = object.property as AnyNode;
        if (inner.type === 'Identifier' && inner.name === 'constructor') escapes.add('constructor.constructor');
      }
    }
  });
  inserts.sort((a, b) => b.at - a.at);
  let code = source;
  for (const { at, text } of inserts) code = code.slice(0, at) + text + code.slice(at);
  return { code, parsed: true, escapeAttempts: [...escapes] };
}
