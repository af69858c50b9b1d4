// The service's parts without HTTP: the store on both engines (migrations, atomic dedupe, resume, leases), report identity,
// the content-addressed sample store, and the disarming of reported HTML.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyze } from '../src/analyze.ts';
import { fingerprintOf, type Fingerprint } from '../src/campaign/fingerprint.ts';
import { defaultConfig } from '../src/config.ts';
import { inertHtml } from '../src/service/analysis/preview.ts';
import { reportIdentity } from '../src/service/identity.ts';
import { SampleStore } from '../src/service/samples.ts';
import { PostgresStore } from '../src/service/store/postgres.ts';
import { SqliteStore } from '../src/service/store/sqlite.ts';
import type { NewReport, Store } from '../src/service/store/types.ts';
import type { Report } from '../src/verdict/report.ts';
import { bytes, invoiceNotice, qakbotLure } from './generators/email.ts';
import { outlookMsg } from './generators/msg.ts';
import { startPostgres, type Postgres } from './helpers/postgres.ts';
import { reportWrapper, rfc822 } from './helpers/service.ts';

// The store tests run against both engines: the embedded SQLite file and a real PostgreSQL server.
let postgres: Postgres | undefined;
before(async () => {
  postgres = await startPostgres();
});
after(() => postgres?.stop());

const ENGINES = ['sqlite', 'postgres'] as const;
type Engine = (typeof ENGINES)[number];

