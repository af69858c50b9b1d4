// Password candidates from the words of an email (CHAIN.md §2): what follows a label such as "Password:" is a
// stated password; every other word is a bare token, tried on archives but never shown as "stated".
// The label table is data (rules/password-labels.yaml); hostile bodies are bounded by text and token caps.

import { loadRules } from '../../engine/rules.ts';
import type { PasswordCandidate } from '../../engine/types.ts';

interface LabelRule {
  label: string;
  strong: boolean;
  boundary?: boolean;
  needsSeparator?: boolean;
}
interface LabelsFile {
  labels: LabelRule[];
  separators: string[];
  copulas: string[];
  maxWordsBeforeColon: number;
  notArchive?: string[];
}

/** A password the text states after a label, with what an analyst needs to judge it. */
export interface StatedPassword {
  value: string;
  /** The label as written plus its separator: "Password:", "PW -". */
  label: string;
  /** Whether the label means "password" on its own (code, key and pin do not). */
  strong: boolean;
}

/** Text scanned per call: a lure states its password near the top; megabytes of body add nothing but time. */
export const MAX_SCANNED_CHARS = 1_000_000;
/** Bare tokens kept per call (the archive analyzer tries only a few hundred candidates in all). */
export const MAX_TOKENS = 1_000;
/** Stated passwords kept per call. */
export const MAX_STATED = 20;
/** Longer values are sentences or blobs, not passwords. */
export const MAX_PASSWORD_CHARS = 64;

