import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textAnalyzer } from '../src/analyzers/text/index.ts';
import { linksInText } from '../src/analyzers/text/links.ts';
import { findLures } from '../src/analyzers/text/lures.ts';
import { defaultConfig } from '../src/config.ts';
import type { AnalysisContext, AnalyzerResult, Artifact, EngineConfig } from '../src/engine/types.ts';
import { analysisContext } from './generators/context.ts';

function context(over: Partial<EngineConfig> = {}, subject?: string): AnalysisContext {
  return analysisContext({ config: { ...defaultConfig(), ...over }, email: subject === undefined ? {} : { subject } });
}

function body(text: string, kind = 'text', relation: Artifact['relation'] = 'body'): Artifact {
  const data = new TextEncoder().encode(text);
  return { id: 'a2', parent: 'a1', relation, kind, name: 'body.txt', sha256: '', size: data.length, depth: 1, data, meta: {} };
}

async function run(text: string, over: Partial<EngineConfig> = {}, kind = 'text'): Promise<AnalyzerResult> {
  return textAnalyzer.analyze(body(text, kind), context(over));
}

const ids = (r: AnalyzerResult) => (r.findings ?? []).map((f) => f.id).sort();
const childNames = (r: AnalyzerResult) => (r.children ?? []).map((c) => c.name);

test('a Qakbot-style body: invoice lure, stated password, the link as a url child', async () => {
  const r = await run(
    'Hello,\n\nPlease find the overdue invoice at http://shop.example/wp-content/inv_4411.zip\nPassword: Qx7291\n\nRegards',
  );
  assert.deepEqual(ids(r), ['email.lure.invoice', 'email.password-in-body']);
  const pw = r.findings!.find((f) => f.id === 'email.password-in-body')!;
  assert.match(pw.evidence, /Password: Qx7291/);
  assert.deepEqual(r.context?.passwords?.[0], { value: 'Qx7291', source: "email body after 'Password:'", stated: true });
  assert.equal(r.children?.length, 1);
  const child = r.children![0]!;
  assert.equal(child.relation, 'link');
  assert.equal(child.kind, 'url');
  assert.equal(child.name, 'http://shop.example/wp-content/inv_4411.zip');
  assert.equal(new TextDecoder().decode(child.data), child.name);
});

test('lures in six languages, each category one finding named with its language', () => {
  const samples: [string, string, string][] = [
    ['Your invoice is attached, payment due today.', 'invoice', 'en'],
    ['Anbei die Rechnung, bitte umgehend überweisen.', 'invoice', 'de'],
    ['Veuillez trouver la facture ci-dessous.', 'invoice', 'fr'],
    ['Adjunto la factura pendiente de pago.', 'invoice', 'es'],
    ['In allegato la fattura del mese.', 'invoice', 'it'],
    ['Segue a fatura em aberto.', 'invoice', 'pt'],
    ['We detected unusual sign-in activity on your mailbox.', 'security-alert', 'en'],
    ['Wir haben eine ungewöhnliche Anmeldung festgestellt.', 'security-alert', 'de'],
    ['Nous avons détecté une activité suspecte.', 'security-alert', 'fr'],
    ['Su cuenta bloqueada por seguridad.', 'security-alert', 'es'],
    ['Abbiamo rilevato un accesso insolito.', 'security-alert', 'it'],
    ['Detectamos atividade suspeita na sua conta.', 'security-alert', 'pt'],
    ['John shared a document with you: Q3 plan.', 'shared-document', 'en'],
    ['Your parcel could not be delivered. Tracking number 123.', 'delivery', 'en'],
    ['Ihr Paket wartet. Sendungsnummer 4411.', 'delivery', 'de'],
    ['Your payslip for March is available.', 'payroll', 'en'],
    ['Votre fiche de paie est disponible.', 'payroll', 'fr'],
    ['Action required within 24 hours.', 'urgency', 'en'],
    ['Your account will be suspended.', 'threat', 'en'],
  ];
  for (const [text, category, language] of samples) {
    const hit = findLures(text).find((h) => h.category === category);
    assert.ok(hit, `${category} in "${text}"`);
    assert.equal(hit.languages[0], language, text);
  }
});

test("the subject's lure counts when the body does not say it", async () => {
  const r = await textAnalyzer.analyze(body('Please review and complete.\nhttps://sign.example/env/4411'), context({}, 'Payroll: salary adjustment for 2024'));
  assert.deepEqual(ids(r), ['email.lure.payroll']);
  assert.match(r.findings![0]!.evidence, /^email subject: "Payroll", "salary adjustment"/);
  const both = await textAnalyzer.analyze(body('Your invoice is attached.'), context({}, 'Invoice 4411'));
  assert.equal(both.findings?.filter((f) => f.id === 'email.lure.invoice').length, 1, 'one finding when both say it');
});

test('a message without lures or labels raises nothing', async () => {
  const r = await run('Hi Anna, lunch on Thursday? The new place on Elm Street looks good. Cheers, Tom');
  assert.deepEqual(ids(r), []);
  assert.ok(r.context?.passwords?.every((p) => !p.stated));
  assert.ok(r.context?.passwords?.some((p) => p.value === 'Thursday'), 'bare words still reach the password book');
});

