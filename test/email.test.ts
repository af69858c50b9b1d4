// The email analyzer end to end through analyze(): lures, report wrappers, legitimate mail, header
// findings, simulations, and the CLI on one case. Samples come from test/generators/email.ts.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../src/analyze.ts';
import { analyzers } from '../src/analyzers/index.ts';
import { defaultConfig } from '../src/config.ts';
import type { EngineConfig } from '../src/engine/types.ts';
import type { Report } from '../src/verdict/report.ts';
import * as mail from './generators/email.ts';

const bodyAnalyzers = ['text', 'html', 'url'].every((n) => analyzers.some((a) => a.name === n));

async function run(name: string, text: string, tweak?: (c: EngineConfig) => void): Promise<Report> {
  const config = defaultConfig();
  tweak?.(config);
  return analyze({ name, data: mail.bytes(text) }, config);
}

const ids = (r: Report) => r.findings.map((f) => f.id);
const root = (r: Report) => r.artifacts[0]!;

test('a Qakbot-style lure: email facts, sender and sending IP as IOCs, bodies as children', async () => {
  const r = await run('lure.eml', mail.qakbotLure({ url: 'http://files.bad.example/Invoice_77.zip', password: 'Q7731' }));
  assert.equal(r.input.kind, 'email');
  assert.equal(r.email.subject, 'RE: Invoice #4411 past due');
  assert.equal(r.email.from, 'l.becker@hoffmann-logistik.example');
  assert.deepEqual(r.email.to, ['sam.carter@corp.example']);
  assert.equal(r.email.messageId, '<20230314091244.4411@hoffmann-logistik.example>');
  assert.ok(r.iocs.some((i) => i.type === 'email' && i.value === 'l.becker@hoffmann-logistik.example' && i.role === 'sender'));
  // The lure's own relay (203.0.113.77) is where it entered; the organisation's 10.0.0.5 hop is not.
  assert.ok(r.iocs.some((i) => i.type === 'ip' && i.value === '203.0.113.77' && i.role === 'sending-ip'));
  assert.equal(root(r).facts?.originatingIp, '203.0.113.77');
  const body = r.artifacts.find((a) => a.relation === 'body');
  assert.deepEqual([body?.name, body?.kind], ['body.txt', 'text']);
  if (bodyAnalyzers) {
    assert.ok(r.passwords.some((p) => p.value === 'Q7731'), JSON.stringify(r.passwords));
    assert.ok(r.artifacts.some((a) => a.kind === 'url' && a.name === 'http://files.bad.example/Invoice_77.zip'));
    assert.notEqual(r.verdict, 'benign');
  }
});

test('an HTML-only lure: the body is an html artifact; its link and table-cell password are found', async () => {
  const r = await run('html.eml', mail.htmlOnlyLure({ url: 'https://docs-review.bad.example/report', password: 'Sec-2291' }));
  const bodies = r.artifacts.filter((a) => a.relation === 'body');
  assert.deepEqual(bodies.map((b) => `${b.name}:${b.kind}`), ['body.html:html']);
  if (bodyAnalyzers) {
    assert.ok(r.passwords.some((p) => p.value === 'Sec-2291'), JSON.stringify(r.passwords));
    assert.ok(r.artifacts.some((a) => a.kind === 'url' && a.name.startsWith('https://docs-review.bad.example/report')));
  }
});

test('a password stated in the subject is published from the email analyzer itself', async () => {
  const r = await run('subj.eml', mail.qakbotLure({ subject: 'Documents (password: 8812)' }));
  assert.ok(r.passwords.some((p) => p.value === '8812' && /subject/.test(p.source)), JSON.stringify(r.passwords));
});

test('a report wrapper (attached message): the original is judged, the reporter recorded apart', async () => {
  const original = mail.qakbotLure();
  const alone = await run('lure.eml', original);
  const r = await run('report.eml', mail.reportWrapper(original, { name: 'Ann Reporter', address: 'ann@corp.example' }));
  assert.equal(root(r).facts?.wrapper, true);
  assert.equal(r.email.reporter, 'ann@corp.example');
  assert.equal(r.email.from, 'l.becker@hoffmann-logistik.example', 'From is the original sender, not the reporter');
  assert.equal(r.email.subject, 'RE: Invoice #4411 past due');
  const fwd = r.artifacts.find((a) => a.relation === 'forwarded');
  assert.equal(fwd?.kind, 'email');
  assert.equal(fwd?.parent, 'a1');
  assert.ok(!r.findings.some((f) => f.artifact === 'a1'), 'the wrapper raises no findings about the reporter\'s mail');
  assert.ok(!r.iocs.some((i) => i.value === 'ann@corp.example'));
  assert.equal(r.verdict, alone.verdict, 'judged as the original alone');
  assert.equal(r.score, alone.score);
});

