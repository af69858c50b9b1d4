// The service's HTTP contract, end to end: statuses, auth and roles, dedupe of one original reported by
// many, the raw sample as a ZIP with password "infected", decisions, multipart and Outlook uploads.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { outlookMsg } from './generators/msg.ts';
import { call, reportWrapper, rfc822, startTestService, submitEmail, waitFor, type TestService } from './helpers/service.ts';

let svc: TestService;
let base: string;
let analyst: string;
let admin: string;
let anna: string;
let ben: string;

before(async () => {
  svc = await startTestService();
  base = svc.url;
  analyst = await svc.addUser('sam', 'analyst');
  admin = await svc.addUser('root', 'admin');
  anna = await svc.addUser('anna', 'reporter', 'anna@corp.example');
  ben = await svc.addUser('ben', 'reporter', 'ben@corp.example');
});
after(() => svc.stop());

const lure = rfc822({
  from: 'Accounts <billing@invoices-portal.example>',
  subject: 'Invoice 4411 past due',
  messageId: '<inv-4411@invoices-portal.example>',
  text: 'Your invoice is past due. Download: https://invoices-portal.example/d/inv4411.zip Password: 4411',
});

test('every API route needs a token: 401 without one, 401 with a wrong one', async () => {
  for (const [method, path] of [
    ['GET', '/api/reports'],
    ['POST', '/api/reports'],
    ['GET', '/api/reports/rx'],
    ['GET', '/api/reports/rx/raw'],
    ['POST', '/api/reports/rx/decision'],
    ['GET', '/api/users'],
  ] as const) {
    assert.equal((await call(base, method, path)).status, 401, `${method} ${path} without a token`);
    assert.equal((await call(base, method, path, { token: 'tbx_wrong' })).status, 401, `${method} ${path} with a wrong token`);
  }
  assert.equal((await call(base, 'GET', '/api/reports', { headers: { authorization: 'Basic YTpi' } })).status, 401);
  // an encoded path reaches the same route and the same check
  assert.equal((await call(base, 'GET', '/%61pi/reports')).status, 401);
  assert.equal((await call(base, 'GET', '/%61pi/users', { token: anna })).status, 403);
});

test('a raw email is accepted with 202 and an id, then analysed to done with a tacklebox.report/1', async () => {
  const res = await submitEmail(base, anna, lure);
  assert.equal(res.status, 202);
  assert.match(res.json.id, /^r[0-9a-z]+$/);
  const done = await waitFor(base, anna, res.json.id);
  assert.equal(done.json.status, 'done');
  assert.equal(done.json.report.schema, 'tacklebox.report/1');
  assert.equal(done.json.report.input.kind, 'email');
  assert.ok(['malicious', 'suspicious', 'benign'].includes(done.json.report.verdict));
  assert.equal(done.json.subject, 'Invoice 4411 past due');
  assert.deepEqual(done.json.reporters.map((r: { name: string }) => r.name), ['anna']);
});

test('the same original reported by many users is analysed once and shows every reporter', async () => {
  const original = rfc822({ from: 'IT Support <it@helpdesk-secure.example>', subject: 'Mailbox quota exceeded', messageId: '<quota-77@helpdesk-secure.example>', text: 'Click to keep your mailbox.' });
  const first = await submitEmail(base, anna, reportWrapper('Anna <anna@corp.example>', original));
  const second = await submitEmail(base, ben, reportWrapper('Ben <ben@corp.example>', original, 'is this real?'));
  const third = await submitEmail(base, ben, original); // Ben again, this time the original itself
  assert.equal(first.status, 202);
  assert.equal(second.json.id, first.json.id);
  assert.equal(third.json.id, first.json.id);
  assert.equal(first.json.duplicate, false);
  assert.equal(second.json.duplicate, true);
  const done = await waitFor(base, analyst, first.json.id);
  assert.equal(done.json.attempts, 1, 'analysed once');
  assert.deepEqual(done.json.reporters.map((r: { name: string }) => r.name).sort(), ['anna', 'ben']);
  const list = await call(base, 'GET', '/api/reports', { token: analyst });
  assert.equal(list.json.reports.filter((r: { subject: string }) => r.subject === 'Mailbox quota exceeded').length, 1);
});

