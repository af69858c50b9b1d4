// Emails per second of the whole static analysis (`analyze`, fetching off) against raw postal-mime parsing
// of the same emails, measured in the same run: the generated samples plus the conformance corpus (.eml).
// A middle line runs the engine with the mail analyzers alone (email, msg), so the cost of the mail layer
// (MIME guard, parse, headers, wrappers, children) is told apart from the analyzers that run on the bodies
// and attachments it hands on (text, html, url, YARA, …).
// Outlook items get the same comparison against msgreader reading them in-process (the analyzer reads them
// in a worker thread, so a hostile compound file cannot hang the run).
// Run: npx tsx bench/email.ts [rounds]        Goal: analyze at least a third of raw parse speed.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import MsgReaderModule from '@kenjiuno/msgreader';
import PostalMime from 'postal-mime';
import { analyze } from '../src/analyze.ts';
import { emailAnalyzer } from '../src/analyzers/mail/email.ts';
import { msgAnalyzer } from '../src/analyzers/mail/msg.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import { buildReport } from '../src/verdict/report.ts';
import { defaultConfig } from '../src/config.ts';
import { openServices } from '../src/services.ts';
import * as mail from '../test/generators/email.ts';
import { outlookMsg } from '../test/generators/msg.ts';

const CORPUS = join(import.meta.dirname, '../../shared/corpora/emails-conformance');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const generated: [string, string][] = [
  ['lure.eml', mail.qakbotLure()],
  ['html-lure.eml', mail.htmlOnlyLure()],
  ['report.eml', mail.reportWrapper(mail.qakbotLure())],
  ['inline.eml', mail.inlineForward(mail.qakbotLure())],
  ['invoice.eml', mail.invoiceNotice()],
  ['newsletter.eml', mail.newsletter(30)],
  ['bounce.eml', mail.bounce()],
  ['invite.eml', mail.calendarInvite()],
  ['simulation.eml', mail.simulationMail()],
];
const samples = [
  ...generated.map(([name, text]) => ({ name, data: mail.bytes(text) })),
  ...walk(CORPUS)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => ({ name: basename(f), data: new Uint8Array(readFileSync(f)) })),
];
const outlookItems = [
  { name: 'lure.msg', data: outlookMsg({ subject: 'Rechnung 4411', senderName: 'Jürgen', senderEmail: 'j@lieferant.example', body: 'Passwort: 4411', rtfHtml: '<p><a href="http://x.example/a.zip">Rechnung</a></p>', recipients: [{ name: 'Zoë', email: 'zoe@corp.example' }] }) },
  { name: 'report.msg', data: outlookMsg({ subject: 'FW: Rechnung', senderEmail: 'zoe@corp.example', body: 'phishing?', attachments: [{ name: 'Rechnung.msg', msg: { subject: 'Rechnung', senderEmail: 'j@lieferant.example', body: 'Passwort: 4411' } }] }) },
  ...walk(CORPUS)
    .filter((f) => f.endsWith('.msg') && statSync(f).size > 0)
    .map((f) => ({ name: basename(f), data: new Uint8Array(readFileSync(f)) })),
];
// msgreader is CommonJS: under ESM its class arrives as the default export's `default`.
const MsgReader = ((MsgReaderModule as unknown as { default?: unknown }).default ?? MsgReaderModule) as new (buffer: ArrayBuffer) => { getFileData(): unknown };
const rounds = Number(process.argv[2] ?? 5);
const config = defaultConfig();
config.fetch.mode = 'off';
const { services, close } = await openServices(config);

type Sample = { name: string; data: Uint8Array };

async function timeIt(label: string, fn: (s: Sample) => Promise<unknown>, set: Sample[] = samples, unit = 'emails'): Promise<number> {
  for (const s of set) await fn(s); // warm-up: rules loaded, code compiled
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const s of set) await fn(s);
  const seconds = (performance.now() - started) / 1000;
  const rate = (set.length * rounds) / seconds;
  console.log(`${label.padEnd(32)} ${rate.toFixed(1).padStart(8)} ${unit}/s  (${set.length * rounds} in ${seconds.toFixed(2)} s)`);
  return rate;
}

try {
  console.log(`${samples.length} emails (${generated.length} generated, ${samples.length - generated.length} from the conformance corpus), ${rounds} rounds`);
  const raw = await timeIt('postal-mime parse (baseline)', (s) => PostalMime.parse(s.data, { forceRfc822Attachments: true }));
  const mailOnly = await timeIt('engine + mail analyzers only', async (s) =>
    buildReport(await analyzeSubmission(s, { config, analyzers: [emailAnalyzer, msgAnalyzer], services })),
  );
  const full = await timeIt('tacklebox analyze (static)', (s) => analyze(s, config, services));
  console.log(`ratio mail analyzers / raw parse: ${(mailOnly / raw).toFixed(3)}`);
  console.log(`ratio analyze / raw parse:        ${(full / raw).toFixed(3)}  (goal ≥ 0.333)`);

  console.log(`\n${outlookItems.length} Outlook items (2 generated, ${outlookItems.length - 2} from the corpus)`);
  const rawMsg = await timeIt('msgreader read (baseline)', async (s) => new MsgReader(s.data.slice().buffer as ArrayBuffer).getFileData(), outlookItems, 'items');
  const msgOnly = await timeIt('engine + mail analyzers only', async (s) =>
    buildReport(await analyzeSubmission(s, { config, analyzers: [emailAnalyzer, msgAnalyzer], services })), outlookItems, 'items');
  console.log(`ratio mail analyzers / raw read: ${(msgOnly / rawMsg).toFixed(3)}`);
} finally {
  await close();
}
