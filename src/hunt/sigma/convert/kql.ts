// Microsoft KQL (Defender XDR / Sentinel): contains/startswith/endswith/=~ are case-insensitive like Sigma;
// values are verbatim strings so Windows paths need no escaping.

import type { Dialect } from './index.ts';
import { shapeOf, sigmaToRegex } from './regex.ts';

const v = (s: string) => `@"${s.replace(/"/g, '""')}"`;
const f = (name: string) => (/^[A-Za-z_]\w*$/.test(name) ? name : `['${name}']`);

export const kql: Dialect = {
  and: (parts) => (parts.length === 0 ? 'true' : parts.length === 1 ? parts[0]! : `(${parts.join(' and ')})`),
  or: (parts) => (parts.length === 0 ? 'false' : parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`),
  not: (p) => `not(${p})`,
  pattern(field, p) {
    if (field === null) {
      return p.type === 'string' ? `* contains ${v(shapeOf(p.value).text)}` : 'true';
    }
    const x = f(field);
    switch (p.type) {
      case 'string': {
        const shape = shapeOf(p.value);
        const cs = p.cased ? '_cs' : '';
        if (shape.kind === 'any') return `isnotempty(${x})`;
        if (shape.kind === 'equals') return `${x} ${p.cased ? '==' : '=~'} ${v(shape.text)}`;
        if (shape.kind === 'contains') return `${x} contains${cs} ${v(shape.text)}`;
        if (shape.kind === 'startswith') return `${x} startswith${cs} ${v(shape.text)}`;
        if (shape.kind === 'endswith') return `${x} endswith${cs} ${v(shape.text)}`;
        return `${x} matches regex ${v(`${p.cased ? '' : '(?i)'}${sigmaToRegex(p.value)}`)}`;
      }
      case 're':
        return `${x} matches regex ${v(`${p.flags ? `(?${p.flags})` : ''}${p.source}`)}`;
      case 'cidr':
        return p.cidr.includes(':') ? `ipv6_is_in_range(${x}, ${v(p.cidr)})` : `ipv4_is_in_range(${x}, ${v(p.cidr)})`;
      case 'compare':
        return `toreal(${x}) ${{ gt: '>', gte: '>=', lt: '<', lte: '<=' }[p.op]} ${p.value}`;
      case 'null':
        return `isempty(${x})`;
      case 'exists':
        return p.exists ? `isnotempty(${x})` : `isempty(${x})`;
      case 'fieldref':
        return `${x} =~ ${f(p.field)}`;
    }
  },
  query: (base, condition) => `${base ?? 'union *'}\n| where ${condition}`,
  comment: (lines) => lines.map((l) => `// ${l}`).join('\n'),
};
