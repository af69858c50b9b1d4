// A necessary-condition check before YARA: libyara-wasm compiles the whole rule set on every scan (its only
// entry point), so a scan costs tens of milliseconds whatever the input. Most artifacts cannot match any rule:
// when every rule's condition requires one of a few plain strings and none of them occurs, the scan is skipped.
// The check is conservative: a rule whose condition it cannot read (or, not, xor/base64 strings, expressions
// with no plain text they require) makes every artifact go to YARA.

interface Literal {
  bytes: Buffer;
  nocase: boolean;
}

/**
 * For each rule, its gates: one per part of its condition that needs a string, each a list of literals of which
 * at least one must occur. A rule can match only when every gate holds; a rule without gates is always scanned.
 */
export interface Prefilter {
  rules: { name: string; gates: Literal[][] }[];
}

const RULE_START = String.raw`^\s*(?:(?:private|global)\s+)*rule\s+`;
/** A rule runs from its header to the closing brace that stands before the next rule (or the end), comments between. */
const BETWEEN = String.raw`(?:\s|\/\/[^\n]*|\/\*[\s\S]*?\*\/|import\s+"[^"]*")*`;
const RULE_RE = new RegExp(`${RULE_START}(\\w+)[^{]*\\{([\\s\\S]*?)\\}${BETWEEN}(?=${RULE_START}|(?![\\s\\S]))`, 'gm');
const MODIFIER = String.raw`(?:nocase|wide|ascii|fullword|private|xor(?:\([^)]*\))?|base64(?:wide)?(?:\([^)]*\))?)`;
const STRING_RE = new RegExp(String.raw`(\$\w*)\s*=\s*("(?:[^"\\]|\\.)*"|\{[^}]*\}|\/(?:[^/\\\n]|\\.)+\/[is]*)((?:\s+${MODIFIER})*)`, 'g');

function unescape(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = text[++i];
    if (n === 'x') {
      out.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push((n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : (n ?? '')).charCodeAt(0));
  }
  return Buffer.from(out);
}

/** The longest run of fixed bytes in a hex string ({ 4D 5A ?? 90 }), when it has one of two bytes or more. */
function hexAtom(body: string): Buffer | undefined {
  let best: number[] = [];
  let run: number[] = [];
  for (const token of body.replace(/\/\/[^\n]*/g, '').match(/[0-9a-fA-F?]{2}|\[[^\]]*\]|[()|~]/g) ?? []) {
    if (/^[0-9a-fA-F]{2}$/.test(token)) run.push(Number.parseInt(token, 16));
    else run = [];
    if (run.length > best.length) best = [...run];
  }
  return best.length >= 2 ? Buffer.from(best) : undefined;
}

const REGEX_META = new Set(['.', '[', '(', ')', '|', '*', '+', '?', '{', '}', '^', '$']);

/**
 * Plain text a regular expression cannot match without: its longest run of literal characters outside groups,
 * or, failing that, the alternatives of a group of plain words that must occur ((iwr|irm|curl)). Undefined when
 * the expression offers neither (then its rule is always scanned).
 */
export function regexAtoms(source: string): string[] | undefined {
  let best = '';
  let run = '';
  let alternatives: string[] | undefined;
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const next = source[i + 1];
    const optional = next === '?' || next === '*' || (next === '{' && /^\{0[,}]/.test(source.slice(i + 1)));
    if (c === '|') return undefined; // an alternation at the top: any branch may match
    if (c === '\\') {
      const e = source[++i] ?? '';
      if (e === 'b' || e === 'B') continue; // zero-width
      if (/[sSdDwWnrtxu]/.test(e) || optional) {
        end();
        continue;
      }
      run += e;
      continue;
    }
    if (c === '(') {
      let depth = 1;
      let j = i + 1;
      for (; j < source.length && depth > 0; j++) {
        if (source[j] === '\\') j++;
        else if (source[j] === '(') depth++;
        else if (source[j] === ')') depth--;
      }
      const inner = source.slice(i + 1, j - 1).replace(/^\?:/, '');
      const after = source[j];
      const words = inner.split('|');
      if (!(after === '?' || after === '*') && words.every((w) => w.length >= 3 && !/[\\.[\](){}|*+?^$]/.test(w))) alternatives ??= words;
      end();
      i = j - 1;
      continue;
    }
    if (c === '[') {
      // A character class is one character of a set: it ends the run, and its contents are not literals.
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      for (; j < source.length && source[j] !== ']'; j++) if (source[j] === '\\') j++;
      i = j;
      end();
      continue;
    }
    if (REGEX_META.has(c)) {
      if (c === '+' || c === '?' || c === '*' || c === '{') {
        if (c === '{') i = source.indexOf('}', i);
        end();
      } else if (c !== '^' && c !== '$') end();
      continue;
    }
    if (optional) {
      end();
      continue;
    }
    run += c;
  }
  end();
  if (best.length >= 3) return [best];
  return alternatives;
}

