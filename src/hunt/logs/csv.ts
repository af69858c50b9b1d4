// CSV with a header row (RFC 4180 quoting, fields that span lines), as Exchange message traces export it.

import { LOG_LIMITS } from './limits.ts';
import type { Line } from './text.ts';

export interface CsvRow {
  value: Record<string, string>;
  line: number;
  raw?: string;
}

export function splitCsvLine(text: string, state: { inQuotes: boolean; field: string; fields: string[] }): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (state.inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          state.field += '"';
          i++;
        } else state.inQuotes = false;
      } else state.field += c;
    } else if (c === '"') state.inQuotes = true;
    else if (c === ',') {
      state.fields.push(state.field);
      state.field = '';
    } else state.field += c;
  }
  if (state.inQuotes) {
    state.field += '\n';
    return false;
  }
  state.fields.push(state.field);
  return true;
}

export async function* csvRows(lines: AsyncIterable<Line>): AsyncGenerator<CsvRow | { error: string; line: number }> {
  let header: string[] | undefined;
  let state = { inQuotes: false, field: '', fields: [] as string[] };
  let start = 0;
  for await (const { text, line } of lines) {
    if (!state.inQuotes) {
      if (!text.trim() || (!header && text.startsWith('#'))) continue; // PowerShell's `#TYPE` line
      start = line;
    }
    if (!splitCsvLine(text, state)) {
      if (state.field.length > LOG_LIMITS.maxRecordChars) {
        yield { error: 'quoted CSV field never closes', line: start };
        state = { inQuotes: false, field: '', fields: [] };
      }
      continue;
    }
    const fields = state.fields;
    state = { inQuotes: false, field: '', fields: [] };
    if (!header) {
      header = fields.map((f) => f.trim().replace(/^\uFEFF/, ''));
      continue;
    }
    const value: Record<string, string> = {};
    header.forEach((h, i) => {
      const v = fields[i];
      if (v !== undefined && v !== '') value[h] = v;
    });
    yield { value, line: start, raw: start === line ? text : undefined };
  }
}
