// Mailbox intake against a real Dovecot on 127.0.0.1: each attached message (or the message itself when
// nothing is attached) becomes a report, reporters map to users by address, processed mail is flagged and
// moved to the done folder, and reading a message twice (a crash between commit and move) merges, not doubles.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { PROCESSED_FLAG } from '../src/service/mailbox.ts';
import { outlookMsg } from './generators/msg.ts';
import { startDovecot, type Dovecot } from './helpers/dovecot.ts';
import { call, reportWrapper, rfc822, startTestService, waitFor, type TestService } from './helpers/service.ts';

let dovecot: Dovecot;
let svc: TestService;
let imap: ImapFlow;

before(async () => {
  dovecot = await startDovecot();
  svc = await startTestService({ mailbox: { url: dovecot.url('INBOX'), doneFolder: 'Reported', intervalMs: 3_600_000 } });
  imap = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
  await imap.connect();
});
after(async () => {
  await imap?.logout().catch(() => {});
  await svc?.stop();
  await dovecot?.stop();
});

async function uidsIn(mailbox: string): Promise<{ uid: number; flags: Set<string> }[]> {
  const lock = await imap.getMailboxLock(mailbox);
  try {
    const out: { uid: number; flags: Set<string> }[] = [];
    for await (const m of imap.fetch('1:*', { uid: true, flags: true })) out.push({ uid: m.uid, flags: m.flags ?? new Set() });
    return out;
  } finally {
    lock.release();
  }
}

test('reports in the mailbox become reports; processed mail is flagged and moved, never lost', { timeout: 60_000 }, async () => {
  const analyst = await svc.addUser('sam', 'analyst');
  const anna = await svc.addUser('anna', 'reporter', 'anna@corp.example');
  const phishA = rfc822({ from: 'HR <hr@payroll-update.example>', subject: 'Update your payroll details', messageId: '<pay-1@payroll-update.example>', text: 'Log in today.' });
  const phishB = rfc822({ from: 'DHL <track@dhl-parcel.example>', subject: 'Parcel on hold', messageId: '<dhl-9@dhl-parcel.example>', text: 'Pay the fee.' });
  const phishC = rfc822({ from: 'Bank <alert@bank-secure.example>', subject: 'Account locked', messageId: '<bank-3@bank-secure.example>', text: 'Verify now.' });
  await imap.append('INBOX', reportWrapper('Anna <anna@corp.example>', phishA));
  // one wrapper carrying two suspicious mails
  await imap.append(
    'INBOX',
    rfc822({ from: 'Carl <carl@corp.example>', to: 'phishing@corp.example', subject: 'two more', text: 'both weird', forwarded: [phishB, phishC] }),
  );
  // Outlook's "forward as attachment" from a desktop client: a .msg
  const msg = outlookMsg({ subject: 'Voicemail received', senderName: 'Voice', senderEmail: 'vm@voice-msg.example', body: 'Listen to your voicemail.', headers: 'Message-ID: <vm-1@voice-msg.example>\r\n' });
  await imap.append('INBOX', rfc822({ from: 'Anna <anna@corp.example>', subject: 'FW: Voicemail', text: 'see attached', attachments: [{ filename: 'Voicemail received.msg', contentType: 'application/vnd.ms-outlook', data: msg }] }));
  // forwarded inline: the message itself is the report
  await imap.append('INBOX', rfc822({ from: 'Dora <dora@corp.example>', subject: 'FW: Gift card request', messageId: '<fw-1@corp.example>', text: '---- Forwarded ---- buy gift cards' }));

  await svc.mailbox!.poll(); // the service's own first pass may have taken some already
  assert.deepEqual(await uidsIn('INBOX'), [], 'the inbox is emptied');
  const done = await uidsIn('Reported');
  assert.equal(done.length, 4, 'every processed message is kept in the done folder');
  assert.ok(done.every((m) => m.flags.has(PROCESSED_FLAG) && m.flags.has('\\Seen')));

  const { json } = await call(svc.url, 'GET', '/api/reports', { token: analyst });
  const bySubject = new Map<string, { id: string; reporters: { name: string; email: string; via: string; userId: number | null }[] }>(
    json.reports.map((r: { subject: string }) => [r.subject, r]),
  );
  assert.deepEqual([...bySubject.keys()].sort(), ['Account locked', 'FW: Gift card request', 'Parcel on hold', 'Update your payroll details', 'Voicemail received']);
  const payroll = bySubject.get('Update your payroll details')!;
  assert.equal(payroll.reporters[0]!.name, 'anna', 'a known address is mapped to its user');
  assert.equal(payroll.reporters[0]!.via, 'mailbox');
  assert.equal((await call(svc.url, 'GET', `/api/reports/${payroll.id}`, { token: anna })).status, 200, 'anna sees her mailbox report');
  assert.equal(bySubject.get('Parcel on hold')!.reporters[0]!.email, 'carl@corp.example');
  for (const r of bySubject.values()) assert.equal((await waitFor(svc.url, analyst, r.id)).json.status, 'done');

  // The same report read again (as after a crash between commit and move) merges into the same report.
  await imap.append('INBOX', reportWrapper('Anna <anna@corp.example>', phishA));
  assert.equal(await svc.mailbox!.poll(), 1);
  const again = await call(svc.url, 'GET', '/api/reports', { token: analyst });
  assert.equal(again.json.reports.length, 5);
  assert.equal(await svc.mailbox!.poll(), 0, 'nothing left to process');
});