async function withStore(engine: Engine, run: (store: Store, dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'tacklebox-store-'));
  const store = engine === 'sqlite' ? new SqliteStore(join(dir, 'db.sqlite')) : new PostgresStore(await postgres!.createDatabase());
  try {
    await store.migrate();
    await run(store, dir);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The versions the store recorded as applied. */
async function appliedVersions(store: Store): Promise<number[]> {
  if (store instanceof SqliteStore) return (store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
  return (await (store as PostgresStore).pool.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version as number);
}

const sample = { sha256: 'a'.repeat(64), size: 10, name: 'r.eml', contentType: 'message/rfc822' };
const newReport = (identity: string, reporter: string, userId: number | null = null): NewReport => ({
  identity,
  sample,
  subject: 's',
  reporter: { name: reporter, email: `${reporter}@corp.example`, userId, via: 'api' },
});

for (const engine of ENGINES) {
  test(`${engine}: migrations run once and are recorded; SQLite is in WAL mode`, async () => {
    await withStore(engine, async (store) => {
      await store.migrate(); // a second start changes nothing
      assert.deepEqual(await appliedVersions(store), [1, 2, 3]);
      if (store instanceof SqliteStore) assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
    });
  });

  test(`${engine}: one identity is one report; each person is listed once however often they report it`, async () => {
    await withStore(engine, async (store) => {
      const a = await store.submitReport(newReport('message-id:x', 'anna'));
      const b = await store.submitReport(newReport('message-id:x', 'ben'));
      const c = await store.submitReport(newReport('message-id:x', 'anna'));
      const d = await store.submitReport(newReport('message-id:y', 'anna'));
      assert.equal(a.created, true);
      assert.deepEqual([b.id, b.created, c.id, c.created], [a.id, false, a.id, false]);
      assert.notEqual(d.id, a.id);
      const r = await store.getReport(a.id);
      assert.deepEqual(r!.reporters.map((p) => p.name), ['anna', 'ben']);
    });
  });

  test(`${engine}: claiming: a queued report is claimed once; resume puts cut-short analyses back in the queue`, async () => {
    await withStore(engine, async (store) => {
      const { id } = await store.submitReport(newReport('i1', 'anna'));
      const { id: later } = await store.submitReport(newReport('i1b', 'anna'));
      assert.equal(await store.reportsAhead(id), 0);
      assert.equal(await store.reportsAhead(later), 1);
      assert.deepEqual(await store.claimReport(id), { attempts: 1 });
      assert.equal(await store.reportsAhead(later), 0, 'a report being analysed is no longer ahead');
      assert.equal(await store.claimReport(id), null, 'an analysing report is not claimed twice');
      assert.deepEqual(await store.unfinishedReports(), [id, later]);
      await store.requeueReport(id);
      assert.deepEqual(await store.claimReport(id), { attempts: 2 });
      await store.failReport(id, 'boom');
      assert.deepEqual(await store.unfinishedReports(), [later]);
      assert.equal((await store.getReport(id))!.error, 'boom');
    });
  });

  test(`${engine}: the feedback outbox holds one message per report and address`, async () => {
    await withStore(engine, async (store) => {
      const { id } = await store.submitReport(newReport('i2', 'anna'));
      await store.submitReport(newReport('i2', 'ben'));
      await store.submitReport({ ...newReport('i2', 'carl'), reporter: { name: 'carl', email: null, userId: null, via: 'api' } });
      assert.equal(await store.queueFeedback(id), 2);
      assert.equal(await store.queueFeedback(id), 0);
      const pending = await store.pendingFeedback(10);
      await store.markFeedback(pending[0]!.id, { sent: true });
      await store.markFeedback(pending[1]!.id, { sent: false, error: 'down', giveUp: false });
      assert.deepEqual((await store.pendingFeedback(10)).map((m) => m.to), [pending[1]!.to]);
    });
  });

  test(`${engine}: concurrent reports of one message make one report with every reporter`, async () => {
    await withStore(engine, async (store) => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.submitReport(newReport('message-id:race', `emp${i}`))));
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.id)).size, 1);
      assert.equal((await store.getReport(results[0]!.id))!.reporters.length, 20);
    });
  });

  test(`${engine}: leases: a live lease is not taken, an expired one is, and only the holder's result counts`, async () => {
    await withStore(engine, async (store) => {
      const { id } = await store.submitReport(newReport('lease-1', 'anna'));
      const { id: queued } = await store.submitReport(newReport('lease-2', 'anna'));
      const a = { owner: 'worker-a', ms: 60_000 };
      assert.deepEqual(await store.claimReport(id, a), { attempts: 1 });
      assert.equal(await store.claimReport(id, { owner: 'worker-b', ms: 60_000 }), null, 'worker-a is alive: its report is not stolen');
      assert.deepEqual(await store.resumableReports(), [queued], 'an analysis under a live lease is not resumed');
      assert.equal(await store.renewLease(id, a), true);
      assert.equal(await store.renewLease(id, { owner: 'worker-b', ms: 60_000 }), false);

      // worker-a dies: its lease runs out, and worker-b takes the report over
      assert.equal(await store.renewLease(id, { owner: 'worker-a', ms: 150 }), true);
      await new Promise((r) => setTimeout(r, 400));
      // (both were created within a millisecond: their order is the ids' order, so compare as sets)
      assert.deepEqual((await store.resumableReports()).sort(), [id, queued].sort(), 'an expired lease is resumable');
      assert.deepEqual(await store.claimReport(id, { owner: 'worker-b', ms: 60_000 }), { attempts: 2 });
      assert.equal(await store.renewLease(id, a), false, 'worker-a learns it lost the report');
      const report = { verdict: 'benign', score: 0, summary: 'ok' } as never;
      assert.equal(await store.finishReport(id, { report, preview: null }, 'worker-a'), false, "a late result from the lost lease is not recorded");
      assert.equal((await store.getReport(id))!.status, 'analyzing');
      assert.equal(await store.finishReport(id, { report, preview: null }, 'worker-b'), true);
      const done = (await store.getReport(id))!;
      assert.deepEqual([done.status, done.attempts, done.verdict], ['done', 2, 'benign']);
      assert.equal(await store.claimReport(id, a), null, 'a finished report is not claimed again');
    });
  });

  test(`${engine}: campaign fingerprints: every finished report's, with its reporters, in one listing; older rows backfilled`, async () => {
    await withStore(engine, async (store) => {
      const reports = await campaignReports();
      const ids: string[] = [];
      for (const [i, report] of reports.entries()) {
        const { id } = await store.submitReport(newReport(`campaign-${i}`, 'anna', null));
        ids.push(id);
        await store.claimReport(id);
        await store.finishReport(id, { report, preview: null });
      }
      await store.submitReport(newReport('campaign-0', 'ben')); // a second reporter of the first lure
      const { id: queued } = await store.submitReport(newReport('still-queued', 'anna'));
      const { id: failed } = await store.submitReport(newReport('failed', 'anna'));
      await store.claimReport(failed);
      await store.failReport(failed, 'worker died');

      const expected = await Promise.all(
        ids.map(async (id, i) => {
          const row = (await store.getReport(id))!;
          return fingerprintOf(reports[i]!, id, Date.parse(row.createdAt), row.reporters.map((r) => r.name).sort());
        }),
      );
      const listed = await store.campaignFingerprints();
      assert.deepEqual(listed.map((f) => f.id).sort(), [...ids].sort(), 'finished reports only, not queued or failed');
      assert.ok(!listed.some((f) => f.id === queued || f.id === failed));
      assert.deepEqual(byId(listed), byId(expected));
      assert.deepEqual(listed.find((f) => f.id === ids[0])!.reporters, ['anna', 'ben']);
      fingerprintsByEngine.set(engine, listed);

      // a report finished before fingerprints were stored gets its fingerprint from its report JSON
      if (store instanceof SqliteStore) store.db.prepare('UPDATE reports SET fingerprint_json = NULL WHERE id = ?').run(ids[1]);
      else await (store as PostgresStore).pool.query('UPDATE reports SET fingerprint_json = NULL WHERE id = $1', [ids[1]]);
      assert.deepEqual(byId(await store.campaignFingerprints()), byId(expected), 'backfilled');

      // the version token moves with finished reports and reporters, and only then
      const v1 = await store.finishedReportsVersion();
      assert.equal(await store.finishedReportsVersion(), v1);
      await store.decide(ids[0]!, { verdict: 'malicious', note: '', final: false, analyst: 'sam', decidedAt: new Date().toISOString() });
      assert.equal(await store.finishedReportsVersion(), v1, 'a decision changes no fingerprint');
      await store.submitReport(newReport('campaign-1', 'carla'));
      const v2 = await store.finishedReportsVersion();
      assert.notEqual(v2, v1, 'a new reporter of a finished report');
      await store.claimReport(queued);
      await store.finishReport(queued, { report: reports[0]!, preview: null });
      assert.notEqual(await store.finishedReportsVersion(), v2, 'a newly finished report');
    });
  });
}

