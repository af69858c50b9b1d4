// Splunk SPL: a base search for the log source, then `| where` with like()/match(), which say exactly what a
// Sigma value means (case-insensitive wildcards, regexes, CIDR) without Splunk's search-time tokenising.

import type { Dialect } from './index.ts';
import { shapeOf, sigmaToRegex } from './regex.ts';

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const f = (name: string) => (/^[A-Za-z_][\w.]*$/.test(name) ? name : `'${name}'`);

export const spl: Dialect = {
  and: (parts) => (parts.length === 0 ? 'true()' : parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`),
  or: (parts) => (parts.length === 0 ? 'false()' : parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`),
  not: (p) => `NOT ${p}`,
  pattern(field, p) {
    const target = field === null ? '_raw' : f(field);
    switch (p.type) {
      case 'string': {
        const shape = shapeOf(p.value);
        const lower = p.cased ? target : `lower(${target})`;
        const text = p.cased ? shape.text : shape.text.toLowerCase();
        if (shape.kind === 'any') return `isnotnull(${target})`;
        const plainLike = !/[%_]/.test(text);
        if (field === null) return `like(lower(_raw), ${q(`%${text.toLowerCase()}%`)})`;
        if (plainLike && shape.kind === 'equals') return `${lower}==${q(text)}`;
        if (plainLike && shape.kind === 'contains') return `like(${lower}, ${q(`%${text}%`)})`;
        if (plainLike && shape.kind === 'startswith') return `like(${lower}, ${q(`${text}%`)})`;
        if (plainLike && shape.kind === 'endswith') return `like(${lower}, ${q(`%${text}`)})`;
        return `match(${target}, ${q(`${p.cased ? '' : '(?i)'}${sigmaToRegex(p.value)}`)})`;
      }
      case 're':
        return `match(${target}, ${q(`${p.flags ? `(?${p.flags})` : ''}${p.source}`)})`;
      case 'cidr':
        return `cidrmatch(${q(p.cidr)}, ${target})`;
      case 'compare':
        return `tonumber(${target}) ${{ gt: '>', gte: '>=', lt: '<', lte: '<=' }[p.op]} ${p.value}`;
      case 'null':
        return `isnull(${target})`;
      case 'exists':
        return p.exists ? `isnotnull(${target})` : `isnull(${target})`;
      case 'fieldref':
        return `lower(${target})==lower(${f(p.field)})`;
    }
  },
  query: (base, condition) => `${base ?? 'index=*'}\n| where ${condition}`,
  comment: (lines) => lines.map((l) => `\`comment(${q(l)})\``).join('\n'),
};
