// PowerShell's lexical pieces, read on demand by the parser (PowerShell tokenizes differently in expression
// and argument mode, so the parser asks for the piece it expects): strings of all four kinds, numbers,
// variables, names with backticks. Each reader is linear and never looks back.

/** Characters PowerShell accepts as quotes: ASCII plus the typographic ones Word pastes in. */
export const SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b";
export const DOUBLE_QUOTES = '"\u201c\u201d\u201e';
export const DASHES = '-\u2013\u2014\u2015';

// `includes('')` is true for any string: these guard the end of the text, where peek() returns ''.
export const isSingleQuote = (c: string | undefined): boolean => !!c && c.length === 1 && SINGLE_QUOTES.includes(c);
export const isDoubleQuote = (c: string | undefined): boolean => !!c && c.length === 1 && DOUBLE_QUOTES.includes(c);
export const isDash = (c: string | undefined): boolean => !!c && c.length === 1 && DASHES.includes(c);

/** Backtick escapes in double-quoted strings. */
const ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export class Source {
  pos = 0;
  /** Backticks seen inside names and arguments: a sign of token obfuscation. */
  backtickNames = 0;
  constructor(readonly text: string) {}

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** Skips spaces, tabs, comments and line continuations; newlines too when `newlines` is true. */
  skipSpace(newlines: boolean): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos]!;
      if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') this.pos++;
      else if (c === '`' && (t[this.pos + 1] === '\n' || t[this.pos + 1] === '\r')) this.pos += t[this.pos + 2] === '\n' ? 3 : 2;
      else if (newlines && (c === '\n' || c === '\r')) this.pos++;
      else if (c === '#') {
        while (this.pos < t.length && t[this.pos] !== '\n' && t[this.pos] !== '\r') this.pos++;
      } else if (c === '<' && t[this.pos + 1] === '#') {
        const end = t.indexOf('#>', this.pos + 2);
        this.pos = end < 0 ? t.length : end + 2;
      } else break;
    }
  }

  /** True when the text at pos starts with `word` (case-insensitive) followed by a non-name character. */
  keyword(word: string): boolean {
    const end = this.pos + word.length;
    if (this.text.slice(this.pos, end).toLowerCase() !== word) return false;
    return !/[\w-]/.test(this.text[end] ?? '');
  }
}

/** Reads a single-quoted string at pos ('' is a quote). */
export function readSingleQuoted(src: Source): string {
  const t = src.text;
  let out = '';
  src.pos++;
  while (src.pos < t.length) {
    const c = t[src.pos]!;
    if (isSingleQuote(c)) {
      if (isSingleQuote(t[src.pos + 1] ?? '')) {
        out += "'";
        src.pos += 2;
        continue;
      }
      src.pos++;
      return out;
    }
    out += c;
    src.pos++;
  }
  return out;
}

/** A piece of an expandable string: literal text, or the source of a $variable / $( … ) to evaluate. */
export type ExpandablePart = { text: string } | { variable: string; member?: string } | { subexpression: string };

/** Reads a double-quoted string at pos into literal parts and expansions. */
export function readDoubleQuoted(src: Source): ExpandablePart[] {
  const t = src.text;
  src.pos++;
  return readExpandable(src, (i) => {
    const c = t[i]!;
    if (!isDoubleQuote(c)) return 0;
    return isDoubleQuote(t[i + 1] ?? '') ? -1 : 1;
  });
}

/** Reads a here-string (@' … '@ or @" … "@) at pos. */
export function readHereString(src: Source): string | ExpandablePart[] {
  const t = src.text;
  const quote = t[src.pos + 1]!;
  let start = src.pos + 2;
  while (t[start] === ' ' || t[start] === '\t') start++;
  if (t[start] === '\r') start++;
  if (t[start] === '\n') start++;
  const closing = new RegExp(`\\r?\\n[${isSingleQuote(quote) ? SINGLE_QUOTES : DOUBLE_QUOTES}]@`, 'g');
  closing.lastIndex = start;
  const m = closing.exec(t);
  const end = m ? m.index : t.length;
  const after = m ? m.index + m[0].length : t.length;
  if (isSingleQuote(quote)) {
    src.pos = after;
    return t.slice(start, end);
  }
  const inner = new Source(t.slice(start, end));
  const parts = readExpandable(inner, () => 0);
  src.pos = after;
  return parts;
}

/**
 * The body of an expandable string. `closes(i)` returns 1 when the string ends at i, -1 for a doubled quote
 * (a literal quote), 0 otherwise.
 */