test('different mails are not merged: same subject, different Message-ID', async () => {
  const a = await submitEmail(base, anna, rfc822({ subject: 'Lunch', messageId: '<l1@corp.example>', text: 'pizza?' }));
  const b = await submitEmail(base, anna, rfc822({ subject: 'Lunch', messageId: '<l2@corp.example>', text: 'pizza?' }));
  assert.notEqual(a.json.id, b.json.id);
});

test('reporters see only their own reports and only themselves among the reporters', async () => {
  const mine = await submitEmail(base, ben, rfc822({ subject: 'Only Ben saw this', messageId: '<ben-only@x.example>' }));
  const shared = await submitEmail(base, anna, rfc822({ subject: 'Shared', messageId: '<shared@x.example>' }));
  await submitEmail(base, ben, rfc822({ subject: 'Shared', messageId: '<shared@x.example>' }));
  const annaList = await call(base, 'GET', '/api/reports', { token: anna });
  assert.ok(!annaList.json.reports.some((r: { id: string }) => r.id === mine.json.id));
  assert.equal((await call(base, 'GET', `/api/reports/${mine.json.id}`, { token: anna })).status, 404);
  const seen = await call(base, 'GET', `/api/reports/${shared.json.id}`, { token: anna });
  assert.deepEqual(seen.json.reporters.map((r: { name: string }) => r.name), ['anna']);
  const all = await call(base, 'GET', `/api/reports/${shared.json.id}`, { token: analyst });
  assert.deepEqual(all.json.reporters.map((r: { name: string }) => r.name).sort(), ['anna', 'ben']);
});

test('roles: reporters cannot download raw samples, decide or manage users (403)', async () => {
  const { json } = await submitEmail(base, anna, rfc822({ subject: 'role test', messageId: '<role@x.example>' }));
  assert.equal((await call(base, 'GET', `/api/reports/${json.id}/raw`, { token: anna })).status, 403);
  assert.equal((await call(base, 'POST', `/api/reports/${json.id}/decision`, { token: anna, json: { verdict: 'benign' } })).status, 403);
  assert.equal((await call(base, 'GET', '/api/users', { token: anna })).status, 403);
  assert.equal((await call(base, 'GET', '/api/users', { token: analyst })).status, 403);
  assert.equal((await call(base, 'GET', '/api/users', { token: admin })).status, 200);
  assert.equal((await call(base, 'GET', '/api/stats', { token: anna })).status, 403);
});

test('the raw sample comes back as a ZIP that opens with the password "infected" and holds the exact bytes', async () => {
  const raw = rfc822({ subject: 'raw please', messageId: '<raw@x.example>', text: 'exact bytes ✓' });
  const { json } = await submitEmail(base, anna, raw);
  const res = await call(base, 'GET', `/api/reports/${json.id}/raw`, { token: analyst });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/zip');
  const reader = new ZipReader(new Uint8ArrayReader(res.body));
  const [entry] = await reader.getEntries();
  assert.ok(entry && !entry.directory);
  assert.equal(entry.encrypted, true);
  await assert.rejects(() => entry.getData!(new Uint8ArrayWriter(), { password: 'wrong' }));
  const data = await entry.getData!(new Uint8ArrayWriter(), { password: 'infected' });
  assert.equal(Buffer.from(data).toString(), raw);
  await reader.close();
});

test('an analyst decision is stored with who made it; bad verdicts are refused', async () => {
  const { json } = await submitEmail(base, anna, lure.replace('inv-4411', 'inv-4412'));
  await waitFor(base, analyst, json.id);
  assert.equal((await call(base, 'POST', `/api/reports/${json.id}/decision`, { token: analyst, json: { verdict: 'evil' } })).status, 400);
  const res = await call(base, 'POST', `/api/reports/${json.id}/decision`, { token: analyst, json: { verdict: 'malicious', note: 'Qakbot lure' } });
  assert.equal(res.status, 200);
  const r = await call(base, 'GET', `/api/reports/${json.id}`, { token: analyst });
  assert.equal(r.json.decision.verdict, 'malicious');
  assert.equal(r.json.decision.analyst, 'sam');
  assert.equal(r.json.decision.note, 'Qakbot lure');
  assert.equal(r.json.decision.final, true);
  const decided = await call(base, 'GET', '/api/reports?verdict=malicious', { token: analyst });
  assert.ok(decided.json.reports.some((x: { id: string }) => x.id === json.id), 'the verdict filter follows the decision');
  assert.equal((await call(base, 'POST', '/api/reports/rnothere/decision', { token: analyst, json: { verdict: 'benign' } })).status, 404);
});