/** The plain forms a string definition can match in, or undefined when it is not a plain string. */
function literalsOf(value: string, modifiers: string): Literal[] | undefined {
  if (/\b(xor|base64|base64wide)\b/.test(modifiers)) return undefined;
  let texts: Buffer[];
  let nocase = /\bnocase\b/.test(modifiers);
  if (value.startsWith('"')) texts = [unescape(value.slice(1, -1))];
  else if (value.startsWith('{')) {
    const atom = hexAtom(value.slice(1, -1));
    return atom ? [{ bytes: atom, nocase: false }] : undefined;
  } else {
    const close = value.lastIndexOf('/');
    nocase ||= value.slice(close).includes('i');
    const atoms = regexAtoms(value.slice(1, close));
    if (!atoms) return undefined;
    texts = atoms.map((a) => Buffer.from(a, 'latin1'));
  }
  if (texts.some((t) => t.length === 0)) return undefined;
  const wide = /\bwide\b/.test(modifiers);
  const ascii = /\bascii\b/.test(modifiers) || !wide;
  const forms: Literal[] = [];
  for (const text of texts) {
    if (ascii) forms.push({ bytes: text, nocase });
    if (wide) forms.push({ bytes: Buffer.from(Array.from(text).flatMap((b) => [b, 0])), nocase });
  }
  return forms;
}

/** Splits at a keyword outside parentheses. */
function splitTop(condition: string, word: 'and' | 'or'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  const re = new RegExp(`\\b${word}\\b`, 'g');
  const tokens = [...condition.matchAll(/[()]|\band\b|\bor\b/g)];
  for (const t of tokens) {
    if (t[0] === '(') depth++;
    else if (t[0] === ')') depth--;
    else if (depth === 0 && re.test(t[0])) {
      parts.push(condition.slice(start, t.index));
      start = t.index! + t[0].length;
    }
    re.lastIndex = 0;
  }
  parts.push(condition.slice(start));
  return parts.map((p) => p.trim());
}

function gatesOf(condition: string, strings: Map<string, Literal[] | undefined>): Literal[][] {
  if (/\bnot\b/.test(condition) || splitTop(condition, 'or').length > 1) return [];
  const pick = (names: string[]): Literal[] | undefined => {
    if (names.length === 0) return undefined;
    const out: Literal[] = [];
    for (const n of names) {
      const lits = strings.get(n);
      if (!lits) return undefined;
      out.push(...lits);
    }
    return out;
  };
  const matching = (pattern: string) => {
    if (pattern === 'them') return [...strings.keys()];
    return pattern
      .replace(/^\(|\)$/g, '')
      .split(',')
      .map((p) => p.trim())
      .flatMap((p) => (p.endsWith('*') ? [...strings.keys()].filter((k) => k.startsWith(p.slice(0, -1))) : [p]));
  };
  const gates: Literal[][] = [];
  for (const conjunct of splitTop(condition, 'and')) {
    const bare = /^(\$\w*)$/.exec(conjunct);
    const of = /^(any|all|[1-9]\d*)\s+of\s+(them|\([^)]*\))$/.exec(conjunct);
    const gate = bare ? pick([bare[1]!]) : of ? pick(matching(of[2]!)) : undefined;
    if (gate) gates.push(gate);
  }
  return gates;
}

export function buildPrefilter(source: string): Prefilter {
  const rules: Prefilter['rules'] = [];
  for (const m of source.matchAll(RULE_RE)) {
    const body = m[2]!;
    const stringsBlock = /\bstrings\s*:([\s\S]*?)\bcondition\s*:/.exec(body)?.[1] ?? '';
    const condition = (/\bcondition\s*:([\s\S]*)$/.exec(body)?.[1] ?? '').replace(/\/\/[^\n]*/g, '').replace(/\s+/g, ' ').trim();
    const strings = new Map<string, Literal[] | undefined>();
    for (const s of stringsBlock.matchAll(STRING_RE)) strings.set(s[1]!, literalsOf(s[2]!, s[3]!));
    rules.push({ name: m[1]!, gates: condition ? gatesOf(condition, strings) : [] });
  }
  return { rules };
}

/** False only when no rule can match these bytes. */
export function mayMatch(filter: Prefilter, data: Uint8Array): boolean {
  if (filter.rules.length === 0) return false;
  if (filter.rules.some((r) => r.gates.length === 0)) return true;
  const raw = Buffer.from(data.buffer, data.byteOffset, data.length);
  let lower: Buffer | undefined;
  const occurs = (lit: Literal) => {
    if (!lit.nocase) return raw.indexOf(lit.bytes) >= 0;
    lower ??= Buffer.from(raw.toString('latin1').toLowerCase(), 'latin1');
    return lower.indexOf(Buffer.from(lit.bytes.toString('latin1').toLowerCase(), 'latin1')) >= 0;
  };
  return filter.rules.some((rule) => rule.gates.every((gate) => gate.some(occurs)));
}
