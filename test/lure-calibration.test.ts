// Calibration of the body and link findings against whole messages: a Qakbot-style lure must reach
// "suspicious" on what the body and its link say alone (no fetching), and legitimate mail must stay benign.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../src/analyze.ts';
import { defaultConfig } from '../src/config.ts';
import type { Report } from '../src/verdict/report.ts';
import { bounce, bytes, calendarInvite, htmlOnlyLure, invoiceNotice, newsletter, qakbotLure, reportWrapper } from './generators/email.ts';

const SUSPICIOUS = 300;

async function report(name: string, mail: string, ownDomains: string[] = []): Promise<Report> {
  const config = defaultConfig();
  config.ownDomains = ownDomains;
  return analyze({ name, data: bytes(mail) }, config);
}

const ids = (r: Report) => new Set(r.findings.map((f) => f.id));

/** A plain-text message with the usual headers, for variants the shared generator does not build. */
function plainMail(subject: string, body: string[]): string {
  return [
    'Received: from mta.sender.example (mta.sender.example [203.0.113.50]) by mx1.corp.example with ESMTPS; Tue, 14 Mar 2023 09:00:00 +0000',
    'From: "Sender" <someone@sender.example>',
    'To: sam.carter@corp.example',
    `Subject: ${subject}`,
    'Date: Tue, 14 Mar 2023 09:00:00 +0000',
    'Message-ID: <m-1@sender.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...body,
    '',
  ].join('\r\n');
}

test('Qakbot-style lure (invoice, link to a ZIP, password in the body) is suspicious without fetching', async () => {
  const r = await report('lure.eml', qakbotLure({ password: 'Tq-5521' }));
  assert.ok(r.score >= SUSPICIOUS, `score ${r.score}`);
  for (const id of ['email.lure.invoice', 'email.password-in-body', 'url.download.archive']) assert.ok(ids(r).has(id), id);
  assert.deepEqual(r.passwords.map((p) => [p.value, p.source]), [['Tq-5521', "email body after 'Password:'"]]);
  assert.ok(r.artifacts.some((a) => a.relation === 'link' && a.kind === 'url' && a.name.endsWith('.zip')));
});

test('the HTML-only lure (password in a table cell) and the lure forwarded by an employee are suspicious too', async () => {
  for (const [name, mail] of [
    ['html-lure.eml', htmlOnlyLure({ password: 'Zr-1180' })],
    ['reported.eml', reportWrapper(qakbotLure({ password: 'Zr-1180' }))],
  ] as const) {
    const r = await report(name, mail);
    assert.ok(r.score >= SUSPICIOUS, `${name}: score ${r.score}`);
    assert.ok(ids(r).has('email.password-in-body'), name);
    assert.ok(r.passwords.some((p) => p.value === 'Zr-1180'), name);
  }
});

test('the same lure in German, French and Spanish', async () => {
  const bodies: [string, string[]][] = [
    ['Rechnung 4411', ['Guten Tag,', 'anbei die offene Rechnung: https://shop-moebel.example/wp/Rechnung_4411.zip', 'Passwort: RE4411', 'Mit freundlichen Grüßen']],
    ['Facture 4411', ['Bonjour,', 'veuillez trouver la facture impayée ici : https://shop-meubles.example/wp/Facture_4411.zip', 'Mot de passe : FA4411', 'Cordialement']],
    ['Factura 4411', ['Hola,', 'le enviamos la factura pendiente: https://tienda.example/wp/Factura_4411.zip', 'Contraseña: FC4411', 'Saludos']],
  ];
  for (const [subject, body] of bodies) {
    const r = await report(`${subject}.eml`, plainMail(subject, body));
    assert.ok(r.score >= SUSPICIOUS, `${subject}: score ${r.score}`);
    assert.ok(ids(r).has('email.lure.invoice') && ids(r).has('email.password-in-body'), subject);
  }
});

test('legitimate mail stays benign: invoice notice, newsletter with 30 links, bounce, calendar invite', async () => {
  for (const [name, mail] of [
    ['invoice.eml', invoiceNotice()],
    ['newsletter.eml', newsletter(30)],
    ['bounce.eml', bounce()],
    ['invite.eml', calendarInvite()],
  ] as const) {
    const r = await report(name, mail, ['corp.example']);
    assert.ok(r.score < SUSPICIOUS, `${name}: score ${r.score} (${r.findings.map((f) => f.id).join(', ')})`);
    assert.equal(r.verdict, 'benign', name);
    assert.ok(!ids(r).has('email.password-in-body'), name);
  }
  const news = await report('newsletter.eml', newsletter(30));
  assert.ok(news.artifacts.filter((a) => a.kind === 'url').length >= 30, 'every newsletter link is an artifact');
});

test('legitimate account and meeting mail that mentions passwords stays benign', async () => {
  const reset = plainMail('Your password was changed', [
    'Hi Sam,',
    'the password for your account was changed on 14 March.',
    'If this was not you, reset your password at https://account.sender.example/reset and contact the help desk.',
    'We will never ask for your password by email.',
  ]);
  const meeting = plainMail('Weekly sync', [
    'Join Zoom Meeting',
    'https://zoom.us/j/81234567890?pwd=QkVzT2lBc1pXZz09',
    'Meeting ID: 812 3456 7890',
    'Passcode: 482913',
    'Meeting password: 482913',
  ]);
  for (const [name, mail] of [['reset.eml', reset], ['meeting.eml', meeting]] as const) {
    const r = await report(name, mail);
    assert.equal(r.verdict, 'benign', `${name}: ${r.score} (${r.findings.map((f) => f.id).join(', ')})`);
    assert.ok(!ids(r).has('email.password-in-body'), name);
  }
});
