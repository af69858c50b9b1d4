// Links written in text: full URLs, "www." addresses and defanged forms (hxxp://, [.], [:]//) that people
// paste into reports. Wrappers (Safe Links, Proofpoint, …) are peeled so the attacker's URL is what is judged.

import { refang } from '../../intel/defang.ts';
import { unwrapUrl } from '../url/unwrap.ts';

export interface FoundLink {
  /** The URL as the analysis uses it: refanged, unwrapped, normalised by WHATWG URL parsing. */
  url: string;
  /** Where it was seen: 'text', 'href', 'form action', 'meta refresh', … */
  via: string;
  /** The URL as written, when it differs (defanged or wrapped). */
  written?: string;
  wrappers?: string[];
  /** Mimecast-style wrappers show only the domain of the link they keep. */
  wrappedDomain?: string;
  /** For an HTML anchor: the text a reader sees. */
  anchorText?: string;
}

/** URLs longer than this are cut by browsers and servers anyway; they are blobs, not links. */
export const MAX_URL_CHARS = 4096;
/** Text scanned for links per artifact. */
export const MAX_LINK_SCAN_CHARS = 4_000_000;

// Defanged schemes and dots are undone by refang() first; this finds what then reads as a link.
const URL_IN_TEXT =
  /\b(?:(?:https?|ftp):\/\/[^\s<>"'`{}|\\^]+|(?<![\p{L}\p{N}@./-])www\.[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?:[/?#][^\s<>"'`{}|\\^]*)?)/giu;
const LEADING_BRACKETS = /^[(<[]+/;
const DEFANGED = /hxxp|fxp|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\[:\]|\[:\/\/\]/i;

/** Sentence punctuation and unbalanced closing brackets are not part of a URL written in prose. */
function trimTrailing(url: string): string {
  let u = url.replace(/[.,;:!?'"»”’]+$/u, '');
  for (const [open, close] of [['(', ')'], ['[', ']']] as const) {
    while (u.endsWith(close) && u.split(open).length < u.split(close).length) u = u.slice(0, -1);
  }
  return u.replace(/[.,;:!?'"»”’]+$/u, '');
}

/** Parses and normalises one URL as written (href, text); undefined when it is not an http(s)/ftp link. */
export function normaliseLink(raw: string, via: string): FoundLink | undefined {
  const trimmed = raw.trim();
  if (!trimmed || trimmed.length > MAX_URL_CHARS) return undefined;
  const refanged = DEFANGED.test(trimmed) ? refang(trimmed) : trimmed;
  const withScheme = /^www\./i.test(refanged) ? `http://${refanged}` : refanged;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (!/^(https?|ftp):$/.test(parsed.protocol) || !parsed.hostname) return undefined;
  const unwrapped = unwrapUrl(parsed.href);
  const link: FoundLink = { url: unwrapped.url, via };
  if (unwrapped.url !== trimmed) link.written = trimmed;
  if (unwrapped.wrappers.length > 0) link.wrappers = unwrapped.wrappers;
  if (unwrapped.domainOnly) link.wrappedDomain = unwrapped.domainOnly;
  return link;
}

/** Every link in a text, in order, each URL once. Stops collecting after `max` (and says how many more). */
export function linksInText(text: string, max: number): { links: FoundLink[]; more: number } {
  const scanned = text.length > MAX_LINK_SCAN_CHARS ? text.slice(0, MAX_LINK_SCAN_CHARS) : text;
  const defanged = DEFANGED.test(scanned);
  const readable = defanged ? refang(scanned) : scanned;
  // Remember how defanged links were written, so the report can show both forms.
  const written = new Map<string, string>();
  if (defanged) {
    for (const token of scanned.match(/\S+/g) ?? []) {
      if (written.size >= max) break;
      if (!DEFANGED.test(token)) continue;
      const asWritten = trimTrailing(token).replace(LEADING_BRACKETS, '');
      written.set(trimTrailing(refang(token)).replace(LEADING_BRACKETS, ''), asWritten);
    }
  }
  const seen = new Set<string>();
  const links: FoundLink[] = [];
  let more = 0;
  URL_IN_TEXT.lastIndex = 0;
  for (let m = URL_IN_TEXT.exec(readable); m; m = URL_IN_TEXT.exec(readable)) {
    const found = trimTrailing(m[0]);
    const link = normaliseLink(found, 'text');
    if (!link || seen.has(link.url)) continue;
    const original = written.get(found);
    if (original && !link.wrappers) link.written = original;
    seen.add(link.url);
    if (links.length < max) links.push(link);
    else more++;
  }
  return { links, more };
}
