// Reporter feedback over SMTP: a final decision emails every reporter who has an address, once; malicious
// mail names the red flags the analysis found; drafts email nobody; an SMTP outage delays, never drops.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { qakbotLure, reportWrapper } from './generators/email.ts';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.ts';
import { call, rfc822, startTestService, submitEmail, waitFor, type TestService } from './helpers/service.ts';

let sink: SmtpSink;
let svc: TestService;

before(async () => {
  sink = await startSmtpSink();
  svc = await startTestService({ feedback: { smtpUrl: sink.url, from: 'security@corp.example', retryMs: 200 } });
});
after(async () => {
  await svc?.stop();
  await sink?.close();
});

test('a final malicious decision thanks each reporter once and names the red flags', { timeout: 60_000 }, async () => {
  const analyst = await svc.addUser('sam', 'analyst');
  const anna = await svc.addUser('anna', 'reporter', 'anna@corp.example');
  const ben = await svc.addUser('ben', 'reporter', 'ben@corp.example');
  const carl = await svc.addUser('carl', 'reporter'); // no address: nobody to tell
  const lure = qakbotLure({ subject: 'RE: Invoice #5120 past due', messageId: '<inv-5120@hoffmann-logistik.example>' });
  const { json } = await submitEmail(svc.url, anna, reportWrapper(lure, { name: 'Anna', address: 'anna@corp.example' }));
  await submitEmail(svc.url, ben, lure);
  await submitEmail(svc.url, carl, lure);
  const done = await waitFor(svc.url, analyst, json.id);
  assert.equal(done.json.reporters.length, 3);

  const draft = await call(svc.url, 'POST', `/api/reports/${json.id}/decision`, { token: analyst, json: { verdict: 'malicious', note: 'checking', final: false } });
  assert.equal(draft.json.feedbackQueued, 0);
  const final = await call(svc.url, 'POST', `/api/reports/${json.id}/decision`, { token: analyst, json: { verdict: 'malicious', note: 'Qakbot' } });
  assert.equal(final.json.feedbackQueued, 2);
  await sink.waitFor(2);
  assert.deepEqual(sink.messages.map((m) => m.envelopeTo[0]).sort(), ['anna@corp.example', 'ben@corp.example']);

  const flags = done.json.report.findings.filter((f: { score: number }) => f.score > 0).map((f: { title: string }) => f.title);
  assert.ok(flags.length > 0, 'the lure raised findings');
  for (const mail of sink.messages) {
    assert.equal(mail.from?.address, 'security@corp.example');
    assert.match(mail.subject ?? '', /RE: Invoice #5120 past due/);
    assert.match(mail.text ?? '', /thank you for reporting/i);
    assert.match(mail.text ?? '', /malicious/);
    assert.ok(mail.text!.includes(flags[0]), `the strongest red flag "${flags[0]}" is named`);
    assert.doesNotMatch(mail.text ?? '', /http:\/\/cheapfurniture/, 'links are never sent live');
  }

  // Deciding again does not email the same people twice.
  const again = await call(svc.url, 'POST', `/api/reports/${json.id}/decision`, { token: analyst, json: { verdict: 'malicious', note: 'confirmed' } });
  assert.equal(again.json.feedbackQueued, 0);
});

test('benign decisions reassure; an SMTP outage delays feedback until the server takes it', { timeout: 60_000 }, async () => {
  const analyst = await svc.addUser('ana2', 'analyst');
  const dora = await svc.addUser('dora', 'reporter', 'dora@corp.example');
  const before = sink.messages.length;
  const { json } = await submitEmail(svc.url, dora, rfc822({ from: 'Payroll <payroll@corp.example>', subject: 'Your payslip for November', messageId: '<payslip-11@corp.example>', text: 'Your payslip is in the HR portal.' }));
  await waitFor(svc.url, analyst, json.id);
  sink.refuse = true;
  await call(svc.url, 'POST', `/api/reports/${json.id}/decision`, { token: analyst, json: { verdict: 'benign' } });
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(sink.messages.length, before, 'refused while the server is down');
  sink.refuse = false;
  await sink.waitFor(before + 1);
  const mail = sink.messages.at(-1)!;
  assert.equal(mail.envelopeTo[0], 'dora@corp.example');
  assert.match(mail.text ?? '', /safe/);
  assert.doesNotMatch(mail.text ?? '', /red flags/);
});
