// The service's parts without HTTP: the SQLite store (migrations, atomic dedupe, resume), report identity,
// the content-addressed sample store, and the disarming of reported HTML.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inertHtml } from '../src/service/analysis/preview.ts';
import { reportIdentity } from '../src/service/identity.ts';
import { SampleStore } from '../src/service/samples.ts';
import { SqliteStore } from '../src/service/store/sqlite.ts';
import type { NewReport } from '../src/service/store/types.ts';
import { outlookMsg } from './generators/msg.ts';
import { reportWrapper, rfc822 } from './helpers/service.ts';

async function withStore(run: (store: SqliteStore, dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'tacklebox-store-'));
  const store = new SqliteStore(join(dir, 'db.sqlite'));
  try {
    await store.migrate();
    await run(store, dir);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const sample = { sha256: 'a'.repeat(64), size: 10, name: 'r.eml', contentType: 'message/rfc822' };
const newReport = (identity: string, reporter: string, userId: number | null = null): NewReport => ({
  identity,
  sample,
  subject: 's',
  reporter: { name: reporter, email: `${reporter}@corp.example`, userId, via: 'api' },
});

test('migrations run once and are recorded; the database is in WAL mode', async () => {
  await withStore(async (store) => {
    await store.migrate(); // a second start changes nothing
    const versions = store.db.prepare('SELECT version FROM schema_migrations').all();
    assert.deepEqual(versions, [{ version: 1 }]);
    assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  });
});

test('one identity is one report; each person is listed once however often they report it', async () => {
  await withStore(async (store) => {
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

test('claiming: a queued report is claimed once; resume puts cut-short analyses back in the queue', async () => {
  await withStore(async (store) => {
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

test('the feedback outbox holds one message per report and address', async () => {
  await withStore(async (store) => {
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
