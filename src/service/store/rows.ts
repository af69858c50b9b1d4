// Rows to the store's types, the same for every engine: both stores select the same columns with the same
// names, so one mapping serves SQLite and PostgreSQL.

import { randomBytes } from 'node:crypto';
import type { Verdict } from '../../verdict/verdict.ts';
import type { Decision, NewReport, Reporter, ReportStatus, ReportSummary, Role, User } from './types.ts';

export type Row = Record<string, unknown>;

export function newReportId(): string {
  return `r${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

/** One reporter per person per report: a user account, else an email address, else a name. */
export function reporterKey(r: NewReport['reporter']): string {
  if (r.userId !== null) return `user:${r.userId}`;
  if (r.email) return `email:${r.email.toLowerCase()}`;
  return `name:${r.name}`;
}

export function toUser(row: Row): User {
  return {
    id: row.id as number,
    name: row.name as string,
    role: row.role as Role,
    email: (row.email as string | null) ?? null,
    createdAt: row.created_at as string,
  };
}

export function toReporter(r: Row): Reporter {
  return {
    name: r.name as string,
    email: (r.email as string | null) ?? null,
    userId: (r.user_id as number | null) ?? null,
    via: r.via as Reporter['via'],
    reportedAt: r.reported_at as string,
  };
}

/** A report row without its report JSON (PostgreSQL returns BIGINT sizes as strings: hence Number()). */
export function toSummary(row: Row, reporters: Reporter[]): ReportSummary {
  return {
    id: row.id as string,
    identity: row.identity as string,
    sample: {
      sha256: row.sample_sha256 as string,
      size: Number(row.sample_size),
      name: row.sample_name as string,
      contentType: row.sample_type as string,
    },
    status: row.status as ReportStatus,
    attempts: row.attempts as number,
    subject: (row.subject as string | null) ?? null,
    verdict: (row.verdict as Verdict | null) ?? null,
    score: (row.score as number | null) ?? null,
    summary: (row.summary as string | null) ?? null,
    error: (row.error as string | null) ?? null,
    decision: parseJson<Decision>(row.decision_json),
    reporters,
    createdAt: row.created_at as string,
    startedAt: (row.started_at as string | null) ?? null,
    finishedAt: (row.finished_at as string | null) ?? null,
  };
}

export function maybe<T>(row: Row | undefined, f: (r: Row) => T): T | null {
  return row ? f(row) : null;
}

export function parseJson<T>(value: unknown): T | null {
  return typeof value === 'string' ? (JSON.parse(value) as T) : null;
}
