// Bytes to numbered lines: the encoding is read from the content (UTF-8, UTF-8 BOM, UTF-16LE/BE with or
// without BOM, as the Exchange extended report is), and an overlong line is cut instead of buffered forever.

import { LOG_LIMITS } from './limits.ts';

export interface Line {
  text: string;
  /** 1-based line number in the (decompressed) file. */
  line: number;
  truncated?: boolean;
}

export function detectEncoding(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  // Text in UTF-16 without a BOM: ASCII characters leave every other byte zero.
  let evenZero = 0;
  let oddZero = 0;
  const n = Math.min(head.length, 512) & ~1;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  if (n >= 4 && oddZero > n / 4 && evenZero === 0) return 'utf-16le';
  if (n >= 4 && evenZero > n / 4 && oddZero === 0) return 'utf-16be';
  return 'utf-8';
}

export async function* decodeText(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > LOG_LIMITS.maxFileBytes) throw new Error(`file exceeds ${LOG_LIMITS.maxFileBytes} bytes after decompression`);
    decoder ??= new TextDecoder(detectEncoding(chunk), { fatal: false, ignoreBOM: false });
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  if (decoder) {
    const rest = decoder.decode();
    if (rest) yield rest;
  }
}

export async function* splitLines(texts: AsyncIterable<string>): AsyncGenerator<Line> {
  let pending = '';
  let line = 0;
  let dropping = false;
  for await (const text of texts) {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) {
        if (!dropping) {
          pending += text.slice(start);
          if (pending.length > LOG_LIMITS.maxLineChars) {
            yield { text: stripCr(pending.slice(0, LOG_LIMITS.maxLineChars)), line: ++line, truncated: true };
            pending = '';
            dropping = true;
          }
        }
        break;
      }
      if (dropping) {
        dropping = false;
      } else {
        const full = pending + text.slice(start, nl);
        pending = '';
        yield { text: stripCr(full), line: ++line };
      }
      start = nl + 1;
    }
  }
  if (pending && !dropping) yield { text: stripCr(pending), line: ++line };
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}