const QUOTE_PAIRS: Record<string, string> = {
  '"': '"',
  "'": "'",
  '“': '”',
  '”': '”',
  '„': '“',
  '‘': '’',
  '’': '’',
  '«': '»',
  '»': '«',
  '‹': '›',
  '「': '」',
  '『': '』',
  '【': '】',
  '(': ')',
  '[': ']',
  '{': '}',
  '<': '>',
  '`': '`',
};
const EDGE_TRIM = /^["'“”„‘’«»‹›「」『』【】()[\]{}<>`*]+|["'“”„‘’«»‹›「」『』【】()[\]{}<>`*]+$/gu;
// A sentence may end right after the password ("The password is 1234."); the full stop is not part of it.
const TRAILING_PUNCTUATION = /[.,;!?。，、！？]+$/u;

interface CompiledLabels {
  finder: RegExp;
  byLabel: Map<string, LabelRule>;
  separators: string[];
  copulas: string[];
  maxWords: number;
  notArchive: Set<string>;
}

let compiled: CompiledLabels | undefined;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function normaliseLabel(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ');
}

function compile(): CompiledLabels {
  if (compiled) return compiled;
  const file = loadRules<LabelsFile>('password-labels.yaml');
  // Longest first, so "password" wins over "pass" and "pw".
  const rules = [...file.labels].sort((a, b) => b.label.length - a.label.length);
  const alternatives = rules.map((r) => {
    const body = r.label.split(/\s+/).map(escapeRegExp).join('[^\\S\\n]+');
    return r.boundary === false ? body : `(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`;
  });
  compiled = {
    finder: new RegExp(alternatives.join('|'), 'giu'),
    byLabel: new Map(rules.map((r) => [normaliseLabel(r.label), r])),
    separators: file.separators,
    copulas: [...file.copulas].sort((a, b) => b.length - a.length),
    maxWords: file.maxWordsBeforeColon,
    notArchive: new Set((file.notArchive ?? []).map((w) => w.toLowerCase())),
  };
  return compiled;
}

const HSPACE = /^[^\S\n]*/u;
const WORD = /^[\p{L}\p{N}'’-]+[^\S\n]*/u;

function skipSpaces(text: string, pos: number): number {
  return pos + (HSPACE.exec(text.slice(pos, pos + 200))?.[0].length ?? 0);
}

/** Consumes separators and copulas after a label ("is:", " - ", "：", "ist"); returns the new position. */
function consumeSeparators(
  text: string,
  start: number,
  labels: CompiledLabels,
): { pos: number; colon: boolean; punctuation: boolean } {
  let pos = skipSpaces(text, start);
  let consumed = false;
  let colon = false;
  let punctuation = false;
  for (let round = 0; round < 3; round++) {
    const sep = labels.separators.find((s) => text.startsWith(s, pos));
    // "password at https://…": the colon of a URL scheme separates nothing.
    if (sep && !(sep === ':' && text.startsWith('//', pos + 1))) {
      pos = skipSpaces(text, pos + sep.length);
      consumed = true;
      punctuation = true;
      if (sep === ':' || sep === '：' || sep === '=') colon = true;
      continue;
    }
    const rest = text.slice(pos, pos + 8).toLowerCase();
    const copula = labels.copulas.find((c) => {
      if (!rest.startsWith(c)) return false;
      // A Latin copula must be a whole word ("is", not "issue"); CJK particles are glued to the value.
      const after = rest.charAt(c.length);
      return !/^[a-z]$/i.test(c.charAt(0)) || after === '' || /[\s:"'“«(]/u.test(after);
    });
    if (copula) {
      pos = skipSpaces(text, pos + copula.length);
      consumed = true;
      colon = true;
      continue;
    }
    break;
  }
  return { pos: consumed ? pos : -1, colon, punctuation };
}

/** Reads the value at `pos`: a quoted or bracketed phrase, or the next run of non-space characters. */
function readValue(text: string, pos: number): { value: string; quoted: boolean } | undefined {
  const first = text.charAt(pos);
  const closer = QUOTE_PAIRS[first];
  if (closer) {
    const end = text.indexOf(closer, pos + 1);
    if (end > pos + 1 && end - pos - 1 <= MAX_PASSWORD_CHARS && !text.slice(pos + 1, end).includes('\n')) {
      const value = text.slice(pos + 1, end).trim();
      return value ? { value, quoted: true } : undefined;
    }
  }
  const m = /^\S+/u.exec(text.slice(pos, pos + MAX_PASSWORD_CHARS + 16));
  if (!m) return undefined;
  const raw = m[0];
  if (raw.length > MAX_PASSWORD_CHARS) return undefined;
  let value = raw.replace(EDGE_TRIM, '');
  const unpunctuated = value.replace(TRAILING_PUNCTUATION, '').replace(EDGE_TRIM, '');
  if (unpunctuated) value = unpunctuated;
  return value ? { value, quoted: false } : undefined;
}

/**
 * After a bare "is" the next word is usually prose ("your password is about to expire"); lure passwords are
 * quoted or look like passwords (digits, symbols, inner capitals), so only those are taken there.
 */
function looksLikePassword(value: string): boolean {
  return /[^\p{L}]/u.test(value) || /\p{Lu}/u.test(value.slice(1));
}

const MAX_URL_LOOKBACK = 2048;

/** "…/j/123?pwd=abc": a label inside a URL or a path is a parameter, not a statement. */
function insideUrl(text: string, at: number): boolean {
  if (/[?&/=#_@]/.test(text.charAt(at - 1))) return true;
  // Look back a bounded distance only: a search to the start of the text for every label would be quadratic.
  let start = at;
  while (start > 0 && at - start < MAX_URL_LOOKBACK && !/\s/.test(text.charAt(start - 1))) start--;
  const token = text.slice(start, at);
  return /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)/i.test(token) || token.includes('://');
}

/** The word right before a position, lower-cased: "Meeting password" → "meeting". */
function wordBefore(text: string, at: number): string {
  const m = /([\p{L}\p{N}-]+)[^\S\n]*$/u.exec(text.slice(Math.max(0, at - 40), at));
  return m?.[1]?.toLowerCase() ?? '';
}

/** Passwords the text states after a label, in order of appearance, each value once. */
export function statedPasswords(text: string): StatedPassword[] {
  const labels = compile();
  const scanned = text.length > MAX_SCANNED_CHARS ? text.slice(0, MAX_SCANNED_CHARS) : text;
  const finder = new RegExp(labels.finder.source, labels.finder.flags);
  const out = new Map<string, StatedPassword>();
  for (let m = finder.exec(scanned); m && out.size < MAX_STATED; m = finder.exec(scanned)) {
    const rule = labels.byLabel.get(normaliseLabel(m[0]));
    if (!rule || insideUrl(scanned, m.index)) continue;
    const afterLabel = m.index + m[0].length;
    let { pos, colon, punctuation } = consumeSeparators(scanned, afterLabel, labels);
    // Only strong labels take words before their colon: "Key Name: x" and "Code postal: x" name other things.
    if (pos < 0 && rule.strong && /^[^\n:：=]{0,80}[:：=]/u.test(scanned.slice(afterLabel, afterLabel + 82))) {
      // "Password for the archive: abc": a few words, then a colon.
      let p = skipSpaces(scanned, afterLabel);
      for (let w = 0; w < labels.maxWords && pos < 0; w++) {
        const word = WORD.exec(scanned.slice(p, p + 80));
        if (!word) break;
        p += word[0].length;
        const sep = consumeSeparators(scanned, p, labels);
        if (sep.pos >= 0 && sep.punctuation && sep.colon) ({ pos, colon, punctuation } = sep);
      }
    }
    if (pos < 0) {
      // Scripts without spaces glue the value to the label: "密码1234".
      if (rule.boundary !== false || !/^[\p{L}\p{N}]/u.test(scanned.charAt(afterLabel))) continue;
      pos = afterLabel;
      punctuation = true;
    }
    // "pass", "code", "key": only "Pass: x" or "Code - x", never "boarding pass is ready".
    if (rule.needsSeparator && !punctuation) continue;
    // A table cell or a line break may sit between "Password:" and the value.
    if (colon && /^\s*\n/.test(scanned.slice(pos, pos + 200))) {
      const gap = /^\s*/.exec(scanned.slice(pos, pos + 200))![0];
      if (gap.split('\n').length <= 3) pos += gap.length;
    }
    const read = readValue(scanned, pos);
    if (!read || labels.byLabel.has(normaliseLabel(read.value))) continue;
    if (!punctuation && !read.quoted && !looksLikePassword(read.value)) continue;
    // Weak labels name many things ("Diagnostic-Code: SMTP", "Key: Value"); a code worth trying has a digit
    // or is quoted, and a weak label glued to a word by a hyphen is part of a header name.
    if (!rule.strong && ((!read.quoted && !/\p{N}/u.test(read.value)) || scanned.charAt(m.index - 1) === '-')) continue;
    const value = read.value;
    if (out.has(value)) continue;
    const label = scanned.slice(m.index, Math.min(pos, m.index + 40)).replace(/\s+/g, ' ').trim();
    const strong = rule.strong && !labels.notArchive.has(wordBefore(scanned, m.index));
    out.set(value, { value, label, strong });
    finder.lastIndex = Math.max(finder.lastIndex, pos);
  }
  return [...out.values()];
}

/** Every whitespace token and every token split on non-word characters, in order, each once, capped. */
export function bareTokens(text: string): string[] {
  const scanned = text.length > MAX_SCANNED_CHARS ? text.slice(0, MAX_SCANNED_CHARS) : text;
  const out = new Set<string>();
  const add = (t: string) => {
    if (t && t.length <= MAX_PASSWORD_CHARS && out.size < MAX_TOKENS) out.add(t);
  };
  const whitespace = /\S+/gu;
  for (let m = whitespace.exec(scanned); m && out.size < MAX_TOKENS; m = whitespace.exec(scanned)) {
    add(m[0]);
    for (const part of m[0].split(/[^\p{L}\p{N}_]+/u)) add(part);
  }
  return [...out];
}

/**
 * Password candidates from one text (a subject, a body): stated ones first, then bare tokens.
 * `where` names the text for the analyst: "email body", "subject".
 */
export function passwordCandidates(text: string, where: string): PasswordCandidate[] {
  return candidatesFrom(statedPasswords(text), text, where);
}

/** Candidates from passwords already found stated in `text` (saves a second scan), then its bare tokens. */
export function candidatesFrom(found: readonly StatedPassword[], text: string, where: string): PasswordCandidate[] {
  const stated = found.map(
    (s): PasswordCandidate => ({ value: s.value, source: `${where} after '${s.label}'`, stated: true }),
  );
  const seen = new Set(stated.map((s) => s.value));
  const tokens = bareTokens(text)
    .filter((t) => !seen.has(t))
    .map((value): PasswordCandidate => ({ value, source: `${where} (word)`, stated: false }));
  return [...stated, ...tokens];
}
