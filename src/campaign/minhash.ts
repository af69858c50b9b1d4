// MinHash signatures of email body text, for near-duplicate detection: lures of one campaign differ in
// names, numbers and links, not in their wording.

export const SIGNATURE_SIZE = 64;
const SHINGLE_WORDS = 5;
/** Bodies shorter than this many words say too little ("see attached") to group reports by text. */
export const MIN_WORDS = 12;
const MAX_WORDS = 20_000;

const SEEDS = Array.from({ length: SIGNATURE_SIZE }, (_, i) => mix32(0x9e3779b9 ^ Math.imul(i + 1, 0x85ebca6b)));

function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Lower case, no markup, links and numbers replaced by placeholders, words only. */
export function normalizeBody(text: string): string[] {
  const plain = text
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]{0,2000}>/g, ' ')
    .replace(/&[#\w]{1,10};/g, ' ')
    .replace(/\b(?:https?|hxxps?|ftp):\/\/\S+/gi, ' url ')
    .replace(/\S+@\S+\.\w+/g, ' mail ')
    .toLowerCase()
    .replace(/\d+/g, '0');
  const words = plain.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length > MAX_WORDS ? words.slice(0, MAX_WORDS) : words;
}

/** The signature of a body, or undefined when the body is too short to compare. */
export function bodySignature(texts: readonly string[]): number[] | undefined {
  const words = texts.flatMap(normalizeBody);
  if (words.length < MIN_WORDS) return undefined;
  const sig = Array.from({ length: SIGNATURE_SIZE }, () => 0xffffffff);
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) {
    const shingle = fnv1a(words.slice(i, i + SHINGLE_WORDS).join(' '));
    for (let k = 0; k < SIGNATURE_SIZE; k++) {
      const h = mix32(shingle ^ SEEDS[k]!);
      if (h < sig[k]!) sig[k] = h;
    }
  }
  return sig;
}

/** Estimated Jaccard similarity of the two bodies' shingle sets. */
export function similarity(a: readonly number[], b: readonly number[]): number {
  let same = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (a[i] === b[i]) same++;
  return same / SIGNATURE_SIZE;
}
