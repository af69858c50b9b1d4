// Zeek TSV logs: `#separator`, `#fields` and `#types` headers, `-` for unset, `(empty)` for empty sets,
// and sets/vectors joined by `#set_separator`.

import type { Line } from './text.ts';

export interface ZeekRow {
  value: Record<string, unknown>;
  line: number;
  raw: string;
  path?: string;
}

function unescape(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export async function* zeekRows(lines: AsyncIterable<Line>): AsyncGenerator<ZeekRow> {
  let sep = '\t';
  let setSep = ',';
  let unset = '-';
  let empty = '(empty)';
  let fields: string[] = [];
  let types: string[] = [];
  let path: string | undefined;
  for await (const { text, line } of lines) {
    if (text.startsWith('#')) {
      // `#separator \x09` is written with a space (the separator is not known yet); the rest use the separator.
      if (text.startsWith('#separator ')) {
        sep = unescape(text.slice('#separator '.length).trim());
        continue;
      }
      const [key, ...rest] = text.split(sep);
      const value = rest.join(sep);
      if (key === '#set_separator') setSep = unescape(value);
      else if (key === '#unset_field') unset = value;
      else if (key === '#empty_field') empty = value;
      else if (key === '#path') path = value;
      else if (key === '#fields') fields = rest;
      else if (key === '#types') types = rest;
      continue;
    }
    if (!text || fields.length === 0) continue;
    const cols = text.split(sep);
    const value: Record<string, unknown> = {};
    fields.forEach((f, i) => {
      const c = cols[i];
      if (c === undefined || c === unset) return;
      const type = types[i] ?? '';
      if (c === empty) value[f] = [];
      else if (type.startsWith('set') || type.startsWith('vector')) value[f] = c.split(setSep).map(unescape);
      else value[f] = unescape(c);
    });
    yield { value, line, raw: text, path };
  }
}