test('an analyst can have a finished report analysed again from its stored sample', async () => {
  const { json } = await submitEmail(base, anna, rfc822({ subject: 'again', messageId: '<again@x.example>' }));
  const first = await waitFor(base, analyst, json.id);
  assert.equal((await call(base, 'POST', `/api/reports/${json.id}/reanalyse`, { token: anna })).status, 403);
  const res = await call(base, 'POST', `/api/reports/${json.id}/reanalyse`, { token: analyst });
  assert.equal(res.status, 202);
  const second = await waitFor(base, analyst, json.id);
  assert.equal(second.json.status, 'done');
  assert.equal(second.json.report.input.sha256, first.json.report.input.sha256);
  assert.equal(second.json.report.verdict, first.json.report.verdict, 'the same bytes and configuration give the same verdict');
  assert.ok(second.json.finishedAt >= first.json.finishedAt);
});

test('list filters by status and verdict; unknown filter values are a 400', async () => {
  const { json } = await submitEmail(base, anna, rfc822({ subject: 'filter me', messageId: '<filter@x.example>' }));
  const done = await waitFor(base, analyst, json.id);
  const byStatus = await call(base, 'GET', '/api/reports?status=done', { token: analyst });
  assert.ok(byStatus.json.reports.every((r: { status: string }) => r.status === 'done'));
  assert.ok(byStatus.json.reports.some((r: { id: string }) => r.id === json.id));
  const verdict = done.json.report.verdict;
  const byVerdict = await call(base, 'GET', `/api/reports?verdict=${verdict}`, { token: analyst });
  assert.ok(byVerdict.json.reports.some((r: { id: string }) => r.id === json.id));
  assert.ok(byVerdict.json.reports.every((r: { verdict: string }) => r.verdict === verdict));
  assert.equal((await call(base, 'GET', '/api/reports?status=lost', { token: analyst })).status, 400);
  assert.equal((await call(base, 'GET', '/api/reports?verdict=evil', { token: analyst })).status, 400);
});

test('multipart upload: each file is a report; an Outlook .msg is accepted as application/vnd.ms-outlook', async () => {
  const form = new FormData();
  form.append('file', new Blob([rfc822({ subject: 'upload one', messageId: '<u1@x.example>' })]), 'one.eml');
  form.append('file', new Blob([rfc822({ subject: 'upload two', messageId: '<u2@x.example>' })]), 'two.eml');
  const res = await call(base, 'POST', '/api/reports', { token: anna, body: form });
  assert.equal(res.status, 202);
  assert.equal(res.json.reports.length, 2);
  const names = [];
  for (const r of res.json.reports) names.push((await waitFor(base, anna, r.id)).json.sample.name);
  assert.deepEqual(names.sort(), ['one.eml', 'two.eml']);

  const msgBytes = outlookMsg({
    subject: 'Outlook says: shared document',
    senderName: 'Docs',
    senderEmail: 'share@docs-portal.example',
    headers: 'Message-ID: <msg-1@docs-portal.example>\r\nSubject: Outlook says: shared document\r\n',
    body: 'Open the shared document.',
  });
  const msg = await call(base, 'POST', '/api/reports', { token: anna, body: Buffer.from(msgBytes), type: 'application/vnd.ms-outlook' });
  assert.equal(msg.status, 202);
  const stored = await waitFor(base, anna, msg.json.id);
  assert.equal(stored.json.status, 'done');
  assert.equal(stored.json.sample.contentType, 'application/vnd.ms-outlook');
  assert.equal(stored.json.subject, 'Outlook says: shared document');
  assert.equal(stored.json.report.input.kind, 'msg');
  assert.equal(stored.json.preview.subject, 'Outlook says: shared document');
  const again = await call(base, 'POST', '/api/reports', { token: ben, body: Buffer.from(msgBytes), type: 'application/vnd.ms-outlook' });
  assert.equal(again.json.id, msg.json.id, 'the same .msg from another reporter is merged');
});

