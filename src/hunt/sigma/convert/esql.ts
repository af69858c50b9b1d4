// Elastic ES|QL: LIKE with `*`/`?` wildcards on TO_LOWER(field) for Sigma's case-insensitive values, RLIKE
// for regexes (Lucene syntax: anchored, so unanchored Sigma regexes are wrapped in `.*`), CIDR_MATCH for
// networks. Triple-quoted strings keep backslashes literal.

import { STAR, ONE } from '../strings.ts';
import type { Dialect } from './index.ts';

const v = (s: string) => `"""${s.replace(/"""/g, '\\"\\"\\"')}"""`;
const f = (name: string) => (/^[A-Za-z_@][\w.]*$/.test(name) ? name : `\`${name}\``);

/** Lucene regex lacks \d, \s, \w: spell them as classes. */
function lucene(source: string): string {
  return source.replace(/\\d/g, '[0-9]').replace(/\\s/g, '[ \\t\\r\\n]').replace(/\\w/g, '[A-Za-z0-9_]');
}

export const esql: Dialect = {
  and: (parts) => (parts.length === 0 ? 'true' : parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`),
  or: (parts) => (parts.length === 0 ? 'false' : parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`),
  not: (p) => `NOT ${p}`,
  pattern(field, p) {
    if (field === null) return p.type === 'string' ? `QSTR(${v(`"${p.value.filter((x) => typeof x === 'string').join(' ')}"`)})` : 'true';
    const x = f(field);
    switch (p.type) {
      case 'string': {
        const pattern = p.value
          .map((part) => (part === STAR ? '*' : part === ONE ? '?' : (p.cased ? part : part.toLowerCase()).replace(/[\\*?]/g, '\\$&')))
          .join('');
        const target = p.cased ? x : `TO_LOWER(${x})`;
        return p.value.some((part) => typeof part !== 'string') ? `${target} LIKE ${v(pattern)}` : `${target} == ${v(pattern.replace(/\\([\\*?])/g, '$1'))}`;
      }
      case 're': {
        let src = lucene(p.source);
        src = src.startsWith('^') ? src.slice(1) : `.*${src}`;
        src = src.endsWith('$') && !src.endsWith('\\$') ? src.slice(0, -1) : `${src}.*`;
        return p.flags.includes('i') ? `TO_LOWER(${x}) RLIKE ${v(src.toLowerCase())}` : `${x} RLIKE ${v(src)}`;
      }
      case 'cidr':
        return `CIDR_MATCH(TO_IP(${x}), ${v(p.cidr)})`;
      case 'compare':
        return `TO_DOUBLE(${x}) ${{ gt: '>', gte: '>=', lt: '<', lte: '<=' }[p.op]} ${p.value}`;
      case 'null':
        return `${x} IS NULL`;
      case 'exists':
        return p.exists ? `${x} IS NOT NULL` : `${x} IS NULL`;
      case 'fieldref':
        return `TO_LOWER(${x}) == TO_LOWER(${f(p.field)})`;
    }
  },
  query: (base, condition) => `${base ?? 'FROM logs-*'}\n| WHERE ${condition}`,
  comment: (lines) => lines.map((l) => `// ${l}`).join('\n'),
};
