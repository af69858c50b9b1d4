// The verdict is computed from findings alone: each finding id counts once, at its highest score,
// so the total is a sum anyone can audit from the report's finding list.

import type { Finding } from '../engine/types.ts';

export type Verdict = 'malicious' | 'suspicious' | 'benign';

export const THRESHOLDS = { suspicious: 300, malicious: 1000 } as const;

export function scoreOf(findings: readonly Finding[]): number {
  const best = new Map<string, number>();
  for (const f of findings) best.set(f.id, Math.max(best.get(f.id) ?? -Infinity, f.score));
  let total = 0;
  for (const s of best.values()) total += s;
  return total;
}

export function verdictOf(score: number): Verdict {
  if (score >= THRESHOLDS.malicious) return 'malicious';
  if (score >= THRESHOLDS.suspicious) return 'suspicious';
  return 'benign';
}
