// Emails per second of the whole static analysis (`analyze`, fetching off) against raw postal-mime parsing
// of the same emails, measured in the same run: the generated samples plus the conformance corpus (.eml).
// A middle line runs the engine with the mail analyzers alone (email, msg), so the cost of the mail layer
// (MIME guard, parse, headers, wrappers, children) is told apart from the analyzers that run on the bodies
// and attachments it hands on (text, html, url, YARA, …).
// Run: npx tsx bench/email.ts [rounds]        Goal: analyze at least a third of raw parse speed.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import PostalMime from 'postal-mime';
import { analyze } from '../src/analyze.ts';
import { emailAnalyzer } from '../src/analyzers/mail/email.ts';
import { msgAnalyzer } from '../src/analyzers/mail/msg.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import { buildReport } from '../src/verdict/report.ts';
import { defaultConfig } from '../src/config.ts';
import { openServices } from '../src/services.ts';
import * as mail from '../test/generators/email.ts';

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
const rounds = Number(process.argv[2] ?? 5);
const config = defaultConfig();
config.fetch.mode = 'off';
const { services, close } = await openServices(config);

async function timeIt(label: string, fn: (s: (typeof samples)[number]) => Promise<unknown>): Promise<number> {
  for (const s of samples) await fn(s); // warm-up: rules loaded, code compiled
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const s of samples) await fn(s);
  const seconds = (performance.now() - started) / 1000;
  const rate = (samples.length * rounds) / seconds;
  console.log(`${label.padEnd(28)} ${rate.toFixed(1).padStart(8)} emails/s  (${samples.length * rounds} in ${seconds.toFixed(2)} s)`);
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
} finally {
  await close();
}
