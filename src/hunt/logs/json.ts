// JSON logs in the three ways tools write them: one object per line, one pretty-printed object (or several
// back to back), or one array of objects. Records are cut at depth zero (or one, inside a top-level array)
// without parsing the whole file.

import { LOG_LIMITS } from './limits.ts';
import type { Line } from './text.ts';

export interface JsonRecord {
  value: unknown;
  line: number;
  /** The original line when the record was exactly one line. */
  raw?: string;
}

export interface JsonError {
  error: string;
  line: number;
}

export async function* jsonRecords(lines: AsyncIterable<Line>): AsyncGenerator<JsonRecord | JsonError> {
  let depth = 0; // nesting inside the current record
  let inArray = false; // a top-level `[` is open: its elements are the records
  let inString = false;
  let escaped = false;
  let buf = '';
  let start = 0;
  let oversized = false;

  for await (const { text, line, truncated } of lines) {
    if (depth === 0 && !truncated) {
      // Fast path: a whole object on one line (NDJSON), the common case for big logs.
      const t = text.trim();
      if (t.startsWith('{') && t.endsWith('}')) {
        try {
          yield { value: JSON.parse(t), line, raw: text };
          continue;
        } catch {
          // Not one complete object after all: the scanner below finds out where it ends.
        }
      }
    }
    if (truncated && depth === 0) {
      yield { error: `line longer than ${LOG_LIMITS.maxLineChars} characters skipped`, line };
      continue;
    }
    let junk = false;
    // Text of the current record is taken from the line in slices, not character by character.
    let seg = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (depth === 0) {
        if (c === ' ' || c === '\t' || c === ',' || c === '\r') continue;
        if (c === '[' && !inArray) inArray = true;
        else if (c === ']' && inArray) inArray = false;
        else if (c === '{') {
          depth = 1;
          buf = '';
          seg = i;
          start = line;
          oversized = false;
        } else junk = true;
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          if (!oversized) buf += text.slice(seg, i + 1);
          yield oversized ? { error: `record longer than ${LOG_LIMITS.maxRecordChars} characters skipped`, line: start } : parseRecord(buf, start);
          buf = '';
        }
      }
    }
    if (depth > 0 && !oversized) {
      buf += `${text.slice(seg)}\n`;
      if (buf.length > LOG_LIMITS.maxRecordChars) {
        oversized = true;
        buf = '';
      }
    }
    if (junk) yield { error: 'text outside any JSON object skipped', line };
  }
  if (depth > 0) yield { error: 'file ends inside a JSON record', line: start };
}

function parseRecord(text: string, line: number): JsonRecord | JsonError {
  try {
    return { value: JSON.parse(text), line };
  } catch (err) {
    return { error: `bad JSON: ${(err as Error).message}`, line };
  }
}
