// Sigma filters (the Sigma filters specification): per-rule exclusions kept apart from the rules, the
// natural form for "these devices / these signed admin scripts are trusted". A filter names the rules it
// applies to and a detection whose condition must hold for a match to stand (typically `not selection`).

import { SigmaError } from './modifiers.ts';
import { compileDetection, logsourceOf, parseDetection, type Logsource } from './rule.ts';
import type { Subject } from './subject.ts';

export interface SigmaFilter {
  id: string;
  title: string;
  description?: string;
  file: string;
  logsource: Logsource;
  /** Rule ids or titles it applies to. */
  rules: string[];
  /** True when the match may stand; false means the filter suppresses it. */
  keeps: (s: Subject) => boolean;
}

export function compileFilter(doc: Record<string, unknown>, file: string): SigmaFilter {
  const title = typeof doc.title === 'string' ? doc.title : '(untitled filter)';
  const where = `${file}: filter "${title}"`;
  const f = doc.filter as Record<string, unknown>;
  if (!f || typeof f !== 'object') throw new SigmaError(`${where}: no filter section`);
  const rules = (Array.isArray(f.rules) ? f.rules : [f.rules]).filter((r): r is string => typeof r === 'string');
  if (rules.length === 0) throw new SigmaError(`${where}: names no rules`);
  const { searches, condition } = parseDetection(f, where);
  return {
    id: typeof doc.id === 'string' ? doc.id : title,
    title,
    description: typeof doc.description === 'string' ? doc.description : undefined,
    file,
    logsource: logsourceOf(doc.logsource),
    rules,
    keeps: compileDetection(searches, condition),
  };
}