function readExpandable(src: Source, closes: (i: number) => number): ExpandablePart[] {
  const t = src.text;
  const parts: ExpandablePart[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push({ text });
    text = '';
  };
  while (src.pos < t.length) {
    const c = t[src.pos]!;
    const close = closes(src.pos);
    if (close === 1) {
      src.pos++;
      break;
    }
    if (close === -1) {
      text += '"';
      src.pos += 2;
      continue;
    }
    if (c === '`' && src.pos + 1 < t.length) {
      const n = t[src.pos + 1]!;
      text += ESCAPES[n] ?? n;
      src.pos += 2;
      continue;
    }
    if (c === '$') {
      const n = t[src.pos + 1] ?? '';
      if (n === '(') {
        const end = matchingParen(t, src.pos + 1);
        flush();
        parts.push({ subexpression: t.slice(src.pos + 2, end) });
        src.pos = Math.min(t.length, end + 1);
        continue;
      }
      if (n === '{' || /[\w?^$:]/.test(n)) {
        const save = src.pos;
        const name = readVariableName(src);
        if (name !== undefined) {
          flush();
          parts.push({ variable: name });
          continue;
        }
        src.pos = save;
      }
    }
    text += c;
    src.pos++;
  }
  flush();
  return parts;
}

/** Index of the parenthesis closing the one at `open`, skipping strings; the text's end when unbalanced. */
export function matchingParen(t: string, open: number): number {
  let depth = 0;
  for (let i = open; i < t.length; i++) {
    const c = t[i]!;
    if (c === '`') i++;
    else if (c === "'") {
      i = t.indexOf("'", i + 1);
      if (i < 0) return t.length;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return t.length;
}

/** Reads `$name`, `${any name}`, `$env:x`, `$script:x`, `$_`, `$?`, `$^`, `$$`. Returns the lower-case name. */
export function readVariableName(src: Source): string | undefined {
  const t = src.text;
  const start = src.pos;
  if (t[start] !== '$' && t[start] !== '@') return undefined;
  src.pos++;
  if (t[src.pos] === '{') {
    const end = t.indexOf('}', src.pos);
    const name = t.slice(src.pos + 1, end < 0 ? t.length : end).replace(/`(.)/g, '$1');
    src.pos = end < 0 ? t.length : end + 1;
    return name.toLowerCase();
  }
  const special = t[src.pos];
  if (special === '$' || special === '?' || special === '^') {
    src.pos++;
    return special;
  }
  const m = /^(?:[a-z]+:(?=[\w]))?[\w]+/i.exec(t.slice(src.pos, src.pos + 256));
  if (!m) {
    src.pos = start;
    return undefined;
  }
  src.pos += m[0].length;
  return m[0].toLowerCase();
}

/** Reads a number (123, 0x1F, 1.5, 1e3, 10kb, 5L) at pos, or undefined. */
export function readNumber(src: Source): number | undefined {
  const m = /^(?:0x[0-9a-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+)(l|d|u|ul|lu)?(kb|mb|gb|tb|pb)?(?![\w.])/i.exec(src.text.slice(src.pos, src.pos + 64));
  if (!m) return undefined;
  src.pos += m[0].length;
  const body = m[0].slice(0, m[0].length - (m[1]?.length ?? 0) - (m[2]?.length ?? 0));
  let value = /^0x/i.test(body) ? parseInt(body.slice(2), 16) : Number(body);
  // 0xFFFFFFFF-style literals are Int32 in PowerShell: they wrap to negative.
  if (/^0x/i.test(body) && body.length === 10 && value > 0x7fffffff && !m[1]) value -= 0x100000000;
  const unit = m[2]?.toLowerCase();
  if (unit) value *= 1024 ** (['kb', 'mb', 'gb', 'tb', 'pb'].indexOf(unit) + 1);
  return value;
}

/**
 * Reads a bare word in argument mode (a command name, a path, a switch value): everything up to a space
 * or a character that ends an argument, with backtick escapes removed.
 */
export function readBareWord(src: Source, stopAtDot = false): string {
  const t = src.text;
  let out = '';
  while (src.pos < t.length) {
    const c = t[src.pos]!;
    if (c === '`') {
      const n = t[src.pos + 1];
      if (n === undefined || n === '\n' || n === '\r') break;
      src.backtickNames++;
      out += n;
      src.pos += 2;
      continue;
    }
    if (/[\s;(){}|&,]/.test(c) || (c === '.' && stopAtDot) || (c === '=' && out === '')) break;
    if ((c === '"' || c === "'") && out === '') break;
    if (c === '$' && out !== '' && stopAtDot) break;
    if (c === '[' && stopAtDot) break;
    out += c;
    src.pos++;
  }
  return out;
}

/** Reads an identifier for a member name or a keyword (letters, digits, _), with backticks removed. */
export function readIdentifier(src: Source): string {
  const t = src.text;
  let out = '';
  while (src.pos < t.length) {
    const c = t[src.pos]!;
    if (c === '`' && /\w/.test(t[src.pos + 1] ?? '')) {
      src.backtickNames++;
      out += t[src.pos + 1];
      src.pos += 2;
      continue;
    }
    if (!/[\w]/.test(c)) break;
    out += c;
    src.pos++;
  }
  return out;
}
