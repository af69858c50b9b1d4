// The service's durable state as an interface: users, sessions, reports with their reporters and decisions,
// and the reporter-feedback outbox. SQLite is the embedded default; PostgreSQL (issue 8) implements the same
// interface with the same migrations, so the API never knows which one it talks to.

import type { Fingerprint } from '../../campaign/fingerprint.ts';
import type { Report } from '../../verdict/report.ts';
import type { Verdict } from '../../verdict/verdict.ts';
import type { EmailPreview } from '../analysis/preview.ts';

export const ROLES = ['reporter', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  name: string;
  role: Role;
  email: string | null;
  createdAt: string;
}

export type ReportStatus = 'queued' | 'analyzing' | 'done' | 'failed';
export const REPORT_STATUSES: readonly ReportStatus[] = ['queued', 'analyzing', 'done', 'failed'];

/** How a report reached us. */
export type Channel = 'api' | 'upload' | 'mailbox';

export interface Reporter {
  name: string;
  email: string | null;
  userId: number | null;
  via: Channel;
  reportedAt: string;
}

/** The analyst's call on a report. The verdict may differ from the engine's; the note says why. */
export interface Decision {
  verdict: Verdict;
  note: string;
  /** A final decision is told to the reporters; a draft is not. */
  final: boolean;
  analyst: string;
  decidedAt: string;
}

export interface SampleRef {
  sha256: string;
  size: number;
  /** The file name the sample arrived with (upload name, attachment name, or a made-up "report.eml"). */
  name: string;
  contentType: string;
}

export interface StoredReport {
  id: string;
  /** What makes two reports "the same original message" (see identity.ts). */
  identity: string;
  sample: SampleRef;
  status: ReportStatus;
  attempts: number;
  subject: string | null;
  verdict: Verdict | null;
  score: number | null;
  report: Report | null;
  preview: EmailPreview | null;
  error: string | null;
  decision: Decision | null;
  reporters: Reporter[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A row of the queue: everything but the heavy report and preview. */
export type ReportSummary = Omit<StoredReport, 'report' | 'preview'> & { summary: string | null };

export interface NewReport {
  identity: string;
  sample: SampleRef;
  subject: string | null;
  reporter: Omit<Reporter, 'reportedAt'>;
}

export interface ReportFilter {
  status?: ReportStatus;
  /** The analyst's verdict where one decided, else the engine's. */
  verdict?: Verdict;
  /** Only reports this user reported (the reporter role's view). */
  reportedBy?: number;
  limit?: number;
  offset?: number;
}

export interface Session {
  user: User;
  csrf: string;
  expiresAt: string;
}

/** A worker's hold on the report it analyses: who (unique per worker process) and for how long. */
export interface Lease {
  owner: string;
  ms: number;
}

export interface FeedbackMessage {
  id: number;
  reportId: string;
  to: string;
  reporterName: string;
  attempts: number;
}

export interface Store {
  /** Brings the schema to the latest migration; safe to run on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  addUser(user: { name: string; role: Role; email: string | null; tokenHash: string }): Promise<User>;
  setUserToken(name: string, tokenHash: string): Promise<boolean>;
  removeUser(name: string): Promise<boolean>;
  listUsers(): Promise<User[]>;
  userByName(name: string): Promise<User | null>;
  userByTokenHash(tokenHash: string): Promise<User | null>;
  userByEmail(email: string): Promise<User | null>;

  createSession(session: { idHash: string; userId: number; csrf: string; expiresAt: string }): Promise<void>;
  sessionByHash(idHash: string): Promise<Session | null>;
  deleteSession(idHash: string): Promise<void>;

  /**
   * Records a report durably. When a report with the same identity exists, the reporter is added to it instead
   * and `created` is false: the same original message is analysed once.
   */
  submitReport(report: NewReport): Promise<{ id: string; created: boolean }>;
  getReport(id: string): Promise<StoredReport | null>;
  listReports(filter: ReportFilter): Promise<ReportSummary[]>;
  countByStatus(): Promise<Record<ReportStatus, number>>;
  /** How many queued reports are ahead of this one (for the live progress line). */
  reportsAhead(id: string): Promise<number>;
  /** Reports a crash or restart left queued or analysing, oldest first. */
  unfinishedReports(): Promise<string[]>;
  /**
   * Moves a queued report to `analyzing` and counts the attempt; null if it is not queued (taken or done).
   * With a lease (workers sharing one store), the claim holds until `lease.ms` from now unless renewed, and a
   * report whose lease ran out (its worker died) can be claimed again; a live lease is never taken.
   */
  claimReport(id: string, lease?: Lease): Promise<{ attempts: number } | null>;
  /** Extends a held lease; false when this owner no longer holds the report (finished, or taken after expiry). */
  renewLease(id: string, lease: Lease): Promise<boolean>;
  /** With `owner`, only the lease holder's result is recorded (false otherwise): a report finishes once. */
  finishReport(id: string, result: { report: Report; preview: EmailPreview | null }, owner?: string): Promise<boolean | void>;
  failReport(id: string, error: string, owner?: string): Promise<boolean | void>;
  /** Puts an analysing report back in the queue (its worker died, or the service restarted under it). */
  requeueReport(id: string, owner?: string): Promise<void>;
  /**
   * Reports a shared queue should hold, oldest first: queued ones, and analysing ones whose lease ran out (or
   * that were claimed without one). Analyses under a live lease are left to their worker.
   */
  resumableReports(limit?: number): Promise<string[]>;
  decide(id: string, decision: Decision): Promise<void>;
  /** Queues a finished or failed report for a fresh analysis from its stored sample; false if it is not finished. */
  reanalyse(id: string): Promise<boolean>;

  /**
   * Every finished report's campaign fingerprint, with its report id, received time (the report's creation) and
   * reporters' names, oldest first, in one query. Reports finished before fingerprints were stored get theirs
   * from their stored report JSON first (once, in batches).
   */
  campaignFingerprints(): Promise<Fingerprint[]>;
  /**
   * A cheap token that changes whenever the finished reports or their reporters change (count and latest
   * finish of done reports, count and latest of reporter rows): campaigns are clustered again only then.
   */
  finishedReportsVersion(): Promise<string>;

  /** Queues one feedback email per reporter with an address (once per report and address). */
  queueFeedback(reportId: string): Promise<number>;
  pendingFeedback(limit: number): Promise<FeedbackMessage[]>;
  markFeedback(id: number, outcome: { sent: true } | { sent: false; error: string; giveUp: boolean }): Promise<void>;
}
