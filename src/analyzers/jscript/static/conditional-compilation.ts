// JScript conditional compilation (`/*@cc_on ... @*/`): code inside those comments runs under WSH and is a
// comment everywhere else, which is why droppers hide their URL list there. Rewritten into plain JavaScript
// with the values WSH on 32-bit Windows gives the predefined variables.

const PREDEFINED: Record<string, string> = {
  _jscript: 'true',
  _jscript_version: '5.8',
  _jscript_build: '18283',
  _win32: 'true',
  _win16: 'false',
  _win64: 'false',
  _x86: 'true',
  _mac: 'false',
  _alpha: 'false',
  _mc680x0: 'false',
  _powerpc: 'false',
  _microsoft: 'true',
  _debug: 'false',
  _fast: 'true',
};

/** True when the script turns conditional compilation on. */
export function usesConditionalCompilation(source: string): boolean {
  return /@cc_on\b/i.test(source);
}

/** Returns the script as WSH would compile it, or the input unchanged when it does not use @cc_on. */
export function resolveConditionalCompilation(source: string): string {
  if (!usesConditionalCompilation(source)) return source;
  let out = source
    .replace(/\/\*@cc_on\b/gi, ' ')
    .replace(/\/\/@cc_on\b/gi, ' ')
    .replace(/@cc_on\b/gi, ' ')
    // The comment markers that hide the code: `/*@` opens, `@*/` closes. `//@` line comments work alike.
    .replace(/\/\*@/g, ' @')
    .replace(/@\*\//g, ' ')
    .replace(/\/\/@(?=if|set|elif|else|end)/gi, ' @');
  out = out.replace(/@set\s+@(\w+)\s*=\s*([^\n;]*)/gi, (_m, name: string, value: string) => `var __cc_${name} = ${value};`);
  out = rewriteConditions(out);
  out = out.replace(/@else\b/gi, '} else {');
  out = out.replace(/@end\b/gi, '}');
  out = out.replace(/@(_\w+)\b/g, (m, name: string) => PREDEFINED[name.toLowerCase()] ?? 'undefined');
  out = out.replace(/@(\w+)\b/g, (_m, name: string) => `__cc_${name}`);
  return out;
}

/** `@if (cond)` → `if (cond) {` and `@elif (cond)` → `} else if (cond) {`, with balanced parentheses. */
function rewriteConditions(text: string): string {
  let result = '';
  let i = 0;
  const pattern = /@(if|elif)\s*\(/gi;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text))) {
    let depth = 1;
    let j = match.index + match[0].length;
    while (j < text.length && depth > 0) {
      const c = text[j];
      if (c === '(') depth++;
      else if (c === ')') depth--;
      j++;
    }
    const condition = text.slice(match.index + match[0].length - 1, j);
    result += text.slice(i, match.index) + (match[1]!.toLowerCase() === 'if' ? 'if ' : '} else if ') + condition + ' {';
    i = j;
    pattern.lastIndex = j;
  }
  return result + text.slice(i);
}
