// Bounds hostile MIME before postal-mime sees it: one linear pass over the raw lines that counts parts and
// multipart nesting and measures header blocks, and cuts the message where a limit is reached. The parser
// then only ever gets input inside the limits, so 300-deep nesting, 20,000 parts or a 5 MB header line cost
// one scan, not a stack overflow or minutes of work.

import type { LimitHit } from '../../engine/types.ts';

export interface GuardLimits {
  maxMimeDepth: number;
  maxMimeParts: number;
  maxHeaderBytes: number;
}

export interface GuardedMime {
  /** The bytes to parse: the input itself when nothing was cut. */
  data: Uint8Array;
  limits: LimitHit[];
  /** Boundaries declared and never closed (the message ends inside a multipart). */
  unclosed: string[];
  /** Parts seen (up to the cut). */
  parts: number;
  /** Deepest multipart nesting seen (up to the cut). */
  depth: number;
}

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
/** A Content-Type field longer than this is not read for its boundary (it is still kept or dropped whole). */
const MAX_CONTENT_TYPE_CHARS = 16 * 1024;
const latin1 = new TextDecoder('latin1');

/**
 * Scans `raw` and returns what to hand to the parser. `depthSoFar` is the MIME nesting of the message this one
 * is attached to, so that a chain of attached messages counts against the same `maxMimeDepth`.
 */
export function guardMime(raw: Uint8Array, limits: GuardLimits, depthSoFar = 0): GuardedMime {
  const keep: [number, number][] = [];
  const hits: LimitHit[] = [];
  const stack: string[] = [];
  let inHeaders = true;
  let headerKept = 0;
  let droppedHeaderBytes = 0;
  let droppedFields = 0;
  let fieldStart = -1;
  let fieldEnd = -1;
  let contentType = '';
  let parts = 1;
  let deepest = depthSoFar;
  let keepFrom = 0; // start of the run of kept bytes not yet pushed to `keep`
  let cutAt = -1;

  const flushKeep = (end: number) => {
    if (end > keepFrom) keep.push([keepFrom, end]);
  };
  // A finished header field is kept whole or dropped whole, so the parser never sees half a field.
  const finishField = () => {
    if (fieldStart < 0) return;
    const size = fieldEnd - fieldStart;
    if (headerKept + size > limits.maxHeaderBytes) {
      flushKeep(fieldStart);
      keepFrom = fieldEnd;
      droppedHeaderBytes += size;
      droppedFields++;
    } else {
      headerKept += size;
      if (size <= MAX_CONTENT_TYPE_CHARS && isContentType(raw, fieldStart)) contentType = latin1.decode(raw.subarray(fieldStart, fieldEnd));
    }
    fieldStart = -1;
  };
  // Reported once for the whole message: a flood of oversized part headers is one finding, not thousands.
  const reportDroppedHeaders = () => {
    if (droppedHeaderBytes > 0) {
      hits.push({ limit: 'maxHeaderBytes', detail: `dropped ${droppedFields} header field(s), ${droppedHeaderBytes} bytes, over the ${limits.maxHeaderBytes}-byte header limit` });
    }
  };

  let pos = 0;
  const n = raw.length;
  while (pos < n) {
    let nl = raw.indexOf(LF, pos);
    const lineEnd = nl < 0 ? n : nl + 1;
    if (nl < 0) nl = n;
    const contentEnd = nl > pos && raw[nl - 1] === CR ? nl - 1 : nl;

    if (inHeaders) {
      if (contentEnd === pos) {
        // End of this entity's header block: open its multipart, if any.
        finishField();
        inHeaders = false;
        const boundary = boundaryOf(contentType);
        if (boundary !== undefined) {
          if (stack.length + 1 + depthSoFar > limits.maxMimeDepth) {
            hits.push({ limit: 'maxMimeDepth', detail: `multipart nesting deeper than ${limits.maxMimeDepth}; the message was read down to that depth` });
            cutAt = lineEnd;
            break;
          }
          stack.push(boundary);
          deepest = Math.max(deepest, stack.length + depthSoFar);
        }
      } else if (raw[pos] === 0x20 || raw[pos] === 0x09) {
        if (fieldStart >= 0) fieldEnd = lineEnd; // folded continuation
      } else {
        finishField();
        fieldStart = pos;
        fieldEnd = lineEnd;
      }
    } else if (stack.length > 0 && raw[pos] === DASH && raw[pos + 1] === DASH) {
      const line = trimEnd(latin1.decode(raw.subarray(pos + 2, Math.min(contentEnd, pos + 2 + 1000))));
      for (let i = stack.length - 1; i >= 0; i--) {
        const b = stack[i]!;
        if (line === b) {
          stack.length = i + 1;
          if (++parts > limits.maxMimeParts) {
            hits.push({ limit: 'maxMimeParts', detail: `more than ${limits.maxMimeParts} MIME parts; the first ${limits.maxMimeParts} were read` });
            cutAt = pos;
            break;
          }
          inHeaders = true;
          headerKept = 0;
          contentType = '';
          break;
        }
        if (line === `${b}--`) {
          stack.length = i;
          break;
        }
      }
      if (cutAt >= 0) break;
    }
    pos = lineEnd;
  }
  if (cutAt < 0 && inHeaders) finishField();
  reportDroppedHeaders();

  const unclosed = cutAt < 0 ? [...stack] : [];
  if (cutAt < 0 && keep.length === 0) {
    return { data: raw, limits: hits, unclosed, parts, depth: deepest };
  }
  flushKeep(cutAt >= 0 ? cutAt : n);
  // After a cut, close what is still open so the parser sees a well-formed end.
  const closers = cutAt >= 0 ? stack.slice().reverse().map((b) => `\r\n--${b}--\r\n`).join('') : '';
  const tail = new TextEncoder().encode(closers);
  let size = tail.length;
  for (const [a, b] of keep) size += b - a;
  const out = new Uint8Array(size);
  let at = 0;
  for (const [a, b] of keep) {
    out.set(raw.subarray(a, b), at);
    at += b - a;
  }
  out.set(tail, at);
  return { data: out, limits: hits, unclosed, parts: Math.min(parts, limits.maxMimeParts), depth: deepest };
}

const CONTENT_TYPE = 'content-type:';

function isContentType(raw: Uint8Array, at: number): boolean {
  for (let i = 0; i < CONTENT_TYPE.length; i++) {
    const c = raw[at + i];
    if (c === undefined) return false;
    const lower = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
    if (lower !== CONTENT_TYPE.charCodeAt(i)) return false;
  }
  return true;
}

/** The boundary of a multipart Content-Type field, or undefined for any other type. */
export function boundaryOf(field: string): string | undefined {
  const unfolded = field.replace(/\r?\n[ \t]+/g, ' ');
  const value = unfolded.slice(unfolded.indexOf(':') + 1);
  if (!/^\s*multipart\//i.test(value)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]*)"|([^\s;]+))/i.exec(value);
  const boundary = (m?.[1] ?? m?.[2] ?? '').trim();
  return boundary ? trimEnd(boundary) : undefined;
}

function trimEnd(s: string): string {
  return s.replace(/[ \t]+$/, '');
}
