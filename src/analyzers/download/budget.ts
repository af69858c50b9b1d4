// The per-submission fetch budget: maxFetches URLs, likely payloads first (see rules/fetch.yaml).

import { loadRules } from '../../engine/rules.ts';
import type { AnalysisContext } from '../../engine/types.ts';

const SCRATCH_KEY = 'download.budget';

interface Budget {
  used: number;
  capReported: boolean;
}

// Hand-built contexts (tests of other analyzers) may have no scratch map; they get a budget per email object.
const fallback = new WeakMap<object, Budget>();

function budgetOf(ctx: AnalysisContext): Budget {
  if (ctx.scratch) {
    let b = ctx.scratch.get(SCRATCH_KEY) as Budget | undefined;
    if (!b) ctx.scratch.set(SCRATCH_KEY, (b = { used: 0, capReported: false }));
    return b;
  }
  let b = fallback.get(ctx.email);
  if (!b) fallback.set(ctx.email, (b = { used: 0, capReported: false }));
  return b;
}

let payloadExtensions: Set<string> | undefined;

/** True when the URL's path ends like a file the chains deliver (archive, script, program, page). */
export function looksLikePayload(url: URL): boolean {
  payloadExtensions ??= new Set(loadRules<{ payload_extensions: string[] }>('fetch.yaml').payload_extensions);
  const last = url.pathname.split('/').pop() ?? '';
  const dot = last.lastIndexOf('.');
  return dot > 0 && payloadExtensions.has(last.slice(dot + 1).toLowerCase());
}

export type BudgetAnswer = { granted: true } | { granted: false; firstRefusal: boolean; detail: string };

/** Takes one fetch from the budget, or says why not. Ordinary links may use only half of it. */
export function takeFetch(ctx: AnalysisContext, url: URL): BudgetAnswer {
  const budget = budgetOf(ctx);
  const cap = ctx.limits.maxFetches;
  const ceiling = looksLikePayload(url) ? cap : Math.floor(cap / 2);
  if (budget.used < ceiling) {
    budget.used++;
    return { granted: true };
  }
  const firstRefusal = !budget.capReported;
  budget.capReported = true;
  const detail = budget.used >= cap ? `fetched ${cap} URLs already; ${url.href} not fetched` : `${url.href} not fetched: half the fetch budget is kept for links that look like payloads`;
  return { granted: false, firstRefusal, detail };
}
