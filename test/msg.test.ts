// The msg analyzer on Outlook items built with test/generators/msg.ts: non-ASCII names, HTML kept only in
// the RTF body, recipients, attachments, an item attached to an item (report wrapper), and hostile
// compound files that would make the reader loop.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../src/analyze.ts';
import { analyzers } from '../src/analyzers/index.ts';
import { rtfToHtml } from '../src/analyzers/mail/rtf-html.ts';
import { defaultConfig } from '../src/config.ts';
import type { Report } from '../src/verdict/report.ts';
import { encapsulateHtml, outlookMsg, type MsgSpec } from './generators/msg.ts';

const lure: MsgSpec = {
  subject: 'Rechnung Nr. 4411 – Zahlungserinnerung',
  senderName: 'Jürgen Müller',
  senderEmail: 'j.mueller@lieferant-gmbh.example',
  headers: [
    'Received: from mail.lieferant-gmbh.example (mail.lieferant-gmbh.example [198.51.100.23]) by mx.corp.example; Tue, 14 Mar 2023 09:12:44 +0100',
    'From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <j.mueller@lieferant-gmbh.example>',
    'Reply-To: zahlung@andere-firma.example',
    'To: Zoë Carter <zoe@corp.example>',
    'Subject: Rechnung',
    'Message-ID: <4411@lieferant-gmbh.example>',
    '',
  ].join('\r\n'),
  body: 'Sehr geehrte Damen und Herren, anbei die Rechnung.',
  rtfHtml: '<html><body><p>Grüße aus Köln – <a href="http://rechnung-4411.bad.example/doc.zip">Rechnung öffnen</a></p><p>Passwort: 4411</p></body></html>',
  recipients: [
    { name: 'Zoë Carter', email: 'zoe@corp.example' },
    { name: 'Åsa Berg', email: 'asa@corp.example', type: 'cc' },
  ],
  attachments: [{ name: 'Übersicht März.txt', data: new TextEncoder().encode('Positionen: 3'), mimeType: 'text/plain' }],
};

async function run(name: string, data: Uint8Array, analyzerTimeMs?: number): Promise<Report> {
  const config = defaultConfig();
  if (analyzerTimeMs) config.limits.analyzerTimeMs = analyzerTimeMs;
  return analyze({ name, data }, config);
}

test('an Outlook lure: sender, recipients, transport headers, non-ASCII names and attachments', async () => {
  const r = await run('lure.msg', outlookMsg(lure));
  assert.equal(r.input.kind, 'msg');
  assert.equal(r.email.subject, 'Rechnung Nr. 4411 – Zahlungserinnerung');
  assert.equal(r.email.from, 'j.mueller@lieferant-gmbh.example');
  assert.deepEqual(r.email.to, ['zoe@corp.example']);
  const root = r.artifacts[0]!;
  assert.equal(root.facts?.from, 'Jürgen Müller <j.mueller@lieferant-gmbh.example>');
  assert.deepEqual(root.facts?.cc, ['Åsa Berg <asa@corp.example>']);
  assert.equal(root.facts?.originatingIp, '198.51.100.23');
  assert.ok(r.findings.some((f) => f.id === 'email.header.reply-to-mismatch'), 'headers from PR_TRANSPORT_MESSAGE_HEADERS are judged');
  const att = r.artifacts.find((a) => a.relation === 'attachment');
  assert.equal(att?.name, 'Übersicht März.txt');
  assert.equal(r.summary.split(' → ')[0], 'Outlook message');
});

test('HTML that survives only inside the compressed RTF body is recovered', async () => {
  const r = await run('lure.msg', outlookMsg(lure));
  const html = r.artifacts.find((a) => a.name === 'body.html');
  assert.equal(html?.kind, 'html');
  if (analyzers.some((a) => a.name === 'html')) {
    assert.ok(r.artifacts.some((a) => a.kind === 'url' && a.name === 'http://rechnung-4411.bad.example/doc.zip'), 'the link in the recovered HTML is found');
    assert.ok(r.passwords.some((p) => p.value === '4411'));
  }
});

test('RTF de-encapsulation gives back the HTML, non-ASCII included', () => {
  const html = '<html><body><p>Grüße – {curly} \\ back</p><a href="http://x.example/a?b=1&amp;c">x</a></body></html>';
  const rtf = new Uint8Array(Buffer.from(encapsulateHtml(html), 'latin1'));
  assert.equal(rtfToHtml(rtf), html);
});

test('an Outlook item attached to an Outlook item: the wrapper reports, the inner one is judged', async () => {
  const report = outlookMsg({
    subject: 'FW: komische Rechnung',
    senderName: 'Zoë Carter',
    senderEmail: 'zoe@corp.example',
    body: 'Ist das Phishing?',
    recipients: [{ name: 'SOC', email: 'soc@corp.example' }],
    attachments: [{ name: 'Rechnung Nr. 4411.msg', msg: lure }],
  });
  const r = await run('report.msg', report);
  assert.equal(r.artifacts[0]!.facts?.wrapper, true);
  assert.equal(r.email.reporter, 'zoe@corp.example');
  assert.equal(r.email.subject, 'Rechnung Nr. 4411 – Zahlungserinnerung');
  const inner = r.artifacts.find((a) => a.relation === 'forwarded');
  assert.equal(inner?.kind, 'msg');
  assert.equal(inner?.name, 'Rechnung Nr. 4411.msg');
  assert.ok(!r.findings.some((f) => f.artifact === 'a1'));
});

test('an .eml attached to an Outlook item is forwarded to the email analyzer', async () => {
  const eml = new TextEncoder().encode('From: Sender <s@out.example>\r\nTo: zoe@corp.example\r\nSubject: inner eml\r\n\r\nhello\r\n');
  const r = await run('wrap.msg', outlookMsg({ subject: 'FW: inner eml', senderEmail: 'zoe@corp.example', body: 'see attached', attachments: [{ name: 'inner.eml', data: eml, mimeType: 'message/rfc822' }] }));
  const inner = r.artifacts.find((a) => a.relation === 'forwarded');
  assert.equal(inner?.kind, 'email');
  assert.equal(r.email.subject, 'inner eml');
});

test('a compound file whose sector chain loops is stopped at the time limit; the reader worker is ended', async () => {
  const data = outlookMsg(lure);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const dirStart = view.getUint32(0x30, true);
  const fatSector = view.getUint32(0x4c, true);
  view.setUint32((fatSector + 1) * 512 + dirStart * 4, dirStart, true); // the directory chain points at itself
  const r = await run('loop.msg', data, 3000);
  // Depending on where the loop bites, the reader runs out of memory (unparseable) or of time (the limit).
  assert.ok(r.findings.some((f) => f.id === 'email.msg.unparseable' || f.id === 'limit.analyzerTimeMs'), JSON.stringify(r.findings));
});

test('truncated and random compound files give findings, not crashes', async () => {
  const full = outlookMsg(lure);
  for (const data of [full.subarray(0, 600), full.subarray(0, full.length / 2), new Uint8Array(2048).fill(0x41)]) {
    const r = await run('bad.msg', data, 3000);
    assert.equal(r.schema, 'tacklebox.report/1');
    assert.deepEqual(r.errors.filter((e) => e.analyzer === 'msg' && !/attachment/.test(e.message)), []);
  }
});
