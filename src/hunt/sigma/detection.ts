// The `detection:` section: named searches (maps of field tests, lists of maps, keyword lists) parsed into a
// small tree that the matcher compiles to closures and the SIEM converters render as queries.

import { inNetwork, parseCidr } from './cidr.ts';
import { fieldTest, SigmaError, type FieldTest, type ValuePattern } from './modifiers.ts';
import { compileString, wrap } from './strings.ts';
import type { Subject } from './subject.ts';

/** A named search: every test of a map must hold (`and`), any item of a list may (`or`). */
export type Search = { type: 'and'; tests: FieldTest[] } | { type: 'or'; items: Search[] };

export function parseSearch(name: string, value: unknown): Search {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => v === null || typeof v !== 'object')) {
      // A list of plain values is a keyword search: any of them anywhere in the event.
      return { type: 'and', tests: [fieldTest('', value)] };
    }
    return { type: 'or', items: value.map((v) => parseSearch(name, v)) };
  }
  if (value !== null && typeof value === 'object') {
    return { type: 'and', tests: Object.entries(value as Record<string, unknown>).map(([k, v]) => fieldTest(k, v)) };
  }
  if (typeof value === 'string' || typeof value === 'number') return { type: 'and', tests: [fieldTest('', [value])] };
  throw new SigmaError(`search "${name}" is neither a map, a list nor a keyword`);
}

export type Matcher = (s: Subject) => boolean;

function numberOf(v: string): number {
  return /^\s*-?(0x[0-9a-f]+|\d+(\.\d+)?)\s*$/i.test(v) ? Number(v) : NaN;
}

function compilePattern(p: ValuePattern, field: string | null): Matcher {
  const values = (s: Subject, cased: boolean) => (field === null ? s.allValues(cased) : s.values(field, cased));
  switch (p.type) {
    case 'string': {
      // Keywords are full-text searches: a bare keyword matches anywhere in the event.
      const test = compileString(field === null ? wrap(p.value, true, true) : p.value, p.cased);
      return (s) => values(s, p.cased)?.some(test) ?? false;
    }
    case 're': {
      const re = new RegExp(p.source, p.flags);
      return (s) => values(s, true)?.some((v) => re.test(v)) ?? false;
    }
    case 'cidr': {
      const net = parseCidr(p.cidr);
      if (!net) throw new SigmaError(`bad CIDR "${p.cidr}"`);
      return (s) => values(s, true)?.some((v) => inNetwork(v, net)) ?? false;
    }
    case 'compare':
      return (s) =>
        values(s, true)?.some((v) => {
          const n = numberOf(v);
          if (Number.isNaN(n)) return false;
          return p.op === 'gt' ? n > p.value : p.op === 'gte' ? n >= p.value : p.op === 'lt' ? n < p.value : n <= p.value;
        }) ?? false;
    case 'null':
      return (s) => {
        const v = values(s, true);
        return v === null || v.every((x) => x === '');
      };
    case 'exists':
      return field === null ? () => p.exists : (s) => s.has(field) === p.exists;
    case 'fieldref':
      return (s) => {
        const other = s.values(p.field, false);
        const mine = values(s, false);
        return !!other && !!mine && mine.some((v) => other.includes(v));
      };
  }
}

export function compileTest(t: FieldTest): Matcher {
  const ms = t.patterns.map((p) => compilePattern(p, t.field));
  if (ms.length === 1) return ms[0]!;
  return t.all ? (s) => ms.every((m) => m(s)) : (s) => ms.some((m) => m(s));
}

export function compileSearch(search: Search): Matcher {
  if (search.type === 'or') {
    const items = search.items.map(compileSearch);
    return (s) => items.some((m) => m(s));
  }
  const tests = search.tests.map(compileTest);
  if (tests.length === 1) return tests[0]!;
  return (s) => tests.every((m) => m(s));
}
