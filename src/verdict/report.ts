// The report: the contract of ARCHITECTURE.md ("tacklebox.report/1") built from an analysis run.

import type { AnalysisRun } from '../engine/submission.ts';
import type { ArtifactRecord, EmailFacts, Finding, Ioc } from '../engine/types.ts';
import { bodySignature } from '../campaign/minhash.ts';
import { chainSummary } from './summary.ts';
import { scoreOf, verdictOf, type Verdict } from './verdict.ts';

export const REPORT_SCHEMA = 'tacklebox.report/1';

export interface Report {
  schema: typeof REPORT_SCHEMA;
  input: { name: string; sha256: string; size: number; kind: string };
  verdict: Verdict;
  score: number;
  summary: string;
  /** Set when the mail is a phishing simulation from a training vendor: the verdict stands, but it is a drill. */
  simulation: { vendor: string; evidence: string } | null;
  email: EmailFacts;
  findings: Finding[];
  artifacts: ArtifactRecord[];
  iocs: Ioc[];
  passwords: { value: string; source: string; opened: string[] }[];
  attack: string[];
  limits: { limit: string; artifact: string; detail: string }[];
  errors: { analyzer: string; artifact: string; message: string }[];
  /** What campaign grouping compares beyond the indicators: the MinHash signature of the judged email's body. */
  fingerprint: { body: number[] | null };
  elapsedMs: number;
}

export function buildReport(run: AnalysisRun): Report {
  const root = run.artifacts[0]!;
  const score = scoreOf(run.findings);
  const findings = [...run.findings].sort((a, b) => b.score - a.score || idNum(a.artifact) - idNum(b.artifact));
  return {
    schema: REPORT_SCHEMA,
    input: { name: root.name, sha256: root.sha256, size: root.size, kind: root.kind },
    verdict: verdictOf(score),
    score,
    summary: chainSummary(run.artifacts, run.findings, run.labels),
    simulation: run.simulation ?? null,
    email: run.email,
    findings,
    artifacts: run.artifacts,
    iocs: run.iocs,
    passwords: run.passwords,
    attack: attackIds(findings),
    limits: run.limits,
    errors: run.errors,
    fingerprint: { body: bodySignature(run.bodies) ?? null },
    elapsedMs: run.elapsedMs,
  };
}

function attackIds(findings: readonly Finding[]): string[] {
  const ids = new Set<string>();
  for (const f of findings) if (f.score > 0) for (const t of f.attack) ids.add(t);
  return [...ids].sort();
}

function idNum(id: string): number {
  return Number(id.slice(1)) || 0;
}

export function iocsOfType(report: Report, type: Ioc['type']): string[] {
  return report.iocs.filter((i) => i.type === type).map((i) => i.value);
}
