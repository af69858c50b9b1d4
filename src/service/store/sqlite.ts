// The embedded store: one SQLite file (better-sqlite3, WAL, synchronous=FULL so a commit is on disk before
// the API answers). Calls are synchronous underneath and short; the interface is async for other engines.

import Database from 'better-sqlite3';
import type { Fingerprint } from '../../campaign/fingerprint.ts';
import type { Report } from '../../verdict/report.ts';
import type { EmailPreview } from '../analysis/preview.ts';
import { BACKFILL_BATCH, fingerprintFromRow, storedFingerprint, storedFingerprintOfJson } from './fingerprints.ts';
import { MIGRATIONS } from './migrations.ts';
import { maybe, newReportId, parseJson, reporterKey, toReporter, toSummary, toUser, type Row } from './rows.ts';
import type {
  Decision,
  FeedbackMessage,
  Lease,
  NewReport,
  ReportFilter,
  ReportStatus,
  ReportSummary,
  Role,
  Session,
  Store,
  StoredReport,
  User,
} from './types.ts';

const now = () => new Date().toISOString();
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Report ids sort by creation time and cannot be guessed. */
export class SqliteStore implements Store {
  readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => r.version as number));
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql.sqlite);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now());
      })();
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // users

  async addUser(u: { name: string; role: Role; email: string | null; tokenHash: string }): Promise<User> {
    const createdAt = now();
    const info = this.db
      .prepare('INSERT INTO users (name, role, email, token_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(u.name, u.role, u.email, u.tokenHash, createdAt);
    return { id: Number(info.lastInsertRowid), name: u.name, role: u.role, email: u.email, createdAt };
  }

  async setUserToken(name: string, tokenHash: string): Promise<boolean> {
    const info = this.db.prepare('UPDATE users SET token_hash = ? WHERE name = ?').run(tokenHash, name);
    if (info.changes > 0) this.db.prepare('DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)').run(name);
    return info.changes > 0;
  }

  async removeUser(name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM users WHERE name = ?').run(name).changes > 0;
  }

  async listUsers(): Promise<User[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY name').all() as Row[]).map(toUser);
  }

  async userByName(name: string): Promise<User | null> {
    return maybe(this.db.prepare('SELECT * FROM users WHERE name = ?').get(name) as Row | undefined, toUser);
  }

  async userByTokenHash(tokenHash: string): Promise<User | null> {
    return maybe(this.db.prepare('SELECT * FROM users WHERE token_hash = ?').get(tokenHash) as Row | undefined, toUser);
  }

  async userByEmail(email: string): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE lower(email) = lower(?) ORDER BY id LIMIT 1').get(email) as Row | undefined;
    return maybe(row, toUser);
  }

  // sessions

  async createSession(s: { idHash: string; userId: number; csrf: string; expiresAt: string }): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now());
    this.db.prepare('INSERT INTO sessions (id_hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)').run(s.idHash, s.userId, s.csrf, s.expiresAt);
  }

  async sessionByHash(idHash: string): Promise<Session | null> {
    const row = this.db
      .prepare('SELECT s.csrf, s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ?')
      .get(idHash, now()) as Row | undefined;
    if (!row) return null;
    return { user: toUser(row), csrf: row.csrf as string, expiresAt: row.expires_at as string };
  }

  async deleteSession(idHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  // reports

  async submitReport(r: NewReport): Promise<{ id: string; created: boolean }> {
    // One transaction: the identity check, the insert and the reporter row commit together, so concurrent
    // reports of one message cannot create two analyses.
    return this.db.transaction(() => {
      const at = now();
      const existing = this.db.prepare('SELECT id FROM reports WHERE identity = ?').get(r.identity) as Row | undefined;
      let id: string;
      let created = false;
      if (existing) {
        id = existing.id as string;
      } else {
        id = newReportId();
        created = true;
        this.db
          .prepare(
            `INSERT INTO reports (id, identity, sample_sha256, sample_size, sample_name, sample_type, status, subject, created_at)
             VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
          )
          .run(id, r.identity, r.sample.sha256, r.sample.size, r.sample.name, r.sample.contentType, r.subject, at);
      }
      this.db
        .prepare(
          `INSERT INTO reporters (report_id, reporter_key, name, email, user_id, via, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (report_id, reporter_key) DO NOTHING`,
        )
        .run(id, reporterKey(r.reporter), r.reporter.name, r.reporter.email, r.reporter.userId, r.reporter.via, at);
      return { id, created };
    })();
  }

  async getReport(id: string): Promise<StoredReport | null> {
    const row = this.db.prepare('SELECT * FROM reports WHERE id = ?').get(id) as Row | undefined;
    if (!row) return null;
    return {
      ...this.summaryOf(row),
      report: parseJson<Report>(row.report_json),
      preview: parseJson<EmailPreview>(row.preview_json),
    };
  }

  async listReports(filter: ReportFilter): Promise<ReportSummary[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.verdict) {
      // the analyst's decision, once made, is the report's verdict
      where.push("coalesce(json_extract(decision_json, '$.verdict'), verdict) = ?");
      args.push(filter.verdict);
    }
    if (filter.reportedBy !== undefined) {
      where.push('id IN (SELECT report_id FROM reporters WHERE user_id = ?)');
      args.push(filter.reportedBy);
    }
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const offset = Math.max(filter.offset ?? 0, 0);
    const sql = `SELECT id, identity, sample_sha256, sample_size, sample_name, sample_type, status, attempts, subject, verdict, score,
        summary, error, decision_json, created_at, started_at, finished_at
      FROM reports ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`;
    const rows = this.db.prepare(sql).all(...args, limit, offset) as Row[];
    return rows.map((row) => this.summaryOf(row));
  }

  async countByStatus(): Promise<Record<ReportStatus, number>> {
    const out: Record<ReportStatus, number> = { queued: 0, analyzing: 0, done: 0, failed: 0 };
    for (const row of this.db.prepare('SELECT status, count(*) AS n FROM reports GROUP BY status').all() as Row[]) {
      out[row.status as ReportStatus] = row.n as number;
    }
    return out;
  }

  async reportsAhead(id: string): Promise<number> {
    const row = this.db
      .prepare(
        `SELECT count(*) AS n FROM reports q, reports me WHERE me.id = ? AND q.status = 'queued'
           AND (q.created_at < me.created_at OR (q.created_at = me.created_at AND q.id < me.id))`,
      )
      .get(id) as Row;
    return row.n as number;
  }

  async unfinishedReports(): Promise<string[]> {
    const rows = this.db.prepare("SELECT id FROM reports WHERE status IN ('queued', 'analyzing') ORDER BY created_at, id").all() as Row[];
    return rows.map((r) => r.id as string);
  }

  async resumableReports(limit = 10_000): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT id FROM reports WHERE status = 'queued' OR (status = 'analyzing' AND (lease_until IS NULL OR lease_until < ?))
         ORDER BY created_at, id LIMIT ?`,
      )
      .all(now(), limit) as Row[];
    return rows.map((r) => r.id as string);
  }

  async claimReport(id: string, lease?: Lease): Promise<{ attempts: number } | null> {
    const at = now();
    const row = this.db
      .prepare(
        `UPDATE reports SET status = 'analyzing', attempts = attempts + 1, started_at = ?, lease_owner = ?, lease_until = ?
         WHERE id = ? AND (status = 'queued' OR (status = 'analyzing' AND lease_until IS NOT NULL AND lease_until < ?)) RETURNING attempts`,
      )
      .get(at, lease?.owner ?? null, lease ? later(lease.ms) : null, id, at) as Row | undefined;
    return row ? { attempts: row.attempts as number } : null;
  }

  async renewLease(id: string, lease: Lease): Promise<boolean> {
    return (
      this.db
        .prepare("UPDATE reports SET lease_until = ? WHERE id = ? AND status = 'analyzing' AND lease_owner = ?")
        .run(later(lease.ms), id, lease.owner).changes > 0
    );
  }

  async finishReport(id: string, result: { report: Report; preview: EmailPreview | null }, owner?: string): Promise<boolean> {
    const { report } = result;
    const info = this.db
      .prepare(
        `UPDATE reports SET status = 'done', verdict = ?, score = ?, summary = ?, report_json = ?, preview_json = ?, error = NULL,
           subject = coalesce(subject, ?), finished_at = ?, lease_owner = NULL, lease_until = NULL, fingerprint_json = ? WHERE id = ?${owner === undefined ? '' : ' AND lease_owner = ?'}`,
      )
      .run(
        report.verdict,
        report.score,
        report.summary,
        JSON.stringify(report),
        result.preview ? JSON.stringify(result.preview) : null,
        report.email?.subject ?? null,
        now(),
        storedFingerprint(report),
        id,
        ...(owner === undefined ? [] : [owner]),
      );
    return info.changes > 0;
  }

  async failReport(id: string, error: string, owner?: string): Promise<boolean> {
    const info = this.db
      .prepare(
        `UPDATE reports SET status = 'failed', error = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?${owner === undefined ? '' : ' AND lease_owner = ?'}`,
      )
      .run(error, now(), id, ...(owner === undefined ? [] : [owner]));
    return info.changes > 0;
  }

  async requeueReport(id: string, owner?: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE reports SET status = 'queued', lease_owner = NULL, lease_until = NULL WHERE id = ? AND status = 'analyzing'${owner === undefined ? '' : ' AND lease_owner = ?'}`,
      )
      .run(id, ...(owner === undefined ? [] : [owner]));
  }

  async reanalyse(id: string): Promise<boolean> {
    const info = this.db
      .prepare("UPDATE reports SET status = 'queued', attempts = 0, error = NULL, started_at = NULL, finished_at = NULL, lease_owner = NULL, lease_until = NULL WHERE id = ? AND status IN ('done', 'failed')")
      .run(id);
    return info.changes > 0;
  }

  async decide(id: string, decision: Decision): Promise<void> {
    this.db.prepare('UPDATE reports SET decision_json = ? WHERE id = ?').run(JSON.stringify(decision), id);
  }

  // campaigns

  async campaignFingerprints(): Promise<Fingerprint[]> {
    this.backfillFingerprints();
    const rows = this.db
      .prepare(
        `SELECT r.id, r.created_at, r.fingerprint_json,
           (SELECT json_group_array(p.name) FROM reporters p WHERE p.report_id = r.id) AS reporters
         FROM reports r WHERE r.status = 'done' AND r.fingerprint_json IS NOT NULL ORDER BY r.created_at, r.id`,
      )
      .all() as Row[];
    return rows.map((r) => fingerprintFromRow(r.fingerprint_json as string, r.id as string, r.created_at as string, JSON.parse(r.reporters as string) as string[]));
  }

  async finishedReportsVersion(): Promise<string> {
    const row = this.db
      .prepare(
        `SELECT (SELECT count(*) FROM reports WHERE status = 'done') AS done,
           (SELECT max(finished_at) FROM reports WHERE status = 'done') AS last,
           (SELECT count(*) FROM reporters) AS reporters`,
      )
      .get() as Row;
    return `${row.done}|${row.last ?? ''}|${row.reporters}`;
  }

  /** Reports finished before fingerprints were stored: fingerprinted from their report JSON, a batch at a time. */
  private backfillFingerprints(): void {
    // The partial index holds only the rows to fill; without INDEXED BY the planner walks every done report.
    const select = this.db.prepare(
      `SELECT id, report_json FROM reports INDEXED BY reports_fingerprint_missing WHERE status = 'done' AND fingerprint_json IS NULL LIMIT ${BACKFILL_BATCH}`,
    );
    const update = this.db.prepare("UPDATE reports SET fingerprint_json = ? WHERE id = ? AND status = 'done'");
    for (;;) {
      const rows = select.all() as Row[];
      if (rows.length === 0) return;
      this.db.transaction(() => {
        for (const r of rows) update.run(storedFingerprintOfJson(r.report_json), r.id);
      })();
    }
  }

  // feedback outbox

  async queueFeedback(reportId: string): Promise<number> {
    const rows = this.db.prepare('SELECT name, email FROM reporters WHERE report_id = ? AND email IS NOT NULL').all(reportId) as Row[];
    const insert = this.db.prepare(
      "INSERT INTO feedback (report_id, to_email, reporter_name, status, created_at) VALUES (?, ?, ?, 'pending', ?) ON CONFLICT (report_id, to_email) DO NOTHING",
    );
    let queued = 0;
    this.db.transaction(() => {
      for (const r of rows) queued += insert.run(reportId, r.email, r.name, now()).changes;
    })();
    return queued;
  }

  async pendingFeedback(limit: number): Promise<FeedbackMessage[]> {
    const rows = this.db.prepare("SELECT * FROM feedback WHERE status = 'pending' ORDER BY id LIMIT ?").all(limit) as Row[];
    return rows.map((r) => ({
      id: r.id as number,
      reportId: r.report_id as string,
      to: r.to_email as string,
      reporterName: r.reporter_name as string,
      attempts: r.attempts as number,
    }));
  }

  async markFeedback(id: number, outcome: { sent: true } | { sent: false; error: string; giveUp: boolean }): Promise<void> {
    if (outcome.sent) {
      this.db.prepare("UPDATE feedback SET status = 'sent', attempts = attempts + 1, sent_at = ?, error = NULL WHERE id = ?").run(now(), id);
    } else {
      this.db
        .prepare('UPDATE feedback SET status = ?, attempts = attempts + 1, error = ? WHERE id = ?')
        .run(outcome.giveUp ? 'failed' : 'pending', outcome.error, id);
    }
  }

  private summaryOf(row: Row): ReportSummary {
    const people = this.db.prepare('SELECT * FROM reporters WHERE report_id = ? ORDER BY reported_at, reporter_key').all(row.id) as Row[];
    return toSummary(row, people.map(toReporter));
  }

}
