// The email a reporter gets when an analyst has decided on their report: thanks, the outcome, and for
// malicious mail the red flags that gave it away, so the next one is easier to spot. Plain text only;
// nothing from the attacker's mail is quoted but its subject, and indicators are never written as links.

import { defang } from '../intel/defang.ts';
import type { StoredReport } from './store/types.ts';

export interface FeedbackEmail {
  subject: string;
  text: string;
}

const MAX_RED_FLAGS = 8;

export function feedbackEmail(report: StoredReport, reporterName: string): FeedbackEmail {
  const decision = report.decision;
  const verdict = decision?.verdict ?? report.verdict ?? 'benign';
  const subject = oneLine(report.subject ?? report.preview?.subject ?? '(no subject)', 120);
  const lines = [`Hello ${oneLine(reporterName, 80)},`, '', `thank you for reporting the email "${subject}". Our security team has looked at it.`, ''];
  if (verdict === 'malicious') {
    lines.push('It was malicious: a phishing or malware email. Reporting it helped protect everyone.');
    lines.push("If you clicked a link, opened an attachment or entered a password, tell the security team now; it is not too late.");
    const flags = redFlags(report);
    if (flags.length) {
      lines.push('', 'The red flags in this email, to help you spot the next one:');
      for (const f of flags) lines.push(`  - ${f}`);
    }
    const urls = (report.report?.iocs ?? []).filter((i) => i.type === 'url').slice(0, 3);
    if (urls.length) {
      lines.push('', 'It led to these addresses (written so they cannot be clicked):');
      for (const u of urls) lines.push(`  - ${defang('url', oneLine(u.value, 200))}`);
    }
  } else if (verdict === 'suspicious') {
    lines.push('It looked suspicious. Please do not act on it; delete it. Reporting it was the right thing to do.');
  } else {
    lines.push('It turned out to be safe. You can treat it as a normal email. Keep reporting what looks wrong: it is always worth asking.');
  }
  lines.push('', 'Thank you,', 'the security team', '', `(report ${report.id})`);
  return { subject: `Your report: ${subject}`, text: lines.join('\n') };
}

/** Finding titles that raised the score, the strongest first, each once. */
export function redFlags(report: StoredReport): string[] {
  const findings = [...(report.report?.findings ?? [])].filter((f) => f.score > 0).sort((a, b) => b.score - a.score);
  const titles: string[] = [];
  for (const f of findings) {
    const title = oneLine(f.title, 160);
    if (!titles.includes(title)) titles.push(title);
    if (titles.length >= MAX_RED_FLAGS) break;
  }
  return titles;
}

function oneLine(s: string, max: number): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim().slice(0, max);
}
