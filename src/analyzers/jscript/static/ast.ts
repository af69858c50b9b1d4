// Parsing a script into an AST (acorn) and walking it without recursion, so a hostile nesting depth
// cannot overflow the host's stack.

import { parse, type Node } from 'acorn';

export type AnyNode = Node & Record<string, unknown>;

/** Parses leniently (sloppy script, return outside functions); undefined when the script is not JavaScript. */
export function parseScript(source: string): AnyNode | undefined {
  try {
    return parse(source, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowHashBang: true,
      allowReserved: true,
    }) as unknown as AnyNode;
  } catch {
    return undefined;
  }
}

export function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Visits every node once, parents before children; stops after maxNodes. */
export function walk(root: AnyNode, visit: (node: AnyNode, parent: AnyNode | undefined) => void, maxNodes = 2_000_000): void {
  const stack: [AnyNode, AnyNode | undefined][] = [[root, undefined]];
  let seen = 0;
  while (stack.length) {
    const [node, parent] = stack.pop()!;
    if (++seen > maxNodes) return;
    visit(node, parent);
    const children: AnyNode[] = [];
    for (const key of Object.keys(node)) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const v of value) if (isNode(v)) children.push(v);
      } else if (isNode(value)) children.push(value);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]!, node]);
  }
}