test('bad submissions: empty body 400, wrong content type 415', async () => {
  assert.equal((await call(base, 'POST', '/api/reports', { token: anna, body: '', type: 'message/rfc822' })).status, 400);
  assert.equal((await call(base, 'POST', '/api/reports', { token: anna, json: { email: 'x' } })).status, 415);
});

test('admins add users over the API; the new token works; reporters cannot', async () => {
  const res = await call(base, 'POST', '/api/users', { token: admin, json: { name: 'cara', role: 'reporter', email: 'cara@corp.example' } });
  assert.equal(res.status, 201);
  assert.equal((await call(base, 'GET', '/api/reports', { token: res.json.token })).status, 200);
  assert.equal((await call(base, 'POST', '/api/users', { token: admin, json: { name: 'cara', role: 'reporter' } })).status, 409);
  assert.equal((await call(base, 'POST', '/api/users', { token: admin, json: { name: 'dan', role: 'overlord' } })).status, 400);
  assert.equal((await call(base, 'DELETE', '/api/users/cara', { token: admin })).status, 200);
  assert.equal((await call(base, 'GET', '/api/reports', { token: res.json.token })).status, 401);
});

test('UI sessions: login sets an HttpOnly SameSite cookie; changes without the CSRF header are refused', async () => {
  assert.equal((await call(base, 'POST', '/api/session', { json: { name: 'sam', token: 'tbx_nope' } })).status, 401);
  assert.equal((await call(base, 'POST', '/api/session', { json: { name: 'anna', token: analyst } })).status, 401, 'name must match the token');
  const login = await call(base, 'POST', '/api/session', { json: { name: 'sam', token: analyst } });
  assert.equal(login.status, 200);
  const setCookie = login.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /HttpOnly/i);
  assert.match(setCookie, /SameSite=Strict/i);
  const cookie = setCookie.split(';')[0]!;
  const csrf = login.json.csrf as string;
  assert.equal((await call(base, 'GET', '/api/reports', { headers: { cookie } })).status, 200);
  const email = rfc822({ subject: 'via session', messageId: '<sess@x.example>' });
  const noCsrf = await call(base, 'POST', '/api/reports', { headers: { cookie }, body: email, type: 'message/rfc822' });
  assert.equal(noCsrf.status, 403);
  const wrongCsrf = await call(base, 'POST', '/api/reports', { headers: { cookie, 'x-csrf-token': 'x'.repeat(csrf.length) }, body: email, type: 'message/rfc822' });
  assert.equal(wrongCsrf.status, 403);
  const ok = await call(base, 'POST', '/api/reports', { headers: { cookie, 'x-csrf-token': csrf }, body: email, type: 'message/rfc822' });
  assert.equal(ok.status, 202);
  const r = await call(base, 'GET', `/api/reports/${ok.json.id}`, { headers: { cookie } });
  assert.equal(r.json.reporters[0].via, 'upload');
  assert.equal((await call(base, 'DELETE', '/api/session', { headers: { cookie, 'x-csrf-token': csrf } })).status, 200);
  assert.equal((await call(base, 'GET', '/api/reports', { headers: { cookie } })).status, 401);
});

test('pages carry a strict CSP; the email frame document forbids scripts and loads', async () => {
  const page = await call(base, 'GET', '/');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /unsafe-inline'[^;]*script|script-src[^;]*unsafe/);
  const { json } = await submitEmail(base, anna, rfc822({ subject: 'frame', messageId: '<frame@x.example>', html: '<p>hi<img src="http://tracker.example/p.gif"></p>' }));
  await waitFor(base, anna, json.id);
  const doc = await call(base, 'GET', `/api/reports/${json.id}/email`, { token: anna });
  const csp = doc.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /\bsandbox\b/);
  assert.doesNotMatch(new TextDecoder().decode(doc.body), /\ssrc="http:\/\/tracker/);
});
