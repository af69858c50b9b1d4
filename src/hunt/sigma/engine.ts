// Runs a rule set over events: rules are indexed by the Sigma category they need so each event is tested
// only against rules written for its kind, and filters are applied per rule after a match.

import type { LogEvent } from '../event.ts';
import type { SigmaFilter } from './filters.ts';
import { logsourceApplies, type SigmaRule } from './rule.ts';
import { Subject } from './subject.ts';

export interface RuleMatch {
  rule: SigmaRule;
  event: LogEvent;
  /** The filter that suppressed the match, if one did. */
  suppressedBy?: SigmaFilter;
}

export class RuleSet {
  private readonly byCategory = new Map<string, SigmaRule[]>();
  private readonly anyCategory: SigmaRule[] = [];
  private readonly filtersByRule = new Map<string, SigmaFilter[]>();

  constructor(
    readonly rules: readonly SigmaRule[],
    readonly filters: readonly SigmaFilter[] = [],
  ) {
    for (const r of rules) {
      const cat = r.logsource.category;
      if (!cat) this.anyCategory.push(r);
      else {
        const list = this.byCategory.get(cat) ?? [];
        list.push(r);
        this.byCategory.set(cat, list);
      }
    }
    for (const f of filters) {
      for (const key of f.rules) {
        const list = this.filtersByRule.get(key) ?? [];
        list.push(f);
        this.filtersByRule.set(key, list);
      }
    }
  }

  candidates(event: LogEvent): SigmaRule[] {
    const out: SigmaRule[] = [];
    for (const c of event.logsource.categories) {
      const list = this.byCategory.get(c);
      if (list) out.push(...list);
    }
    if (this.anyCategory.length) out.push(...this.anyCategory);
    return out;
  }

  /** Every rule that matches the event, filtered matches included (marked), so a report can say what was suppressed. */
  match(event: LogEvent): RuleMatch[] {
    const candidates = this.candidates(event);
    if (candidates.length === 0) return [];
    const subject = new Subject(event.fields, event.raw);
    const out: RuleMatch[] = [];
    for (const rule of candidates) {
      if (!logsourceApplies(rule.logsource, event.logsource)) continue;
      if (!rule.matches(subject)) continue;
      const filters = [...(this.filtersByRule.get(rule.id) ?? []), ...(this.filtersByRule.get(rule.title) ?? [])];
      const suppressedBy = filters.find((f) => logsourceApplies(f.logsource, event.logsource) && !f.keeps(subject));
      out.push({ rule, event, suppressedBy });
    }
    return out;
  }
}
