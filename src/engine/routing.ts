// The routing table: kind → analyzers and priority, read from rules/routing.yaml.

import { loadRules } from './rules.ts';
import type { Analyzer, FindingCatalogue } from './types.ts';

interface RoutingFile {
  kinds: Record<string, { priority: number; analyzers: string[] }>;
}

const UNROUTED_PRIORITY = 9;

export class Router {
  private readonly byName: Map<string, Analyzer>;
  private readonly table: RoutingFile['kinds'];

  constructor(analyzers: readonly Analyzer[], table = loadRules<RoutingFile>('routing.yaml').kinds) {
    this.byName = new Map(analyzers.map((a) => [a.name, a]));
    this.table = table;
  }

  analyzersFor(kind: string): Analyzer[] {
    const names = this.table[kind]?.analyzers ?? [];
    return names.map((n) => this.byName.get(n)).filter((a): a is Analyzer => a !== undefined);
  }

  priority(kind: string): number {
    return this.table[kind]?.priority ?? UNROUTED_PRIORITY;
  }

  /** Analyzer names the table routes to that no registered analyzer answers to. */
  missing(): string[] {
    const names = new Set(Object.values(this.table).flatMap((k) => k.analyzers));
    return [...names].filter((n) => !this.byName.has(n));
  }

  /** Every finding every registered analyzer declares, by id. */
  catalogue(): FindingCatalogue {
    const out: FindingCatalogue = {};
    for (const a of this.byName.values()) Object.assign(out, a.findings);
    return out;
  }
}
