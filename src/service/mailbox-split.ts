// A message in the reporting mailbox is an employee's report: the suspicious mail is usually attached to it
// (.eml or Outlook .msg, as the "Report phishing" button and "forward as attachment" do). Each attached
// message becomes its own report; a report without one is itself the suspicious mail (forwarded inline).

import PostalMime from 'postal-mime';
import { isOutlookMsg } from './identity.ts';

export interface MailboxSubmission {
  data: Uint8Array;
  name: string;
  contentType: string;
}

export interface SplitReport {
  reporter: { name: string; email: string | null };
  submissions: MailboxSubmission[];
}

const MAX_ATTACHED = 20;

export async function splitReport(raw: Uint8Array): Promise<SplitReport> {
  let email;
  try {
    email = await PostalMime.parse(raw, { forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer', maxNestingDepth: 40 });
  } catch {
    return { reporter: { name: 'unknown sender', email: null }, submissions: [{ data: raw, name: 'report.eml', contentType: 'message/rfc822' }] };
  }
  const address = email.from?.address?.toLowerCase() ?? null;
  const reporter = { name: email.from?.name || address || 'unknown sender', email: address };
  const submissions: MailboxSubmission[] = [];
  for (const a of email.attachments) {
    if (submissions.length >= MAX_ATTACHED || typeof a.content === 'string') continue;
    const data = new Uint8Array(a.content);
    const name = a.filename ?? '';
    if (a.mimeType.toLowerCase() === 'message/rfc822' || /\.eml$/i.test(name)) {
      submissions.push({ data, name: name || 'attached.eml', contentType: 'message/rfc822' });
    } else if (isOutlookMsg(data) && (/\.msg$/i.test(name) || a.mimeType === 'application/vnd.ms-outlook')) {
      submissions.push({ data, name: name || 'attached.msg', contentType: 'application/vnd.ms-outlook' });
    }
  }
  if (submissions.length === 0) submissions.push({ data: raw, name: 'report.eml', contentType: 'message/rfc822' });
  return { reporter, submissions };
}