test('a weak label (code, key) feeds the book but does not claim an archive password', async () => {
  const r = await run('Your verification code: 448812');
  assert.deepEqual(ids(r), []);
  assert.equal(r.context?.passwords?.[0]?.value, '448812');
  assert.equal(r.context?.passwords?.[0]?.stated, true);
});

test('defanged links are refanged; the written form is kept for the analyst', async () => {
  const r = await run('Indicators: hxxps://evil[.]example/payload.js and hxxp://203.0.113[.]9/x.dll');
  assert.deepEqual(childNames(r), ['https://evil.example/payload.js', 'http://203.0.113.9/x.dll']);
  assert.equal(r.children![0]!.meta?.written, 'hxxps://evil[.]example/payload.js');
});

test('wrapped links: the attacker URL is the child, the wrapper is noted', async () => {
  const safelinks =
    'https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fdrop.example%2Fa%2Finv.zip&data=05%7C01%7C&sdata=abc&reserved=0';
  const proofpoint2 = 'https://urldefense.proofpoint.com/v2/url?u=http-3A__drop2.example_doc_x.js&d=DwMFaQ&c=x&r=y&m=z&s=w&e=';
  const proofpoint3 = 'https://urldefense.com/v3/__https://drop3.example/p?id=1*2__;Jg!!ACWV5N9M2RV99hQ!abc$';
  const google = 'https://www.google.com/url?q=https://drop4.example/&sa=D&ust=1';
  const mimecast = 'https://protect-eu.mimecast.com/s/Xy12AbCdEf?domain=drop5.example';
  const r = await run([safelinks, proofpoint2, proofpoint3, google, mimecast].join('\n'));
  assert.deepEqual(childNames(r), [
    'https://drop.example/a/inv.zip',
    'http://drop2.example/doc/x.js',
    'https://drop3.example/p?id=1&2',
    'https://drop4.example/',
    mimecast,
  ]);
  assert.deepEqual(r.children![0]!.meta?.wrappers, ['Microsoft Safe Links']);
  assert.equal(r.children![0]!.meta?.written, safelinks);
  assert.equal(r.children![4]!.meta?.wrappedDomain, 'drop5.example');
});

test('links in prose: trailing punctuation and brackets are not part of the URL; duplicates once', () => {
  const { links } = linksInText('See (https://a.example/x_(1)). Or https://b.example/p?q=1, or www.c.example/d. Again https://b.example/p?q=1.', 10);
  assert.deepEqual(
    links.map((l) => l.url),
    ['https://a.example/x_(1)', 'https://b.example/p?q=1', 'http://www.c.example/d'],
  );
});

test('more links than maxLinks: the first ones are kept and the limit is reported', async () => {
  const text = Array.from({ length: 30 }, (_, i) => `https://site${i}.example/page`).join('\n');
  const r = await run(text, { limits: { ...defaultConfig().limits, maxLinks: 10 } });
  assert.equal(r.children?.length, 10);
  assert.equal(r.limits?.[0]?.limit, 'maxLinks');
  assert.match(r.limits![0]!.detail, /20 more/);
});

test('a text body larger than textBytes is read in part, and the limit says so', async () => {
  const r = await run(`Password: early1\n${'filler '.repeat(200)}Password: late2`, { limits: { ...defaultConfig().limits, textBytes: 200 } });
  assert.deepEqual(r.context?.passwords?.filter((p) => p.stated).map((p) => p.value), ['early1']);
  assert.equal(r.limits?.[0]?.limit, 'textBytes');
});

test('calendar invites: folded lines are joined before links and lures are read', async () => {
  const ics = [
    'BEGIN:VCALENDAR',
    'BEGIN:VEVENT',
    'SUMMARY:Weekly sync',
    'DESCRIPTION:Join the meeting: https://meet.example/j/1234',
    ' 5678?pwd=abc\\nMeeting ID: 1234 5678\\nPasscode: 99812\\nAgenda\\, notes',
    'END:VEVENT',
    'END:VCALENDAR',
  ].join('\r\n');
  const r = await textAnalyzer.analyze(body(ics, 'calendar', 'attachment'), context());
  assert.deepEqual(childNames(r), ['https://meet.example/j/12345678?pwd=abc']);
  assert.deepEqual(ids(r), [], 'a meeting passcode is not an archive password');
  assert.ok(r.context?.passwords?.some((p) => p.value === '99812' && p.stated));
});

test('hostile text: megabytes of tokens and URLs end quickly with bounded output', async () => {
  const big = 'x'.repeat(3_000_000) + ' ' + 'https://a.example/'.repeat(50_000) + ' hxxp[:]//'.repeat(10_000);
  const r = await run(big);
  assert.ok((r.children?.length ?? 0) <= defaultConfig().limits.maxLinks);
  assert.ok((r.context?.passwords?.length ?? 0) <= 1_100);
});
