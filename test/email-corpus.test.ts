// The email and msg analyzers over every file of the shared conformance corpus (read in place): none may
// crash, and a dozen of them must yield the fields a person reads in the file itself.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../src/analyze.ts';
import { defaultConfig } from '../src/config.ts';
import type { Report } from '../src/verdict/report.ts';

const CORPUS = join(import.meta.dirname, '../../shared/corpora/emails-conformance');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = walk(CORPUS).filter((f) => /\.(eml|msg)$/i.test(f));
const reports = new Map<string, Report>();

async function report(rel: string): Promise<Report> {
  const cached = reports.get(rel);
  if (cached) return cached;
  const path = join(CORPUS, rel);
  const r = await analyze({ name: basename(path), data: readFileSync(path) }, defaultConfig());
  reports.set(rel, r);
  return r;
}

const root = (r: Report) => r.artifacts[0]!;
const childNames = (r: Report, parent = 'a1') => r.artifacts.filter((a) => a.parent === parent).map((a) => a.name);

test('every corpus file is analysed to a report without an analyzer error', async () => {
  assert.ok(files.length >= 75, `found only ${files.length} corpus files`);
  for (const file of files) {
    const rel = file.slice(CORPUS.length + 1);
    const r = await report(rel);
    assert.equal(r.schema, 'tacklebox.report/1', rel);
    const mailErrors = r.errors.filter((e) => e.analyzer === 'email' || e.analyzer === 'msg');
    assert.deepEqual(mailErrors, [], `${rel}: ${JSON.stringify(mailErrors)}`);
    if (rel.endsWith('.eml')) assert.equal(root(r).kind, 'email', `${rel} is read as an email`);
  }
});

test('attachment_pdf.eml: Unicode subject, sender, the PDF attachment', async () => {
  const r = await report('emails/attachment_emails/attachment_pdf.eml');
  assert.equal(r.email.subject, 'Another PDF with 🎉 Unicode chars in it 🍿');
  assert.equal(r.email.from, 'xxxx@xxxx.com');
  assert.deepEqual(r.email.to, ['xxxx@xxxx.com', 'xxxx@xxxx.com']);
  const pdf = r.artifacts.find((a) => a.name === 'broken.pdf');
  assert.equal(pdf?.relation, 'attachment');
});

test('attachment_nonascii_filename.eml: the non-ASCII file name survives', async () => {
  const r = await report('emails/attachment_emails/attachment_nonascii_filename.eml');
  assert.equal(r.email.subject, 'testing');
  assert.ok(childNames(r).includes('ciële.txt'), JSON.stringify(childNames(r)));
});

test('raw_email_with_nested_attachment.eml: attachments inside multipart/signed are extracted', async () => {
  const r = await report('emails/mime_emails/raw_email_with_nested_attachment.eml');
  assert.equal(r.email.subject, 'Testing attachments');
  assert.equal(r.email.from, 'jamis@37signals.com');
  assert.ok(childNames(r).includes('truncated.png'));
  assert.ok(childNames(r).includes('smime.p7s'));
});

test('japanese.eml and utf8_headers.eml: encoded and raw UTF-8 headers decode', async () => {
  const jp = await report('emails/multi_charset/japanese.eml');
  assert.equal(jp.email.subject, 'まみむめも');
  assert.equal(jp.email.from, 'raasdnil@gmail.com');
  const utf8 = await report('emails/rfc6532/utf8_headers.eml');
  assert.equal(utf8.email.subject, 'Säying Hello');
  assert.equal(utf8.email.from, 'jdöe@mächine.example');
});

test('sample.eml: HTML and text bodies become artifacts, the inline image an attachment', async () => {
  const r = await report('sample.eml');
  assert.equal(r.email.subject, 'Winter promotions');
  assert.equal(r.email.from, 'no-reply@example.com');
  const bodies = r.artifacts.filter((a) => a.relation === 'body').map((a) => `${a.name}:${a.kind}`);
  assert.deepEqual(bodies.sort(), ['body.html:html', 'body.txt:text']);
  assert.ok(childNames(r).includes('nodejs.png'));
});

test('encrypted_docx.eml and cc.eml: attachment and recipients', async () => {
  const docx = await report('encrypted_docx.eml');
  assert.equal(docx.email.subject, 'Test');
  assert.ok(childNames(docx).includes('encrypted.docx'));
  const cc = await report('cc.eml');
  assert.deepEqual(cc.email.to, ['foo.bar@example.com', 'info@example.com']);
  assert.deepEqual(root(cc).facts?.cc, ['foo@example.com', 'Bar <bar@example.com>']);
});

test('attachment_message_rfc822.eml: a mail carrying a message is a wrapper; the carried one is judged', async () => {
  const r = await report('emails/attachment_emails/attachment_message_rfc822.eml');
  assert.equal(root(r).facts?.wrapper, true);
  assert.equal(r.email.reporter, 'foo@example.com');
  assert.equal(r.email.from, 'xxxx@xxxx.com', 'the forwarded original publishes its own sender');
  const forwarded = r.artifacts.find((a) => a.relation === 'forwarded');
  assert.equal(forwarded?.kind, 'email');
});

test('multi_address_bounce1.eml: a bounce is not a report wrapper', async () => {
  const r = await report('emails/multipart_report_emails/multi_address_bounce1.eml');
  assert.equal(r.email.subject, 'Undelivered Mail Returned to Sender');
  assert.equal(r.email.reporter, undefined);
  assert.equal(r.verdict, 'benign');
});

test('other.msg: Chinese subject, the bounced .eml inside the Outlook item is extracted', async () => {
  const r = await report('other.msg');
  assert.equal(root(r).kind, 'msg');
  assert.equal(r.email.subject, '投递状态通知 (Failure Notice)');
  assert.equal(r.email.from, 'mailer-daemon@tjdpf.org.cn');
  assert.deepEqual(r.email.to, ['yosipnps@model.com']);
  const inner = r.artifacts.find((a) => a.relation === 'forwarded');
  assert.ok(inner, 'the attached message is a forwarded child');
  assert.equal(inner.facts?.subject, '回复：转发：反馈·北京 2017年12月02-03日 销售');
});

test('outer.msg: an Outlook item attached to an Outlook item', async () => {
  const r = await report('outer.msg');
  assert.equal(root(r).facts?.subject, 'outer subject');
  const inner = r.artifacts.find((a) => a.relation === 'forwarded');
  assert.equal(inner?.kind, 'msg');
  assert.equal(inner?.facts?.subject, 'test');
  assert.ok(r.artifacts.some((a) => a.parent === inner?.id && a.relation === 'body'), 'the inner item has its own body');
});

test('complete.msg (an empty file) gives a report with a finding, not a crash', async () => {
  const r = await report('complete.msg');
  assert.ok(r.findings.some((f) => f.id === 'email.msg.unparseable'));
});
