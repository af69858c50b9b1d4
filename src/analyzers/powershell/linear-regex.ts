// Regular expressions written by the script under analysis, compiled for V8's linear-time engine.
//
// A pattern like (a+)+$ backtracks exponentially: a -match on 30 characters blocked the process for 35 s,
// out of reach of the analysis timer (found by fuzzing). V8's experimental engine (the `l` flag, enabled by
// a V8 flag set here) runs in time linear in the input but refuses backreferences and lookaround, and on
// Node 20 also the `i` flag. PowerShell matches case-insensitively by default, so an `i` pattern is rewritten
// with both cases spelled out ([aA]); a pattern the engine still refuses is treated as one that does not
// compile (its result stays unknown). On a runtime without the engine, patterns compile as before.

import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--enable-experimental-regexp-engine');

/** The flag, or '' where the runtime has no linear engine (compile() says whether the flag is accepted). */
const LINEAR_FLAG = ['l'].join('');
const LINEAR = compile('a', LINEAR_FLAG) ? LINEAR_FLAG : '';

export function linearRegExp(source: string, flags: string): RegExp | undefined {
  if (!LINEAR) return compile(source, flags);
  const direct = compile(source, flags + LINEAR);
  if (direct || !flags.includes('i')) return direct;
  const folded = foldCase(source);
  return folded === undefined ? undefined : compile(folded, flags.replace('i', '') + LINEAR);
}

function compile(source: string, flags: string): RegExp | undefined {
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

const isLetter = (c: string) => c.toLowerCase() !== c.toUpperCase();
const bothCases = (c: string) => (isLetter(c) ? `${c.toLowerCase()}${c.toUpperCase()}` : c);

/** The pattern with every letter matching both cases; undefined for syntax this rewrite does not handle. */
export function foldCase(p: string): string | undefined {
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      // Class escapes (\W, \d), control and back-reference escapes are copied as written; an escape that
      // spells a letter (\x41, \u0062, or an identity escape like \e) is that letter, in both cases.
      const next = p[i + 1] ?? '';
      const length = next === 'x' ? 4 : next === 'u' ? (p[i + 2] === '{' ? p.indexOf('}', i) + 1 - i : 6) : next === 'c' ? 3 : next === 'k' ? p.indexOf('>', i) + 1 - i : 2;
      if (length <= 0 || next === 'p' || next === 'P') return undefined;
      const escape = p.slice(i, i + length);
      const hex = /^\\(?:x([0-9a-f]{2})|u([0-9a-f]{4}))$/i.exec(escape);
      const letter = hex ? String.fromCharCode(parseInt(hex[1] ?? hex[2]!, 16)) : /^[a-z]$/i.test(next) && !'dDwWsSbBfnrtvcxukpP'.includes(next) ? next : '';
      if (letter && inClass && (p[i - 1] === '-' || p[i + length] === '-')) return undefined; // a range end: not rewritten
      out += letter && isLetter(letter) ? (inClass ? bothCases(letter) : `[${bothCases(letter)}]`) : escape;
      i += length - 1;
    } else if (inClass) {
      if (c === ']') {
        inClass = false;
        out += c;
      } else if (p[i + 1] === '-' && p[i + 2] !== undefined && p[i + 2] !== ']' && p[i + 2] !== '\\') {
        const to = p[i + 2]!;
        out += `${c}-${to}`;
        // a-z also takes A-Z (and the other way round) when both ends are letters of one case.
        if (isLetter(c) && isLetter(to) && (c === c.toLowerCase()) === (to === to.toLowerCase())) {
          out += c === c.toLowerCase() ? `${c.toUpperCase()}-${to.toUpperCase()}` : `${c.toLowerCase()}-${to.toLowerCase()}`;
        }
        i += 2;
      } else out += bothCases(c);
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') out += p[++i];
    } else if (c === '(' && p[i + 1] === '?') {
      const group = /^\(\?(<[A-Za-z_$][\w$]*>|<=|<!|[:=!])/.exec(p.slice(i));
      if (!group) return undefined;
      out += group[0];
      i += group[0].length - 1;
    } else out += isLetter(c) ? `[${bothCases(c)}]` : c;
  }
  return inClass ? undefined : out;
}
