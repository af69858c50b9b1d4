// The shared store for several machines: PostgreSQL through `pg`, the same interface, migrations and rows as
// the SQLite store. Lease times come from the database's clock, so workers on machines whose clocks disagree
// still agree on when a lease ran out.

import pg from 'pg';
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
  Reporter,
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
/** The database's time as the ISO-8601 text the rows hold, plus `$n` milliseconds. */
const dbTime = (msParam: string) =>
  `to_char((now() + (${msParam} || ' milliseconds')::interval) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** Serialises migrations when several processes start at once against one database. */
const MIGRATION_LOCK = 0x7461636b; // "tack"

const SUMMARY_COLUMNS = `id, identity, sample_sha256, sample_size, sample_name, sample_type, status, attempts, subject, verdict, score,
  summary, error, decision_json, created_at, started_at, finished_at`;

export interface PostgresStoreOptions {
  /** Connections this process keeps open (default 10). */
  maxConnections?: number;
}

export class PostgresStore implements Store {
  readonly pool: pg.Pool;

  constructor(url: string, options: PostgresStoreOptions = {}) {
    this.pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, connectionTimeoutMillis: 10_000 });
    // An idle client losing its server (a restart) must not crash the process; the next query reconnects.
    this.pool.on('error', (err) => process.stderr.write(`tacklebox: PostgreSQL connection lost: ${err.message}\n`));
  }

  async migrate(): Promise<void> {
    await this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const applied = new Set((await c.query('SELECT version FROM schema_migrations')).rows.map((r) => r.version as number));
      for (const m of MIGRATIONS) {
        if (applied.has(m.version)) continue;
        await c.query(m.sql.postgres);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now()]);
      }
    });
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  // users

  async addUser(u: { name: string; role: Role; email: string | null; tokenHash: string }): Promise<User> {
    const createdAt = now();
    const { rows } = await this.pool.query('INSERT INTO users (name, role, email, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
      u.name,
      u.role,
      u.email,
      u.tokenHash,
      createdAt,
    ]);
    return { id: rows[0].id as number, name: u.name, role: u.role, email: u.email, createdAt };
  }

  async setUserToken(name: string, tokenHash: string): Promise<boolean> {
    return this.transaction(async (c) => {
      const { rowCount } = await c.query('UPDATE users SET token_hash = $1 WHERE name = $2', [tokenHash, name]);
      if (rowCount) await c.query('DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = $1)', [name]);
      return (rowCount ?? 0) > 0;
    });
  }

  async removeUser(name: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM users WHERE name = $1', [name])).rowCount ?? 0) > 0;
  }

  async listUsers(): Promise<User[]> {
    return (await this.pool.query('SELECT * FROM users ORDER BY name')).rows.map(toUser);
  }

  async userByName(name: string): Promise<User | null> {
    return maybe((await this.pool.query('SELECT * FROM users WHERE name = $1', [name])).rows[0], toUser);
  }

  async userByTokenHash(tokenHash: string): Promise<User | null> {
    return maybe((await this.pool.query('SELECT * FROM users WHERE token_hash = $1', [tokenHash])).rows[0], toUser);
  }

  async userByEmail(email: string): Promise<User | null> {
    return maybe((await this.pool.query('SELECT * FROM users WHERE lower(email) = lower($1) ORDER BY id LIMIT 1', [email])).rows[0], toUser);
  }

  // sessions

  async createSession(s: { idHash: string; userId: number; csrf: string; expiresAt: string }): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE expires_at < $1', [now()]);
    await this.pool.query('INSERT INTO sessions (id_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, $4)', [s.idHash, s.userId, s.csrf, s.expiresAt]);
  }

  async sessionByHash(idHash: string): Promise<Session | null> {
    const { rows } = await this.pool.query(
      'SELECT s.csrf, s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2',
      [idHash, now()],
    );
    const row = rows[0] as Row | undefined;
    if (!row) return null;
    return { user: toUser(row), csrf: row.csrf as string, expiresAt: row.expires_at as string };
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  // reports

  async submitReport(r: NewReport): Promise<{ id: string; created: boolean }> {
    // The unique identity decides under concurrency: a second insert of one identity waits for the first to
    // commit, then does nothing, and this transaction reads the winner's id (READ COMMITTED sees it).
    return this.transaction(async (c) => {
      const at = now();
      const inserted = await c.query(
        `INSERT INTO reports (id, identity, sample_sha256, sample_size, sample_name, sample_type, status, subject, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8) ON CONFLICT (identity) DO NOTHING RETURNING id`,
        [newReportId(), r.identity, r.sample.sha256, r.sample.size, r.sample.name, r.sample.contentType, r.subject, at],
      );
      const created = inserted.rows.length > 0;
      const id = created ? (inserted.rows[0].id as string) : ((await c.query('SELECT id FROM reports WHERE identity = $1', [r.identity])).rows[0].id as string);
      await c.query(
        `INSERT INTO reporters (report_id, reporter_key, name, email, user_id, via, reported_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (report_id, reporter_key) DO NOTHING`,
        [id, reporterKey(r.reporter), r.reporter.name, r.reporter.email, r.reporter.userId, r.reporter.via, at],
      );
      return { id, created };
    });
  }

  async getReport(id: string): Promise<StoredReport | null> {
    const row = (await this.pool.query('SELECT * FROM reports WHERE id = $1', [id])).rows[0] as Row | undefined;
    if (!row) return null;
    const [summary] = await this.summariesOf([row]);
    return { ...summary!, report: parseJson<Report>(row.report_json), preview: parseJson<EmailPreview>(row.preview_json) };
  }

  async listReports(filter: ReportFilter): Promise<ReportSummary[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (value: unknown) => {
      args.push(value);
      return `$${args.length}`;
    };
    if (filter.status) where.push(`status = ${arg(filter.status)}`);
    // the analyst's decision, once made, is the report's verdict
    if (filter.verdict) where.push(`coalesce(decision_json::jsonb ->> 'verdict', verdict) = ${arg(filter.verdict)}`);
    if (filter.reportedBy !== undefined) where.push(`id IN (SELECT report_id FROM reporters WHERE user_id = ${arg(filter.reportedBy)})`);
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const offset = Math.max(filter.offset ?? 0, 0);
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM reports ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT ${arg(limit)} OFFSET ${arg(offset)}`;
    return this.summariesOf((await this.pool.query(sql, args)).rows);
  }

  async countByStatus(): Promise<Record<ReportStatus, number>> {
    const out: Record<ReportStatus, number> = { queued: 0, analyzing: 0, done: 0, failed: 0 };
    for (const row of (await this.pool.query('SELECT status, count(*)::int AS n FROM reports GROUP BY status')).rows) {
      out[row.status as ReportStatus] = row.n as number;
    }
    return out;
  }

  async reportsAhead(id: string): Promise<number> {
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS n FROM reports q, reports me WHERE me.id = $1 AND q.status = 'queued'
         AND (q.created_at < me.created_at OR (q.created_at = me.created_at AND q.id < me.id))`,
      [id],
    );
    return (rows[0]?.n as number) ?? 0;
  }

  async unfinishedReports(): Promise<string[]> {
    const { rows } = await this.pool.query("SELECT id FROM reports WHERE status IN ('queued', 'analyzing') ORDER BY created_at, id");
    return rows.map((r) => r.id as string);
  }

  async resumableReports(limit = 10_000): Promise<string[]> {
    const { rows } = await this.pool.query(
      `SELECT id FROM reports WHERE status = 'queued' OR (status = 'analyzing' AND (lease_until IS NULL OR lease_until < ${dbTime('0')}))
       ORDER BY created_at, id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id as string);
  }

  async claimReport(id: string, lease?: Lease): Promise<{ attempts: number } | null> {
    // One statement: two workers claiming one report race on the row lock, and the loser sees it taken.
    const { rows } = await this.pool.query(
      `UPDATE reports SET status = 'analyzing', attempts = attempts + 1, started_at = $2, lease_owner = $3,
         lease_until = CASE WHEN $3::text IS NULL THEN NULL ELSE ${dbTime('$4')} END
       WHERE id = $1 AND (status = 'queued' OR (status = 'analyzing' AND lease_until IS NOT NULL AND lease_until < ${dbTime('0')}))
       RETURNING attempts`,
      [id, now(), lease?.owner ?? null, String(lease?.ms ?? 0)],
    );
    return rows[0] ? { attempts: rows[0].attempts as number } : null;
  }

  async renewLease(id: string, lease: Lease): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE reports SET lease_until = ${dbTime('$3')} WHERE id = $1 AND status = 'analyzing' AND lease_owner = $2`,
      [id, lease.owner, String(lease.ms)],
    );
    return (rowCount ?? 0) > 0;
  }

  async finishReport(id: string, result: { report: Report; preview: EmailPreview | null }, owner?: string): Promise<boolean> {
    const { report } = result;
    const { rowCount } = await this.pool.query(
      `UPDATE reports SET status = 'done', verdict = $1, score = $2, summary = $3, report_json = $4, preview_json = $5, error = NULL,
         subject = coalesce(subject, $6), finished_at = $7, lease_owner = NULL, lease_until = NULL, fingerprint_json = $10
       WHERE id = $8 AND ($9::text IS NULL OR lease_owner = $9)`,
      [
        report.verdict,
        report.score,
        report.summary,
        JSON.stringify(report),
        result.preview ? JSON.stringify(result.preview) : null,
        report.email?.subject ?? null,
        now(),
        id,
        owner ?? null,
        storedFingerprint(report),
      ],
    );
    return (rowCount ?? 0) > 0;
  }

  async failReport(id: string, error: string, owner?: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE reports SET status = 'failed', error = $1, finished_at = $2, lease_owner = NULL, lease_until = NULL
       WHERE id = $3 AND ($4::text IS NULL OR lease_owner = $4)`,
      [error, now(), id, owner ?? null],
    );
    return (rowCount ?? 0) > 0;
  }

  async requeueReport(id: string, owner?: string): Promise<void> {
    await this.pool.query(
      `UPDATE reports SET status = 'queued', lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND status = 'analyzing' AND ($2::text IS NULL OR lease_owner = $2)`,
      [id, owner ?? null],
    );
  }

  async reanalyse(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE reports SET status = 'queued', attempts = 0, error = NULL, started_at = NULL, finished_at = NULL, lease_owner = NULL, lease_until = NULL
       WHERE id = $1 AND status IN ('done', 'failed')`,
      [id],
    );
    return (rowCount ?? 0) > 0;
  }

  async decide(id: string, decision: Decision): Promise<void> {
    await this.pool.query('UPDATE reports SET decision_json = $1 WHERE id = $2', [JSON.stringify(decision), id]);
  }

  // campaigns

  async campaignFingerprints(): Promise<Fingerprint[]> {
    await this.backfillFingerprints();
    const { rows } = await this.pool.query(
      `SELECT r.id, r.created_at, r.fingerprint_json, ARRAY(SELECT p.name FROM reporters p WHERE p.report_id = r.id) AS reporters
       FROM reports r WHERE r.status = 'done' AND r.fingerprint_json IS NOT NULL ORDER BY r.created_at, r.id`,
    );
    return rows.map((r) => fingerprintFromRow(r.fingerprint_json as string, r.id as string, r.created_at as string, r.reporters as string[]));
  }

  async finishedReportsVersion(): Promise<string> {
    const { rows } = await this.pool.query(
      `SELECT (SELECT count(*)::int FROM reports WHERE status = 'done') AS done,
         (SELECT max(finished_at) FROM reports WHERE status = 'done') AS last,
         (SELECT count(*)::int FROM reporters) AS reporters`,
    );
    const row = rows[0] as Row;
    return `${row.done}|${row.last ?? ''}|${row.reporters}`;
  }

  /** Reports finished before fingerprints were stored: fingerprinted from their report JSON, a batch at a time. */
  private async backfillFingerprints(): Promise<void> {
    for (;;) {
      const { rows } = await this.pool.query(`SELECT id, report_json FROM reports WHERE status = 'done' AND fingerprint_json IS NULL LIMIT ${BACKFILL_BATCH}`);
      if (rows.length === 0) return;
      await this.transaction(async (c) => {
        for (const r of rows) {
          await c.query("UPDATE reports SET fingerprint_json = $1 WHERE id = $2 AND status = 'done' AND fingerprint_json IS NULL", [storedFingerprintOfJson(r.report_json), r.id]);
        }
      });
    }
  }

  // feedback outbox

  async queueFeedback(reportId: string): Promise<number> {
    return this.transaction(async (c) => {
      const { rows } = await c.query('SELECT name, email FROM reporters WHERE report_id = $1 AND email IS NOT NULL ORDER BY reported_at, reporter_key', [reportId]);
      let queued = 0;
      for (const r of rows) {
        const res = await c.query(
          "INSERT INTO feedback (report_id, to_email, reporter_name, status, created_at) VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT (report_id, to_email) DO NOTHING",
          [reportId, r.email, r.name, now()],
        );
        queued += res.rowCount ?? 0;
      }
      return queued;
    });
  }

  async pendingFeedback(limit: number): Promise<FeedbackMessage[]> {
    const { rows } = await this.pool.query("SELECT * FROM feedback WHERE status = 'pending' ORDER BY id LIMIT $1", [limit]);
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
      await this.pool.query("UPDATE feedback SET status = 'sent', attempts = attempts + 1, sent_at = $1, error = NULL WHERE id = $2", [now(), id]);
    } else {
      await this.pool.query('UPDATE feedback SET status = $1, attempts = attempts + 1, error = $2 WHERE id = $3', [
        outcome.giveUp ? 'failed' : 'pending',
        outcome.error,
        id,
      ]);
    }
  }

  private async transaction<T>(run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await run(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** Rows to summaries, with every listed report's reporters fetched in one query. */
  private async summariesOf(rows: Row[]): Promise<ReportSummary[]> {
    const byReport = new Map<string, Reporter[]>(rows.map((r) => [r.id as string, []]));
    if (rows.length > 0) {
      const { rows: people } = await this.pool.query('SELECT * FROM reporters WHERE report_id = ANY($1) ORDER BY reported_at, reporter_key', [[...byReport.keys()]]);
      for (const r of people) {
        byReport.get(r.report_id as string)!.push(toReporter(r));
      }
    }
    return rows.map((row) => toSummary(row, byReport.get(row.id as string)!));
  }
}
