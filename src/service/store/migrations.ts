// The schema as an ordered list of migrations. Each runs once, in order, inside a transaction; the store
// records the versions it applied. A dialect per engine (issue 8 adds `postgres` beside `sqlite`) keeps the
// versions in step across stores.

export interface Migration {
  version: number;
  name: string;
  sql: { sqlite: string };
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'users, sessions, reports, reporters, feedback',
    sql: {
      sqlite: `
        CREATE TABLE users (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          role TEXT NOT NULL CHECK (role IN ('reporter', 'analyst', 'admin')),
          email TEXT,
          token_hash TEXT NOT NULL UNIQUE,
          created_at TEXT NOT NULL
        );
        CREATE INDEX users_email ON users (email);

        CREATE TABLE sessions (
          id_hash TEXT PRIMARY KEY,
          user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
          csrf TEXT NOT NULL,
          expires_at TEXT NOT NULL
        );

        CREATE TABLE reports (
          id TEXT PRIMARY KEY,
          identity TEXT NOT NULL UNIQUE,
          sample_sha256 TEXT NOT NULL,
          sample_size INTEGER NOT NULL,
          sample_name TEXT NOT NULL,
          sample_type TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('queued', 'analyzing', 'done', 'failed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          subject TEXT,
          verdict TEXT,
          score INTEGER,
          summary TEXT,
          report_json TEXT,
          preview_json TEXT,
          error TEXT,
          decision_json TEXT,
          created_at TEXT NOT NULL,
          started_at TEXT,
          finished_at TEXT
        );
        CREATE INDEX reports_status ON reports (status, created_at);
        CREATE INDEX reports_verdict ON reports (verdict, created_at);

        CREATE TABLE reporters (
          report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
          reporter_key TEXT NOT NULL,
          name TEXT NOT NULL,
          email TEXT,
          user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
          via TEXT NOT NULL,
          reported_at TEXT NOT NULL,
          PRIMARY KEY (report_id, reporter_key)
        );
        CREATE INDEX reporters_user ON reporters (user_id);

        CREATE TABLE feedback (
          id INTEGER PRIMARY KEY,
          report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
          to_email TEXT NOT NULL,
          reporter_name TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          error TEXT,
          created_at TEXT NOT NULL,
          sent_at TEXT,
          UNIQUE (report_id, to_email)
        );
        CREATE INDEX feedback_pending ON feedback (status, id);
      `,
    },
  },
];
