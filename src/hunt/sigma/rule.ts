// A Sigma rule read from YAML and compiled once: its searches and condition become one predicate over events.

import { compileCondition, parseCondition, type Condition } from './condition.ts';
import { compileSearch, parseSearch, type Search } from './detection.ts';
import { SigmaError } from './modifiers.ts';
import type { EventSource } from '../event.ts';
import type { Subject } from './subject.ts';

export interface Logsource {
  product?: string;
  category?: string;
  service?: string;
}

export interface SigmaRule {
  id: string;
  title: string;
  level: string;
  status?: string;
  description?: string;
  author?: string;
  tags: string[];
  references: string[];
  falsepositives: string[];
  logsource: Logsource;
  searches: Record<string, Search>;
  condition: Condition;
  /** Where the rule was read from. */
  file: string;
  matches: (s: Subject) => boolean;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str).filter((x): x is string => !!x) : typeof v === 'string' ? [v] : [];
}

export function logsourceOf(v: unknown): Logsource {
  const o = (v ?? {}) as Record<string, unknown>;
  const out: Logsource = {};
  for (const k of ['product', 'category', 'service'] as const) {
    const s = str(o[k]);
    if (s) out[k] = s.toLowerCase();
  }
  return out;
}

/** Parses the `detection:` block (searches plus condition) shared by rules and filters. */
export function parseDetection(detection: unknown, where: string): { searches: Record<string, Search>; condition: Condition } {
  if (!detection || typeof detection !== 'object' || Array.isArray(detection)) throw new SigmaError(`${where}: no detection section`);
  const d = detection as Record<string, unknown>;
  const searches: Record<string, Search> = {};
  for (const [name, value] of Object.entries(d)) {
    if (name === 'condition' || name === 'timeframe') continue;
    try {
      searches[name] = parseSearch(name, value);
    } catch (err) {
      throw new SigmaError(`${where}: ${(err as Error).message}`);
    }
  }
  const raw = d.condition;
  const texts = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
  if (texts.length === 0) throw new SigmaError(`${where}: detection has no condition`);
  const names = Object.keys(searches);
  const parsed = texts.map((t) => {
    try {
      return parseCondition(t, names);
    } catch (err) {
      throw new SigmaError(`${where}: ${(err as Error).message}`);
    }
  });
  return { searches, condition: parsed.length === 1 ? parsed[0]! : { type: 'or', args: parsed } };
}

export function compileDetection(searches: Record<string, Search>, condition: Condition): (s: Subject) => boolean {
  const refs: Record<string, (s: Subject) => boolean> = {};
  for (const [name, search] of Object.entries(searches)) refs[name] = compileSearch(search);
  return compileCondition(condition, refs);
}

export function compileRule(doc: Record<string, unknown>, file: string): SigmaRule {
  const title = str(doc.title) ?? '(untitled)';
  const where = `${file}: rule "${title}"`;
  const { searches, condition } = parseDetection(doc.detection, where);
  let matches: (s: Subject) => boolean;
  try {
    matches = compileDetection(searches, condition);
  } catch (err) {
    throw new SigmaError(`${where}: ${(err as Error).message}`);
  }
  return {
    id: str(doc.id) ?? title,
    title,
    level: str(doc.level)?.toLowerCase() ?? 'medium',
    status: str(doc.status),
    description: str(doc.description),
    author: str(doc.author),
    tags: strings(doc.tags),
    references: strings(doc.references),
    falsepositives: strings(doc.falsepositives),
    logsource: logsourceOf(doc.logsource),
    searches,
    condition,
    file,
    matches,
  };
}

/** Whether an event's source is one the rule is written for: every key the rule names must agree. */
export function logsourceApplies(rule: Logsource, event: EventSource): boolean {
  if (rule.product && event.product !== rule.product) return false;
  if (rule.category && !event.categories.includes(rule.category)) return false;
  if (rule.service && event.service !== rule.service) return false;
  return true;
}