const fingerprintsByEngine = new Map<Engine, Fingerprint[]>();
const byId = (fps: readonly Fingerprint[]) => [...fps].sort((a, b) => a.id.localeCompare(b.id));

let analysed: Promise<Report[]> | undefined;
/** Two variants of one lure and a legitimate invoice, analysed once for both engines. */
function campaignReports() {
  analysed ??= Promise.all(
    [
      qakbotLure({ to: { name: 'Anna', address: 'anna@corp.example' }, messageId: '<v1@hoffmann-logistik.example>' }),
      qakbotLure({ to: { name: 'Ben', address: 'ben@corp.example' }, password: 'Inv5120', url: 'http://cheapfurniture-outlet.example/docs/Invoice_5120.zip', messageId: '<v2@hoffmann-logistik.example>' }),
      invoiceNotice(),
    ].map((mail, i) => analyze({ name: `mail-${i}.eml`, data: bytes(mail) }, defaultConfig())),
  );
  return analysed;
}

test('campaign fingerprints are the same on SQLite and PostgreSQL', () => {
  const strip = (fps: readonly Fingerprint[] | undefined) => (fps ?? []).map(({ id: _id, receivedAt: _at, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const sqlite = strip(fingerprintsByEngine.get('sqlite'));
  assert.equal(sqlite.length, 3);
  assert.deepEqual(strip(fingerprintsByEngine.get('postgres')), sqlite);
});

test('identity: the forwarded original decides, not the wrapper; without Message-ID the bytes do', async () => {
  const original = rfc822({ from: 'x@evil.example', subject: 'Pay', messageId: '<m1@evil.example>' });
  const direct = await reportIdentity(Buffer.from(original));
  const wrappedA = await reportIdentity(Buffer.from(reportWrapper('Anna <anna@corp.example>', original)));
  const wrappedB = await reportIdentity(Buffer.from(reportWrapper('Ben <ben@corp.example>', original, 'different note')));
  assert.equal(wrappedA.identity, direct.identity);
  assert.equal(wrappedB.identity, direct.identity);
  assert.equal(direct.subject, 'Pay');
  const forged = await reportIdentity(Buffer.from(rfc822({ from: 'y@other.example', subject: 'Other', messageId: '<m1@evil.example>' })));
  assert.notEqual(forged.identity, direct.identity, 'a reused Message-ID with another sender and subject is another mail');
  const noId = await reportIdentity(Buffer.from(rfc822({ subject: 'no id', messageId: null })));
  assert.match(noId.identity, /^sha256:[0-9a-f]{64}$/);
  const garbage = await reportIdentity(new Uint8Array([0, 1, 2, 255, 254]));
  assert.match(garbage.identity, /^sha256:/);
  const msg = await reportIdentity(outlookMsg({ subject: 'Pay', senderEmail: 'x@evil.example', headers: 'Message-ID: <m1@evil.example>\r\n' }));
  assert.equal(msg.identity, direct.identity, 'the .msg and the .eml of one message are one report');
});

test('samples are stored under their sha256, complete, once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tacklebox-samples-'));
  try {
    const samples = new SampleStore(dir);
    const data = Buffer.from('raw email bytes');
    const a = await samples.put(data);
    const b = await samples.put(data);
    assert.deepEqual(a, b);
    assert.equal(a.sha256, createHash('sha256').update(data).digest('hex'));
    assert.equal(a.size, data.length);
    assert.equal(samples.pathOf(a.sha256), join(dir, a.sha256.slice(0, 2), a.sha256));
    assert.deepEqual(await readFile(samples.pathOf(a.sha256)), data);
    assert.throws(() => samples.pathOf('../../etc/passwd'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('reported HTML is disarmed: no script, refresh, base, handler or live reference survives', () => {
  const out = inertHtml(
    '<meta http-equiv="refresh" content="0;url=http://x.example"><base href="http://x.example/"><script>alert(1)</script>' +
      '<img/src="http://x.example/p.gif" onerror=alert(1) onload=alert(2)><a href="http://x.example">go</a>' +
      '<form action="http://x.example"><button formaction="http://x.example">b</button></form>' +
      '<div style="background:url(http://x.example/bg)">text</div><style>@import "http://x.example/s.css";</style><SCRIPT src=x></SCRIPT>',
  );
  assert.doesNotMatch(out, /<script|<meta|<base/i);
  assert.doesNotMatch(out, /[\s/"'](on[a-z]+|href|src|action|formaction)\s*=/i);
  assert.doesNotMatch(out, /[^-]url\(|@import/i);
  assert.match(out, /text/);
});
