// Sigma rules as queries for the team's SIEM: the same tree the matcher compiles (searches + condition) is
// rendered by a small backend per query language. Field and log source names come from
// rules/field-mappings-siem.yaml.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Condition } from '../condition.ts';
import type { Search } from '../detection.ts';
import type { FieldTest, ValuePattern } from '../modifiers.ts';
import type { SigmaRule } from '../rule.ts';
import { esql } from './esql.ts';
import { kql } from './kql.ts';
import { spl } from './spl.ts';

export const BACKENDS = ['spl', 'kql', 'esql'] as const;
export type Backend = (typeof BACKENDS)[number];

/** How one query language writes the pieces of a condition. */
export interface Dialect {
  and(parts: string[]): string;
  or(parts: string[]): string;
  not(part: string): string;
  /** One value test on a (mapped) field; field null is a keyword search. */
  pattern(field: string | null, p: ValuePattern): string;
  /** The whole query from the log source's base and the condition. */
  query(base: string | undefined, condition: string): string;
  comment(lines: string[]): string;
}

const DIALECTS: Record<Backend, Dialect> = { spl, kql, esql };

interface SiemMapping {
  about: string;
  logsources: Record<string, string>;
  fields: Record<string, string>;
  keep_sigma_names?: boolean;
  /** Hash algorithm → column, for SIEMs that split Sysmon's `Hashes` field. */
  hashes?: Record<string, string>;
}

const SIEM_FILE = fileURLToPath(new URL('../../../../rules/field-mappings-siem.yaml', import.meta.url));
let siem: Record<Backend, SiemMapping> | undefined;

export interface Converted {
  rule: string;
  title: string;
  comment: string;
  query: string;
  unmappedFields: string[];
}

export function convertRule(rule: SigmaRule, backend: Backend): Converted {
  siem ??= parse(readFileSync(SIEM_FILE, 'utf8')) as Record<Backend, SiemMapping>;
  const map = siem[backend];
  const d = DIALECTS[backend];
  const unmapped = new Set<string>();
  const field = (f: string | null) => {
    if (f === null) return null;
    const m = map.fields[f];
    if (!m && !map.keep_sigma_names) unmapped.add(f);
    return m ?? f;
  };
  const pattern = (f: string | null, p: ValuePattern): string => {
    const hash = f === 'Hashes' && map.hashes ? splitHash(p, map.hashes) : undefined;
    if (hash) return d.pattern(hash.field, hash.pattern);
    return d.pattern(field(f), p.type === 'fieldref' ? { ...p, field: field(p.field)! } : p);
  };
  const test = (t: FieldTest): string => {
    const parts = t.patterns.map((p) => pattern(t.field, p));
    return parts.length === 1 ? parts[0]! : t.all ? d.and(parts) : d.or(parts);
  };
  const search = (s: Search): string => {
    if (s.type === 'or') return d.or(s.items.map(search));
    const parts = s.tests.map(test);
    return parts.length === 1 ? parts[0]! : d.and(parts);
  };
  const cond = (c: Condition): string => {
    switch (c.type) {
      case 'ref':
        return search(rule.searches[c.name]!);
      case 'not':
        return d.not(cond(c.arg));
      case 'and':
        return d.and(c.args.map(cond));
      case 'or':
        return d.or(c.args.map(cond));
      case 'const':
        return c.value ? d.or([]) : d.and([]);
    }
  };
  const condition = cond(rule.condition);
  const base = rule.logsource.category ? map.logsources[rule.logsource.category] : undefined;
  const lines = [`${rule.title} (${rule.id}) level ${rule.level}`, `author: ${rule.author ?? 'unknown'}; source: ${map.about}`];
  if (!base) lines.push(`no ${backend} log source for ${JSON.stringify(rule.logsource)}: add the right index or table`);
  if (unmapped.size) lines.push(`fields kept under their Sigma names: ${[...unmapped].join(', ')}`);
  return { rule: rule.id, title: rule.title, comment: d.comment(lines), query: d.query(base, condition), unmappedFields: [...unmapped] };
}

/** `Hashes|contains: 'SHA256=AB…'` as `SHA256 == 'ab…'` where the SIEM has a column per algorithm. */
function splitHash(p: ValuePattern, columns: Record<string, string>): { field: string; pattern: ValuePattern } | undefined {
  if (p.type !== 'string') return undefined;
  const text = p.value.filter((x): x is string => typeof x === 'string').join('');
  const m = /^(SHA256|SHA1|MD5|IMPHASH)=([0-9a-f]+)$/i.exec(text);
  const column = m ? columns[m[1]!.toUpperCase()] : undefined;
  if (!m || !column) return undefined;
  return { field: column, pattern: { type: 'string', value: [m[2]!.toLowerCase()], cased: false } };
}

export function convertRules(rules: readonly SigmaRule[], backend: Backend): Converted[] {
  return rules.map((r) => convertRule(r, backend));
}
