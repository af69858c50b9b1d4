// Sigma strings as regular expressions for backends whose wildcard syntax cannot say what the rule says.

import { escapeRegex, STAR, ONE, type SigmaString } from '../strings.ts';

export function sigmaToRegex(s: SigmaString): string {
  return `^${s.map((p) => (p === STAR ? '.*' : p === ONE ? '.' : escapeRegex(p))).join('')}$`;
}

/** The shape of a Sigma string: exact, prefix, suffix, infix (one literal), or anything else. */
export function shapeOf(s: SigmaString): { kind: 'equals' | 'startswith' | 'endswith' | 'contains' | 'any' | 'complex'; text: string } {
  const lits = s.filter((p): p is string => typeof p === 'string');
  if (s.some((p) => p === ONE) || lits.length > 1) return { kind: 'complex', text: '' };
  const text = lits[0] ?? '';
  const starts = s[0] === STAR;
  const ends = s.length > 1 && s[s.length - 1] === STAR;
  if (s.length === 1 && starts) return { kind: 'any', text: '' };
  if (starts && ends) return { kind: 'contains', text };
  if (starts) return { kind: 'endswith', text };
  if (ends) return { kind: 'startswith', text };
  return { kind: 'equals', text };
}
