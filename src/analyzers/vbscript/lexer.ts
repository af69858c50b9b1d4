// Splits VBScript into tokens: case-insensitive names, string literals with "" escapes, &H/&O numbers,
// `_` line continuations joined, `:` and line ends as statement separators, ' and Rem comments dropped.
// One linear pass with no regular expression over the whole text, so hostile input cannot make it backtrack.

export type TokenType = 'name' | 'string' | 'number' | 'op' | 'eos' | 'date';

export interface Token {
  type: TokenType;
  /** Names keep their spelling; `lower` is what the parser compares. */
  text: string;
  lower: string;
  /** For numbers. */
  value?: number;
  /** Offset in the source, for evidence. */
  at: number;
  /** A name written right after a '.', with no space: a member, never a keyword. */
  member?: boolean;
}

const TWO_CHAR_OPS = new Set(['<>', '<=', '>=']);
const ONE_CHAR_OPS = new Set('&+-*/\\^=<>(),.:;{}[]!?');

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function tokenize(src: string, maxTokens: number): { tokens: Token[]; truncated: boolean } {
  const tokens: Token[] = [];
  const n = src.length;
  let i = 0;
  let spaced = true;
  const push = (t: Token) => {
    spaced = false;
    tokens.push(t);
  };
  const eos = (at: number, text: '\n' | ':') => {
    // Collapse runs of separators: the parser sees one, a line end when there is one (a one-line If ends there).
    const last = tokens[tokens.length - 1];
    if (last?.type === 'eos') {
      if (text === '\n') last.text = last.lower = '\n';
    } else if (last) push({ type: 'eos', text, lower: text, at });
    spaced = true;
  };
  while (i < n) {
    if (tokens.length >= maxTokens) return { tokens, truncated: true };
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 0xa0 || c === 0xfeff) {
      i++;
      spaced = true;
      continue;
    }
    if (c === 10 || c === 13) {
      eos(i, '\n');
      i++;
      continue;
    }
    if (c === 58) {
      // ':' separates statements on one line.
      eos(i, ':');
      i++;
      continue;
    }
    if (c === 39) {
      // ' comment to the end of the line
      while (i < n && src.charCodeAt(i) !== 10 && src.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 95 && !isNameChar(src.charCodeAt(i + 1) || 0)) {
      // `_` at the end of a line (before optional spaces) continues the statement on the next line.
      let j = i + 1;
      while (j < n && (src.charCodeAt(j) === 32 || src.charCodeAt(j) === 9)) j++;
      if (j >= n || src.charCodeAt(j) === 10 || src.charCodeAt(j) === 13) {
        if (src.charCodeAt(j) === 13 && src.charCodeAt(j + 1) === 10) j++;
        i = j + 1;
        spaced = true;
        continue;
      }
    }
    if (c === 34) {
      // "string" with "" for a quote; an unterminated string ends at the line end, as WSH reports it.
      let j = i + 1;
      let text = '';
      let from = j;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === 34) {
          if (src.charCodeAt(j + 1) === 34) {
            text += src.slice(from, j + 1);
            j += 2;
            from = j;
            continue;
          }
          break;
        }
        if (d === 10 || d === 13) break;
        j++;
      }
      text += src.slice(from, j);
      push({ type: 'string', text, lower: text, at: i });
      i = j < n && src.charCodeAt(j) === 34 ? j + 1 : j;
      continue;
    }
    if (c === 38 && i + 1 < n) {
      // &H1F, &O17 (and &17, also octal)
      const d = src.charCodeAt(i + 1) | 0x20;
      let j = i + 1;
      let radix = 0;
      if (d === 0x68) {
        radix = 16;
        j = i + 2;
      } else if (d === 0x6f) {
        radix = 8;
        j = i + 2;
      } else if (isDigit(src.charCodeAt(i + 1))) radix = 8;
      if (radix) {
        const start = j;
        while (j < n && /[0-9a-f]/i.test(src[j]!) && (radix === 16 || isDigit(src.charCodeAt(j)))) j++;
        if (j > start) {
          if (src[j] === '&') j++; // type suffix
          const digits = src.slice(start, j).replace(/&$/, '');
          let value = parseInt(digits.slice(-16), radix);
          // &H8000 and &HFFFF are negative Integers in VBScript; &H80000000 and up negative Longs.
          if (radix === 16 && digits.length <= 4 && value >= 0x8000) value -= 0x10000;
          else if (radix === 16 && digits.length <= 8 && digits.length > 4 && value >= 0x80000000) value -= 0x100000000;
          push({ type: 'number', text: src.slice(i, j), lower: src.slice(i, j).toLowerCase(), value, at: i });
          i = j;
          continue;
        }
      }
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)) && !(tokens.length && tokens[tokens.length - 1]!.type === 'name' && !spaced))) {
      let j = i;
      while (j < n && isDigit(src.charCodeAt(j))) j++;
      if (src[j] === '.' && isDigit(src.charCodeAt(j + 1))) {
        j++;
        while (j < n && isDigit(src.charCodeAt(j))) j++;
      }
      if ((src[j] === 'e' || src[j] === 'E') && /[+-]?\d/.test(src.slice(j + 1, j + 3))) {
        j += 2;
        while (j < n && isDigit(src.charCodeAt(j))) j++;
      }
      const text = src.slice(i, j);
      if (src[j] === '#' || src[j] === '!' || src[j] === '@' || src[j] === '%') j++; // type suffixes
      push({ type: 'number', text, lower: text, value: Number(text), at: i });
      i = j;
      continue;
    }
    if (isNameStart(c)) {
      let j = i + 1;
      while (j < n && isNameChar(src.charCodeAt(j))) j++;
      if (src[j] === '$') j++; // Mid$, Chr$: VBA spellings WSH droppers copy
      const text = src.slice(i, j).replace(/\$$/, '');
      const lower = text.toLowerCase();
      const prev = tokens[tokens.length - 1];
      const member = prev?.type === 'op' && prev.text === '.' && !spaced;
      if (lower === 'rem' && !member) {
        while (j < n && src.charCodeAt(j) !== 10 && src.charCodeAt(j) !== 13) j++;
        i = j;
        continue;
      }
      push({ type: 'name', text, lower, at: i, member });
      i = j;
      continue;
    }
    if (c === 91) {
      // [escaped name]
      const close = src.indexOf(']', i);
      if (close > i && close - i < 256 && !/[\r\n]/.test(src.slice(i, close))) {
        const text = src.slice(i + 1, close);
        push({ type: 'name', text, lower: text.toLowerCase(), at: i, member: true });
        i = close + 1;
        continue;
      }
    }
    if (c === 35) {
      // #date literal#
      const close = src.indexOf('#', i + 1);
      if (close > i && close - i < 64 && !/[\r\n]/.test(src.slice(i, close))) {
        push({ type: 'date', text: src.slice(i + 1, close), lower: src.slice(i + 1, close).toLowerCase(), at: i });
        i = close + 1;
        continue;
      }
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      push({ type: 'op', text: two, lower: two, at: i });
      i += 2;
      continue;
    }
    const one = src[i]!;
    if (ONE_CHAR_OPS.has(one)) {
      push({ type: 'op', text: one, lower: one, at: i });
      i++;
      continue;
    }
    // Anything else (stray bytes in hostile input) is skipped like whitespace.
    i++;
    spaced = true;
  }
  eos(n, '\n');
  return { tokens, truncated: false };
}
