// Sigma string values: wildcards (`*`, `?`) and backslash escapes parsed the way pySigma does, so a rule
// means the same thing here as in the SIEM backends the rules were written for.

export const STAR = Symbol('*');
export const ONE = Symbol('?');
export type Part = string | typeof STAR | typeof ONE;

/** A Sigma string: literal runs and wildcards, in order. */
export type SigmaString = Part[];

/**
 * `\*`, `\?` and `\\` are escapes; any other backslash is literal (Windows paths are written as-is in rules).
 */
export function parseSigmaString(text: string): SigmaString {
  const parts: Part[] = [];
  let literal = '';
  let escaped = false;
  const flush = () => {
    if (literal) parts.push(literal);
    literal = '';
  };
  for (const c of text) {
    if (escaped) {
      literal += c === '*' || c === '?' || c === '\\' ? c : `\\${c}`;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === '*' || c === '?') {
      flush();
      parts.push(c === '*' ? STAR : ONE);
    } else {
      literal += c;
    }
  }
  if (escaped) literal += '\\';
  flush();
  return parts;
}

/** A literal string as a Sigma string (no wildcards), for values produced by transformations. */
export function literal(text: string): SigmaString {
  return text ? [text] : [];
}

export function hasWildcards(s: SigmaString): boolean {
  return s.some((p) => typeof p !== 'string');
}

export function plain(s: SigmaString): string {
  return s.map((p) => (p === STAR ? '*' : p === ONE ? '?' : p)).join('');
}

/** Wraps for contains/startswith/endswith, without doubling a wildcard the rule already wrote. */
export function wrap(s: SigmaString, start: boolean, end: boolean): SigmaString {
  const out = [...s];
  if (start && out[0] !== STAR) out.unshift(STAR);
  if (end && out[out.length - 1] !== STAR) out.push(STAR);
  return out;
}

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\/]/g;

export function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIALS, '\\$&');
}

/** An anchored regular expression source for a Sigma string. */
export function toRegexSource(s: SigmaString): string {
  return `^${s.map((p) => (p === STAR ? '[\\s\\S]*' : p === ONE ? '[\\s\\S]' : escapeRegex(p))).join('')}$`;
}

/**
 * A predicate over a value already lower-cased when the match is case-insensitive. Plain shapes (equals,
 * prefix, suffix, infix) avoid the regex engine: they are most of what rules contain and the hot path of a hunt.
 */
export function compileString(s: SigmaString, cased: boolean): (value: string) => boolean {
  const norm = (t: string) => (cased ? t : t.toLowerCase());
  const lits = s.map((p) => (typeof p === 'string' ? norm(p) : p));
  const onlyStars = lits.every((p) => p !== ONE);
  const inner = lits.filter((p) => typeof p === 'string') as string[];
  if (onlyStars && inner.length <= 1) {
    const text = inner[0] ?? '';
    const starts = lits[0] === STAR;
    const ends = lits.length > 1 && lits[lits.length - 1] === STAR;
    const middleStars = lits.slice(starts ? 1 : 0, ends ? -1 : undefined).some((p) => p === STAR);
    if (!middleStars) {
      if (lits.length === 0) return (v) => v === '';
      if (starts && ends) return (v) => v.includes(text);
      if (starts) return lits.length === 1 ? () => true : (v) => v.endsWith(text);
      if (ends) return (v) => v.startsWith(text);
      return (v) => v === text;
    }
  }
  const re = new RegExp(toRegexSource(lits), cased ? '' : 'i');
  return (v) => re.test(v);
}
