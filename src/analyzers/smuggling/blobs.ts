// Finds base64 blobs in an HTML file without running it: string literals in scripts (also when split into
// pieces joined with + or in arrays), data: URIs, and long bare base64 runs (e.g. in a hidden element).
// Every scan is linear in the input and every output is capped.

import { scriptBlocks } from '../wsf/script-blocks.ts';

export interface Blob {
  /** Where it was found, in words: "atob() argument", "data: URI (application/zip)", … */
  where: string;
  base64: string;
}

export interface ByteBlob {
  where: string;
  bytes: Uint8Array;
}

/** A file spelled as numbers needs at least this many to be worth decoding (a ZIP header alone is 30). */
const MIN_NUMBERS = 64;

/**
 * Runs of comma-separated byte values (0–255) in script code: `new Uint8Array([80,75,3,4,…])` or
 * `String.fromCharCode(80,75,3,4,…)`, the other way smuggling pages spell a file. One linear pass.
 */
export function numberRuns(code: string, max: number, maxBytes: number): ByteBlob[] {
  const out: ByteBlob[] = [];
  let i = 0;
  while (i < code.length && out.length < max) {
    const c = code.charCodeAt(i);
    if (c < 48 || c > 57) {
      i++;
      continue;
    }
    const bytes: number[] = [];
    let j = i;
    while (j < code.length && bytes.length < maxBytes) {
      let k = j;
      let value = 0;
      while (k < code.length && k - j < 4 && code.charCodeAt(k) >= 48 && code.charCodeAt(k) <= 57) value = value * 10 + code.charCodeAt(k++) - 48;
      if (k === j || value > 255 || (k < code.length && code.charCodeAt(k) >= 48 && code.charCodeAt(k) <= 57)) break;
      bytes.push(value);
      while (k < code.length && (code[k] === ' ' || code[k] === '\n' || code[k] === '\r' || code[k] === '\t')) k++;
      if (code[k] !== ',') {
        j = k;
        break;
      }
      k++;
      while (k < code.length && (code[k] === ' ' || code[k] === '\n' || code[k] === '\r' || code[k] === '\t')) k++;
      j = k;
    }
    if (bytes.length >= MIN_NUMBERS) out.push({ where: `${bytes.length} byte values in script code`, bytes: new Uint8Array(bytes) });
    i = Math.max(j, i + 1);
  }
  return out;
}

const B64_LITERAL = /^[A-Za-z0-9+/=\s]*$/;
/** A literal shorter than this is a word or an id, not a file. */
const MIN_LITERAL = 40;
/** A bare run outside scripts must be long to count (short ones are tokens, hashes, tracking ids). */
const MIN_BARE_RUN = 1000;

/** The string literals of a script, in order, each with the text between it and the previous one. */
function stringLiterals(code: string, max: number): { value: string; gap: string }[] {
  const out: { value: string; gap: string }[] = [];
  let last = 0;
  for (let i = 0; i < code.length && out.length < max; i++) {
    const q = code[i];
    if (q !== '"' && q !== "'" && q !== '`') {
      // Skip comments so quotes inside them do not start literals.
      if (q === '/' && code[i + 1] === '/') i = code.indexOf('\n', i) < 0 ? code.length : code.indexOf('\n', i);
      else if (q === '/' && code[i + 1] === '*') i = code.indexOf('*/', i + 2) < 0 ? code.length : code.indexOf('*/', i + 2) + 1;
      continue;
    }
    let j = i + 1;
    const parts: string[] = [];
    let from = j;
    while (j < code.length && code[j] !== q) {
      if (code[j] === '\\') {
        parts.push(code.slice(from, j));
        const next = code[j + 1];
        // \n, \r, \t and line continuations are whitespace inside a base64 string; other escapes keep their character.
        if (next === 'n' || next === 'r' || next === 't' || next === '\n') j = from = j + 2;
        else if (next === '\r' && code[j + 2] === '\n') j = from = j + 3;
        else {
          from = j + 1; // the escaped character itself, which must not end the literal
          j += 2;
        }
        continue;
      }
      if (code[j] === '\n' && q !== '`') break;
      j++;
    }
    parts.push(code.slice(from, j));
    out.push({ value: parts.join(''), gap: code.slice(last, i) });
    last = j + 1;
    i = j;
  }
  return out;
}

/** Literals joined by nothing but `+`, commas, brackets and whitespace are one value split in pieces. */
const JOINING_GAP = /^[\s+,[\]()]*$/;

function scriptBlobs(code: string, max: number): Blob[] {
  const out: Blob[] = [];
  const literals = stringLiterals(code, 100_000);
  let run: string[] = [];
  const flush = () => {
    const joined = run.join('').replace(/\s/g, '');
    if (joined.length >= MIN_LITERAL) out.push({ where: run.length > 1 ? `${run.length} script string pieces joined` : 'script string literal', base64: joined });
    run = [];
  };
  for (const lit of literals) {
    if (out.length >= max) break;
    const isB64 = lit.value.length > 0 && B64_LITERAL.test(lit.value);
    if (isB64 && (run.length === 0 || JOINING_GAP.test(lit.gap))) run.push(lit.value);
    else {
      flush();
      if (isB64) run.push(lit.value);
    }
  }
  flush();
  return out.slice(0, max);
}

function dataUris(text: string, max: number): Blob[] {
  const out: Blob[] = [];
  const re = /data:([\w.+/-]*)(?:;[\w-]+=[\w-]+)*;base64,([A-Za-z0-9+/=%\s]+)/gi;
  for (const m of text.matchAll(re)) {
    if (out.length >= max) break;
    out.push({ where: `data: URI (${m[1] || 'no type'})`, base64: decodeURIComponent(m[2]!.replace(/\s/g, '').replace(/%(?![0-9a-f]{2})/gi, '%25')) });
  }
  return out;
}

function bareRuns(text: string, max: number): Blob[] {
  const out: Blob[] = [];
  const re = new RegExp(`[A-Za-z0-9+/]{${MIN_BARE_RUN},}={0,2}`, 'g');
  for (const m of text.matchAll(re)) {
    if (out.length >= max) break;
    out.push({ where: 'long base64 run in the page', base64: m[0] });
  }
  return out;
}

export function findBlobs(html: string, max: number, maxBytes = 16 * 1024 * 1024): { blobs: Blob[]; byteBlobs: ByteBlob[]; more: boolean } {
  const blobs: Blob[] = [];
  const byteBlobs: ByteBlob[] = [];
  const { blocks } = scriptBlocks(html, max);
  for (const block of blocks) {
    blobs.push(...scriptBlobs(block.code, max));
    if (byteBlobs.length < max) byteBlobs.push(...numberRuns(block.code, max - byteBlobs.length, maxBytes));
  }
  blobs.push(...dataUris(html, max), ...bareRuns(html, max));
  const seen = new Set<string>();
  const unique = blobs.filter((b) => !seen.has(b.base64) && (seen.add(b.base64), true));
  return { blobs: unique.slice(0, max), byteBlobs, more: unique.length > max };
}

/** Decodes base64 (ignoring whitespace), or undefined when it is not valid base64. */
export function decodeBase64(text: string, maxBytes: number): Uint8Array | undefined {
  const clean = text.replace(/\s/g, '');
  if (clean.length < 8 || clean.length % 4 === 1 || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) return undefined;
  const head = clean.slice(0, Math.ceil((maxBytes * 4) / 3 / 4) * 4);
  return new Uint8Array(Buffer.from(head, 'base64'));
}
