// The submission-wide list of password candidates, in the order CHAIN.md §2 tries them:
// what the email states after a label, the bare tokens of subject and bodies, the analyst's,
// a few defaults, then dotted prefixes of the archive's own file name.

import type { PasswordCandidate } from './types.ts';

export const DEFAULT_PASSWORDS = ['infected', 'password', '123', '1234', '12345', '123456'];

export class PasswordBook {
  private readonly stated = new Map<string, PasswordCandidate>();
  private readonly tokens = new Map<string, PasswordCandidate>();

  constructor(private readonly analystPasswords: readonly string[] = []) {}

  add(candidates: readonly PasswordCandidate[]): void {
    for (const c of candidates) {
      if (!c.value) continue;
      const shelf = c.stated ? this.stated : this.tokens;
      if (!shelf.has(c.value)) shelf.set(c.value, c);
    }
  }

  /** Every candidate for an archive called `archiveName`, each value once, best first. */
  candidates(archiveName = ''): PasswordCandidate[] {
    const out = new Map<string, PasswordCandidate>();
    const put = (c: PasswordCandidate) => {
      if (c.value && !out.has(c.value)) out.set(c.value, c);
    };
    for (const c of this.stated.values()) put(c);
    for (const c of this.tokens.values()) put(c);
    for (const value of this.analystPasswords) put({ value, source: 'supplied by the analyst', stated: false });
    for (const value of DEFAULT_PASSWORDS) put({ value, source: 'common malware-archive default', stated: false });
    for (const value of dottedPrefixes(archiveName)) put({ value, source: "the archive's file name", stated: false });
    return [...out.values()];
  }

  /** Passwords the email states outright; bare tokens stay internal. */
  statedPasswords(): PasswordCandidate[] {
    return [...this.stated.values()];
  }
}

/** "Invoice.4411.zip" gives "Invoice", "Invoice.4411" and "Invoice.4411.zip". */
export function dottedPrefixes(name: string): string[] {
  const base = name.split(/[\\/]/).pop() ?? '';
  if (!base) return [];
  const parts = base.split('.');
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(parts.slice(0, i).join('.'));
  return out.filter(Boolean);
}