test('with own domains configured, only mail from them is a wrapper: an external lure carrying an .eml is judged whole', async () => {
  const own = (c: EngineConfig) => {
    c.ownDomains = ['corp.example'];
  };
  const internal = await run('report.eml', mail.reportWrapper(mail.qakbotLure()), own);
  assert.equal(internal.email.reporter, 'sam.carter@corp.example');
  const external = await run('carrier.eml', mail.reportWrapper(mail.qakbotLure(), { name: 'Billing', address: 'billing@outside.example' }), own);
  assert.equal(external.email.reporter, undefined);
  assert.equal(external.email.from, 'billing@outside.example');
  assert.ok(external.artifacts.some((a) => a.parent === 'a1' && a.relation === 'body'), "the carrier's own body is analysed");
  assert.ok(external.artifacts.some((a) => a.relation === 'forwarded'), 'and so is the message it carries');
});

test('an inline forward: the original is rebuilt from the quoted headers and judged', async () => {
  const r = await run('inline.eml', mail.inlineForward(mail.qakbotLure({ password: 'Zx-5510' })));
  assert.equal(root(r).facts?.wrapper, true);
  assert.equal(root(r).facts?.forwardedAs, 'inline');
  assert.equal(r.email.reporter, 'sam.carter@corp.example');
  assert.equal(r.email.subject, 'RE: Invoice #4411 past due');
  assert.equal(r.email.from, 'l.becker@hoffmann-logistik.example');
  const fwd = r.artifacts.find((a) => a.relation === 'forwarded');
  assert.equal(fwd?.kind, 'email');
  assert.ok(fwd?.facts?.rebuilt);
  if (bodyAnalyzers) assert.ok(r.passwords.some((p) => p.value === 'Zx-5510'));
});

test('localized inline forwards (German Outlook) with a forward prefix count; a quoted reply does not', async () => {
  const german = [
    'From: Ann <ann@corp.example>',
    'To: SOC <soc@corp.example>',
    'Subject: WG: Ihre Rechnung',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Bitte prüfen.',
    '',
    '-----Ursprüngliche Nachricht-----',
    'Von: Buchhaltung [mailto:rechnung@lieferant.example]',
    'Gesendet: Dienstag, 14. März 2023 09:12',
    'An: Ann <ann@corp.example>',
    'Betreff: Ihre Rechnung',
    '',
    'Anbei die Rechnung.',
    '',
  ].join('\r\n');
  const r = await run('wg.eml', german);
  assert.equal(r.email.reporter, 'ann@corp.example');
  assert.equal(r.email.from, 'rechnung@lieferant.example');
  assert.equal(r.email.subject, 'Ihre Rechnung');

  // The same quoted block under a reply ("AW:") is a thread, as hijacked-thread lures look: judged as is.
  const reply = await run('aw.eml', german.replace('WG: Ihre Rechnung', 'AW: Ihre Rechnung'));
  assert.equal(reply.email.reporter, undefined);
  assert.equal(reply.email.from, 'ann@corp.example');
});

test('an HTML-only Outlook forward (a rule, then bold From/Sent/To/Subject) is recognised by its FW: subject', async () => {
  const html = [
    '<html><body><p>Is this real?</p><hr>',
    '<p><b>From:</b> Laura Becker &lt;l.becker@hoffmann-logistik.example&gt;<br><b>Sent:</b> Tuesday, March 14, 2023 9:12 AM<br>',
    '<b>To:</b> Sam Carter &lt;sam.carter@corp.example&gt;<br><b>Subject:</b> Invoice #4411 past due</p>',
    '<p>Please pay today: <a href="http://pay-4411.bad.example/inv.zip">invoice</a></p></body></html>',
  ].join('');
  const wrapper = [
    'From: Sam Carter <sam.carter@corp.example>',
    'To: soc@corp.example',
    'Subject: FW: Invoice #4411 past due',
    'Date: Tue, 14 Mar 2023 10:00:00 +0100',
    'Message-ID: <fw.9@corp.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    '',
  ].join('\r\n');
  const r = await run('outlook-fw.eml', wrapper);
  assert.equal(r.email.reporter, 'sam.carter@corp.example');
  assert.equal(r.email.from, 'l.becker@hoffmann-logistik.example');
  assert.equal(r.email.subject, 'Invoice #4411 past due');
  if (bodyAnalyzers) assert.ok(r.artifacts.some((a) => a.kind === 'url' && a.name === 'http://pay-4411.bad.example/inv.zip'), 'the link survives the rebuild');
});

test('legitimate mail stays benign: invoice notice, newsletter with 30 links, bounce, calendar invite', async () => {
  for (const [name, text] of [
    ['invoice.eml', mail.invoiceNotice()],
    ['newsletter.eml', mail.newsletter(30)],
    ['bounce.eml', mail.bounce()],
    ['invite.eml', mail.calendarInvite()],
  ] as const) {
    const r = await run(name, text);
    assert.equal(r.verdict, 'benign', `${name}: ${JSON.stringify(r.findings.map((f) => [f.id, f.score]))}`);
    assert.equal(r.email.reporter, undefined, `${name} is not a report wrapper`);
  }
  const news = await run('newsletter.eml', mail.newsletter(30));
  if (bodyAnalyzers) assert.ok(news.artifacts.filter((a) => a.kind === 'url').length >= 30);
  const invite = await run('invite.eml', mail.calendarInvite());
  assert.ok(invite.artifacts.some((a) => a.relation === 'attachment' && a.kind === 'calendar'));
});

