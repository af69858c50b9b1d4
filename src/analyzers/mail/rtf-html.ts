// Outlook often keeps the HTML body only inside the compressed RTF body, "encapsulated" per MS-OXRTFEX:
// an RTF document marked \fromhtml1 whose {\*\htmltagN …} groups hold the original HTML tags and whose plain
// text between them is the HTML text; \htmlrtf … \htmlrtf0 spans are RTF-only decoration to drop.
// This de-encapsulates it back to HTML in one linear pass.

import iconv from 'iconv-lite';

/** Bytes of RTF read at most: bodies bigger than this are not mail. */
const MAX_RTF_BYTES = 16 * 1024 * 1024;

/** Destinations whose content is never HTML text. */
const SKIPPED_DESTINATIONS = new Set(['fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'header', 'footer', 'listtable', 'listoverridetable', 'rsidtbl', 'generator', 'xmlnstbl', 'themedata', 'colorschememapping', 'latentstyles', 'datastore', 'object', 'mhtmltag']);

interface Group {
  skip: boolean;
  htmlrtf: boolean;
  uc: number;
}

export function isEncapsulatedHtml(rtf: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(rtf.subarray(0, 1024));
  return /\\fromhtml1/.test(head);
}

/** The HTML inside an encapsulated-HTML RTF body. */
export function rtfToHtml(rtfBytes: Uint8Array): string {
  const rtf = new TextDecoder('latin1').decode(rtfBytes.subarray(0, MAX_RTF_BYTES));
  const cp = /\\ansicpg(\d+)/.exec(rtf.slice(0, 2048))?.[1];
  const encoding = cp && iconv.encodingExists(`cp${cp}`) ? `cp${cp}` : 'cp1252';
  let out = '';
  let bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length > 0) {
      out += iconv.decode(Buffer.from(bytes), encoding);
      bytes = [];
    }
  };
  const emit = (s: string) => {
    flushBytes();
    out += s;
  };

  const stack: Group[] = [];
  let g: Group = { skip: false, htmlrtf: false, uc: 1 };
  let skipChars = 0; // fallback characters to drop after \uN
  let groupStart = false; // the next control word is the first in a new group (destination check)
  let starred = false; // the group opened with \* (an ignorable destination)
  let i = 0;
  const n = rtf.length;
  while (i < n) {
    const c = rtf[i]!;
    if (c === '{') {
      stack.push(g);
      g = { ...g };
      groupStart = true;
      i++;
      continue;
    }
    if (c === '}') {
      g = stack.pop() ?? g;
      groupStart = false;
      i++;
      continue;
    }
    if (c === '\\') {
      const next = rtf[i + 1];
      if (next === undefined) break;
      if (!/[a-zA-Z]/.test(next)) {
        // Control symbols: escaped characters, hex bytes, the ignorable-destination mark.
        i += 2;
        if (next === '*') {
          starred = groupStart;
          continue;
        }
        if (groupStart) groupStart = false;
        if (next === "'") {
          const hex = rtf.slice(i, i + 2);
          i += 2;
          if (skipChars > 0) {
            skipChars--;
            continue;
          }
          if (!g.skip && !g.htmlrtf && /^[0-9a-fA-F]{2}$/.test(hex)) bytes.push(parseInt(hex, 16));
          continue;
        }
        if (skipChars > 0) {
          skipChars--;
          continue;
        }
        if (!g.skip && !g.htmlrtf) {
          if (next === '{' || next === '}' || next === '\\') emit(next);
          else if (next === '~') emit('\u00a0');
          else if (next === '\n' || next === '\r') emit('\r\n');
        }
        continue;
      }
      const m = /^\\([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(rtf.slice(i, i + 48));
      if (!m) {
        i++;
        continue;
      }
      i += m[0].length;
      const word = m[1]!;
      const param = m[2] === undefined ? undefined : Number(m[2]);
      const first = groupStart;
      groupStart = false;
      const wasStarred = starred;
      starred = false;
      if (first && word !== 'htmltag' && (wasStarred || SKIPPED_DESTINATIONS.has(word))) {
        g.skip = true;
        continue;
      }
      if (word === 'htmltag') {
        // Its content is original HTML, even where the surrounding text is suppressed.
        g.skip = false;
        g.htmlrtf = false;
        continue;
      }
      if (word === 'htmlrtf') {
        g.htmlrtf = param !== 0;
        continue;
      }
      if (g.skip || g.htmlrtf) continue;
      switch (word) {
        case 'par':
        case 'line':
          emit('\r\n');
          break;
        case 'tab':
          emit('\t');
          break;
        case 'uc':
          g.uc = param ?? 1;
          break;
        case 'u':
          if (param !== undefined) {
            emit(String.fromCharCode(param < 0 ? param + 65536 : param));
            skipChars = g.uc;
          }
          break;
        default:
          break;
      }
      continue;
    }
    i++;
    if (c === '\r' || c === '\n') continue; // raw line breaks in RTF carry no meaning
    if (skipChars > 0) {
      skipChars--;
      continue;
    }
    if (groupStart) groupStart = false;
    if (!g.skip && !g.htmlrtf) {
      flushBytes();
      out += c;
    }
  }
  flushBytes();
  return out;
}
