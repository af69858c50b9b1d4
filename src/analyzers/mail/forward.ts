// Inline forwards: an employee forwards the suspicious mail as text ("---------- Forwarded message ---------",
// "-----Original Message-----", localized forms in rules/forward-markers.yaml). The quoted header block and the
// text under it are rebuilt into an RFC 822 message so that the original is judged as an email of its own.

import { loadRules } from '../../engine/rules.ts';

interface MarkersFile {
  markers: { forward: string[]; original: string[] };
  forwardSubjectPrefixes: string[];
  headerLabels: Record<'from' | 'to' | 'cc' | 'date' | 'subject', string[]>;
}

export interface InlineForward {
  /** The marker line as written. */
  marker: string;
  /** 'forward' markers always mean a forward; 'original' ones also introduce replies. */
  markerKind: 'forward' | 'original';
  headers: Partial<Record<'from' | 'to' | 'cc' | 'date' | 'subject', string>>;
  body: string;
}

/** Bodies longer than this are searched only at their start: reporters put the forward near the top. */
const MAX_SCANNED_CHARS = 512 * 1024;
const MAX_HEADER_LINES = 30;

let compiled:
  | { phrases: Map<string, 'forward' | 'original'>; anyForward: RegExp; labels: Map<string, keyof InlineForward['headers']>; prefixes: Set<string> }
  | undefined;

function rules() {
  if (compiled) return compiled;
  const file = loadRules<MarkersFile>('forward-markers.yaml');
  const phrases = new Map<string, 'forward' | 'original'>();
  for (const p of file.markers.forward) phrases.set(p.toLowerCase(), 'forward');
  for (const p of file.markers.original) phrases.set(p.toLowerCase(), 'original');
  const labels = new Map<string, keyof InlineForward['headers']>();
  for (const [field, words] of Object.entries(file.headerLabels)) {
    for (const w of words) labels.set(String(w).toLowerCase(), field as keyof InlineForward['headers']);
  }
  const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  const anyForward = new RegExp(file.markers.forward.map(escape).join('|'), 'iu');
  compiled = { phrases, anyForward, labels, prefixes: new Set(file.forwardSubjectPrefixes.map((p) => String(p).toLowerCase())) };
  return compiled;
}

/** Whether a subject starts with a forward prefix ("FW:", "WG:", "Fwd:", "TR :"), possibly after "RE:"s. */
export function hasForwardPrefix(subject: string | undefined): boolean {
  if (!subject) return false;
  const { prefixes } = rules();
  for (const m of subject.matchAll(/\s*([^\s:：[\]]{1,8})\s*(?:\[\d+\])?\s*[:：]/gy)) {
    if (prefixes.has(m[1]!.toLowerCase())) return true;
  }
  return false;
}

/**
 * Cheap test before any line-by-line work: a body can hold a forward only if it names a forward marker, or,
 * for a mail whose subject says it is forwarded, any quoted-original marker.
 */
export function mayHoldForward(text: string, forwardSubject: boolean): boolean {
  return forwardSubject || rules().anyForward.test(text.slice(0, MAX_SCANNED_CHARS));
}

/** Outlook separates the quoted original with a line of underscores instead of a phrase. */
const SEPARATOR_LINE = /^\s*_{10,}\s*$/;

function markerKind(line: string): 'forward' | 'original' | undefined {
  if (line.length > 120) return undefined;
  if (SEPARATOR_LINE.test(line)) return 'original';
  const core = line
    .replace(/^[\s>*_=-]+|[\s*_=:-]+$/g, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();
  return core ? rules().phrases.get(core) : undefined;
}

/** "From: x", "*Von:* x", "De : x", "> From: x" → ['from', 'x']. */
function headerLine(line: string): [keyof InlineForward['headers'], string] | undefined {
  const m = /^[\s>]*\*?([^\s:：*][^:：*]{0,30}?)\*?\s*[:：]\s*\*?\s*(.*)$/.exec(line);
  if (!m) return undefined;
  const field = rules().labels.get(m[1]!.trim().toLowerCase());
  return field ? [field, m[2]!.trim()] : undefined;
}

/** Finds the first forwarded original in a body, or undefined. Needs a quoted From line to count. */
export function findInlineForward(text: string): InlineForward | undefined {
  const lines = text.slice(0, MAX_SCANNED_CHARS).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const kind = markerKind(lines[i]!);
    if (!kind) continue;
    const headers: InlineForward['headers'] = {};
    let j = i + 1;
    while (j < lines.length && lines[j]!.trim() === '') j++;
    let last: keyof InlineForward['headers'] | undefined;
    for (let n = 0; j < lines.length && n < MAX_HEADER_LINES; j++, n++) {
      const line = lines[j]!;
      if (line.trim() === '' || line.trim() === '>') break;
      const parsed = headerLine(line);
      if (parsed) {
        [last] = parsed;
        if (headers[parsed[0]] === undefined) headers[parsed[0]] = parsed[1];
      } else if (last && /^\s/.test(line)) {
        headers[last] = `${headers[last]} ${line.trim()}`; // a wrapped long To: list
      } else {
        break;
      }
    }
    if (!headers.from) continue;
    const quoted = lines.slice(i + 1, j).every((l) => /^\s*>/.test(l) || l.trim() === '');
    const bodyLines = lines.slice(j).map((l) => (quoted ? l.replace(/^\s*> ?/, '') : l));
    return { marker: lines[i]!.trim(), markerKind: kind, headers, body: bodyLines.join('\n').replace(/^\s*\n/, '') };
  }
  return undefined;
}

/** Outlook writes "Name [mailto:a@b]"; mail parsers want "Name <a@b>". */
function normaliseAddressList(value: string): string {
  return value.replace(/\[mailto:([^\]\s]+)\]/gi, '<$1>').replace(/[\r\n]+/g, ' ');
}

/** An RFC 822 message of the forwarded original, marked as rebuilt so no one mistakes it for the wire form. */
export function rebuildForwarded(fwd: InlineForward): Uint8Array {
  const h = fwd.headers;
  const clean = (v: string) => v.replace(/[\r\n]+/g, ' ').slice(0, 2000);
  const lines = [`From: ${clean(normaliseAddressList(h.from ?? ''))}`];
  if (h.to) lines.push(`To: ${clean(normaliseAddressList(h.to))}`);
  if (h.cc) lines.push(`Cc: ${clean(normaliseAddressList(h.cc))}`);
  if (h.subject) lines.push(`Subject: ${clean(h.subject)}`);
  if (h.date) lines.push(`Date: ${clean(h.date)}`);
  lines.push(`X-Tacklebox-Rebuilt: inline forward after "${clean(fwd.marker).slice(0, 100)}"`);
  lines.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '');
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n${fwd.body.replace(/\r?\n/g, '\r\n')}`);
}