test('header findings: Reply-To elsewhere, an address in the display name, a brand name, a role on free mail', async () => {
  const r = await run(
    'spoof.eml',
    mail.qakbotLure({
      from: { name: 'ceo@corp.example via Microsoft 365', address: 'notify@mailer-x.example' },
      headers: ['Reply-To: finance.dept@freemail-box.example'],
    }),
  );
  assert.ok(ids(r).includes('email.header.reply-to-mismatch'));
  assert.ok(ids(r).includes('email.display-name.address-mismatch'));
  assert.ok(ids(r).includes('email.display-name.brand'));
  const evidence = r.findings.find((f) => f.id === 'email.header.reply-to-mismatch')!.evidence;
  assert.match(evidence, /finance\.dept@freemail-box\.example/);
  assert.ok(r.iocs.some((i) => i.value === 'finance.dept@freemail-box.example' && i.role === 'reply-to'));

  const role = await run('role.eml', mail.qakbotLure({ from: { name: 'IT Helpdesk', address: 'it.helpdesk.corp@gmail.com' } }));
  assert.ok(ids(role).includes('email.display-name.role-freemail'));
  const external = await run('role2.eml', mail.qakbotLure({ from: { name: 'Payroll Department', address: 'payroll@hr-services.example' } }), (c) => {
    c.ownDomains = ['corp.example'];
  });
  assert.ok(ids(external).includes('email.display-name.role-external'));
  const colleague = await run('role3.eml', mail.qakbotLure({ from: { name: 'Payroll', address: 'payroll@corp.example' } }), (c) => {
    c.ownDomains = ['corp.example'];
  });
  assert.ok(!ids(colleague).some((id) => id.startsWith('email.display-name.')));
});

test('a sender domain that imitates our own is flagged when own domains are configured', async () => {
  const lure = mail.qakbotLure({ from: { name: 'Payroll', address: 'payroll@corp-example.example' } });
  const without = await run('look.eml', lure);
  assert.ok(!ids(without).includes('email.sender.lookalike'));
  const r = await run('look.eml', mail.qakbotLure({ from: { name: 'Payroll', address: 'payroll@c0rp.example' } }), (c) => {
    c.ownDomains = ['corp.example'];
  });
  const hit = r.findings.find((f) => f.id === 'email.sender.lookalike');
  assert.ok(hit, JSON.stringify(ids(r)));
  assert.match(hit.evidence, /corp\.example/);
});

test('Authentication-Results of the receiving server: dmarc=fail and spf=fail are findings', async () => {
  const r = await run(
    'ar.eml',
    mail.invoiceNotice().replace(
      'Received:',
      'Authentication-Results: mx1.corp.example; spf=fail smtp.mailfrom=northwind-traders.example; dkim=none; dmarc=fail (p=reject) header.from=northwind-traders.example\r\nReceived:',
    ),
  );
  assert.ok(ids(r).includes('email.auth.dmarc-fail'));
  assert.ok(ids(r).includes('email.auth.spf-fail'));
  const auth = root(r).facts!.auth as { header: unknown; verification: unknown };
  assert.deepEqual(auth.header, { authserv: 'mx1.corp.example', spf: 'fail', dkim: 'none', dmarc: 'fail' });
  assert.match(String(auth.verification), /^unavailable/);
});

test('simulation mail from a training vendor is marked as a simulation', async () => {
  const r = await run('sim.eml', mail.simulationMail());
  assert.equal(r.simulation?.vendor, 'KnowBe4');
  assert.match(r.simulation!.evidence, /X-PHISHTEST/);
  const gophish = await run('gophish.eml', mail.simulationMail('X-Gophish-Contact', 'security@corp.example'));
  assert.equal(gophish.simulation?.vendor, 'GoPhish');
  const custom = await run('custom.eml', mail.simulationMail('X-Corp-Drill', 'drill-2023'), (c) => {
    c.analyzers.email = { simulationHeaders: [{ vendor: 'Hoxhunt', header: 'X-Corp-Drill', value: '^drill-' }] };
  });
  assert.equal(custom.simulation?.vendor, 'Hoxhunt');
  const real = await run('real.eml', mail.qakbotLure());
  assert.equal(real.simulation, null);
});

test('the CLI prints the JSON report for an .eml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tacklebox-email-'));
  try {
    const file = join(dir, 'report.eml');
    writeFileSync(file, mail.reportWrapper(mail.qakbotLure()));
    const out = spawnSync(process.execPath, [join(import.meta.dirname, '../bin/tacklebox.js'), 'analyze', file, '--json'], { encoding: 'utf8' });
    assert.ok(out.status === 0 || out.status === 1, out.stderr);
    const report = JSON.parse(out.stdout) as Report;
    assert.equal(report.input.kind, 'email');
    assert.equal(report.email.reporter, 'sam.carter@corp.example');
    assert.equal(report.email.from, 'l.becker@hoffmann-logistik.example');
    assert.ok(report.artifacts.some((a) => a.relation === 'forwarded'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
