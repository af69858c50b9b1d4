// Email samples for tests, built in code so every byte is explained. All builders return the message as a
// string (RFC 822, CRLF line ends); `bytes(mail)` turns one into the Uint8Array analyze() takes.
//
//   qakbotLure({ url, password })              Qakbot-style invoice lure: link + ZIP password in the body
//   htmlOnlyLure({ url, password })            HTML only, the password in a table cell next to "Password:"
//   reportWrapper(original, reporter?)         an employee forwards `original` as an attachment (message/rfc822)
//   inlineForward(original, reporter?)         … or inline, under "---------- Forwarded message ---------"
//   invoiceNotice(), newsletter(), bounce(), calendarInvite()      legitimate mail that must stay benign
//   simulationMail(header, value)              a phishing-simulation drill marked by a vendor header
//   deepNesting(depth), manyParts(count), hugeHeaderLine(bytes), unclosedBoundary(), nestedMessages(depth)
//                                              hostile MIME
// A Party is { name, address }. Outlook .msg samples: test/generators/msg.ts.

export const bytes = (mail: string): Uint8Array => new TextEncoder().encode(mail);

export interface Party {
  name: string;
  address: string;
}

const CRLF = '\r\n';
const lines = (...l: string[]) => l.join(CRLF);
const show = (p: Party) => (p.name ? `"${p.name}" <${p.address}>` : p.address);
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64').replace(/.{76}/g, `$&${CRLF}`);

export interface LureOptions {
  /** The link to the payload (default a ZIP on a compromised WordPress site). */
  url?: string;
  /** The ZIP password stated in the body. */
  password?: string;
  from?: Party;
  to?: Party;
  subject?: string;
  /** The public IP the mail entered the internet from. */
  sendingIp?: string;
  /** Extra header lines, e.g. ["Reply-To: x@y"]. */
  headers?: string[];
  date?: string;
  messageId?: string;
}

const DEFAULT_LURE = {
  url: 'http://cheapfurniture-outlet.example/wp-content/uploads/Invoice_4411.zip',
  password: 'Inv4411',
  from: { name: 'Laura Becker', address: 'l.becker@hoffmann-logistik.example' },
  to: { name: 'Sam Carter', address: 'sam.carter@corp.example' },
  subject: 'RE: Invoice #4411 past due',
  sendingIp: '203.0.113.77',
};

function transportHeaders(o: { from: Party; to: Party; subject: string; sendingIp: string; date: string; messageId: string; extra?: string[] }): string[] {
  const fromDomain = o.from.address.split('@')[1];
  return [
    `Received: from mx1.corp.example (mx1.corp.example [10.0.0.5]) by mailbox.corp.example with ESMTPS id 9AF21; ${o.date}`,
    `Received: from mail.${fromDomain} (mail.${fromDomain} [${o.sendingIp}]) by mx1.corp.example with ESMTP id 77B1C; ${o.date}`,
    `Return-Path: <${o.from.address}>`,
    `From: ${show(o.from)}`,
    `To: ${show(o.to)}`,
    `Subject: ${o.subject}`,
    `Date: ${o.date}`,
    `Message-ID: ${o.messageId}`,
    'MIME-Version: 1.0',
    ...(o.extra ?? []),
  ];
}

/** A Qakbot-style lure: a reply in a (hijacked) thread, a link to a ZIP and the ZIP's password in the body. */
export function qakbotLure(options: LureOptions = {}): string {
  const o = { ...DEFAULT_LURE, date: 'Tue, 14 Mar 2023 09:12:44 +0100', messageId: '<20230314091244.4411@hoffmann-logistik.example>', ...options };
  const text = lines(
    'Hello,',
    '',
    'Please see the overdue invoice below. Payment is required within 24 hours to avoid late fees.',
    '',
    `Download the document: ${o.url}`,
    '',
    `The archive is protected. Password: ${o.password}`,
    '',
    'Kind regards,',
    o.from.name,
  );
  return lines(
    ...transportHeaders({ ...o, extra: o.headers }),
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    '',
  );
}

/** The lure as HTML only: the link behind anchor text, the password in the table cell next to "Password:". */
export function htmlOnlyLure(options: LureOptions = {}): string {
  const o = { ...DEFAULT_LURE, subject: 'Security alert: unusual sign-in to your account', date: 'Wed, 15 Mar 2023 07:01:09 +0000', messageId: '<alert.77@hoffmann-logistik.example>', ...options };
  const html = [
    '<!DOCTYPE html><html><body>',
    '<p>We detected an unusual sign-in to your account. Review the attached security report immediately or your account will be suspended.</p>',
    `<p><a href="${o.url}">Open security report</a></p>`,
    `<table><tr><td>Password:</td><td>${o.password}</td></tr></table>`,
    '</body></html>',
  ].join('\n');
  return lines(
    ...transportHeaders({ ...o, extra: o.headers }),
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(html),
    '',
  );
}

const DEFAULT_REPORTER: Party = { name: 'Sam Carter', address: 'sam.carter@corp.example' };
const SOC: Party = { name: 'Phishing reports', address: 'phishing@corp.example' };

/** An employee reports `original` to the SOC by forwarding it as an attachment. */
export function reportWrapper(original: string, reporter: Party = DEFAULT_REPORTER): string {
  const boundary = '=_report_7f3a';
  return lines(
    `Received: from laptop-17.corp.example (laptop-17.corp.example [10.1.2.17]) by mailbox.corp.example; Tue, 14 Mar 2023 10:02:00 +0100`,
    `From: ${show(reporter)}`,
    `To: ${show(SOC)}`,
    'Subject: FW: suspicious invoice mail - please check',
    'Date: Tue, 14 Mar 2023 10:02:00 +0100',
    'Message-ID: <report.1@corp.example>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hi team, I got this invoice mail this morning and it looks urgent but odd. Is it phishing?',
    '',
    `--${boundary}`,
    'Content-Type: message/rfc822',
    'Content-Disposition: attachment; filename="Invoice 4411 past due.eml"',
    '',
    original.replace(/\r?\n$/, ''),
    '',
    `--${boundary}--`,
    '',
  );
}

/** An employee forwards `original` inline, the way Gmail and Thunderbird do. */
export function inlineForward(original: string, reporter: Party = DEFAULT_REPORTER): string {
  const head = original.slice(0, original.search(/\r?\n\r?\n/));
  const get = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const body = original.slice(original.search(/\r?\n\r?\n/)).replace(/^\s+/, '');
  return lines(
    `From: ${show(reporter)}`,
    `To: ${show(SOC)}`,
    `Subject: Fwd: ${get('Subject')}`,
    'Date: Tue, 14 Mar 2023 10:05:00 +0100',
    'Message-ID: <report.2@corp.example>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Please have a look at this one, thanks.',
    '',
    '---------- Forwarded message ---------',
    `From: ${get('From')}`,
    `Date: ${get('Date')}`,
    `Subject: ${get('Subject')}`,
    `To: ${get('To')}`,
    '',
    body,
  );
}

/** A real invoice notice: the supplier's own domain, a link to its billing portal, no password, no archive. */
export function invoiceNotice(): string {
  return lines(
    ...transportHeaders({
      from: { name: 'Northwind Billing', address: 'billing@northwind-traders.example' },
      to: { name: 'Sam Carter', address: 'sam.carter@corp.example' },
      subject: 'Your invoice INV-2023-0311 is available',
      sendingIp: '198.51.100.20',
      date: 'Mon, 13 Mar 2023 08:00:00 +0000',
      messageId: '<inv-2023-0311@northwind-traders.example>',
    }),
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Dear customer,',
    '',
    'your invoice INV-2023-0311 for March is now available in the customer portal:',
    'https://portal.northwind-traders.example/billing/invoices/INV-2023-0311',
    '',
    'The amount will be collected by direct debit on 28 March as agreed.',
    '',
    'Northwind Traders Billing',
    '',
  );
}

/** A newsletter with `links` links, sent through a mailing service (Return-Path at the service). */
export function newsletter(links = 30): string {
  const items = Array.from({ length: links }, (_, i) => `<li><a href="https://news.contoso-outdoors.example/articles/${i + 1}?utm_source=newsletter">Article ${i + 1}</a></li>`);
  const html = `<!DOCTYPE html><html><body><h1>Contoso Outdoors - spring news</h1><ul>${items.join('')}</ul><p><a href="https://news.contoso-outdoors.example/unsubscribe">Unsubscribe</a></p></body></html>`;
  const text = ['Contoso Outdoors - spring news', ...Array.from({ length: links }, (_, i) => `Article ${i + 1}: https://news.contoso-outdoors.example/articles/${i + 1}`)].join(CRLF);
  const boundary = 'nl-alt-01';
  return lines(
    'Received: from mta-42.mailer.example (mta-42.mailer.example [192.0.2.42]) by mx1.corp.example with ESMTPS; Fri, 10 Mar 2023 12:00:00 +0000',
    'Return-Path: <bounce-8812@mailer.example>',
    'From: "Contoso Outdoors" <news@contoso-outdoors.example>',
    'To: sam.carter@corp.example',
    'Subject: Spring news from Contoso Outdoors',
    'Date: Fri, 10 Mar 2023 12:00:00 +0000',
    'Message-ID: <nl-2023-03@contoso-outdoors.example>',
    'List-Unsubscribe: <https://news.contoso-outdoors.example/unsubscribe>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    '',
    html,
    `--${boundary}--`,
    '',
  );
}

/** A delivery-failure bounce (multipart/report) carrying the returned message. */
export function bounce(): string {
  const boundary = 'bounce-88';
  return lines(
    'Received: from mx1.corp.example (mx1.corp.example [10.0.0.5]) by mailbox.corp.example; Thu, 09 Mar 2023 16:00:05 +0000',
    'From: Mail Delivery System <MAILER-DAEMON@mx1.corp.example>',
    'To: sam.carter@corp.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Thu, 09 Mar 2023 16:00:05 +0000',
    'Message-ID: <bounce.88@mx1.corp.example>',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'I\'m sorry to have to inform you that your message could not be delivered to one or more recipients.',
    '<nobody@partner.example>: host mx.partner.example said: 550 5.1.1 User unknown',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx1.corp.example',
    '',
    'Final-Recipient: rfc822; nobody@partner.example',
    'Action: failed',
    'Status: 5.1.1',
    `--${boundary}`,
    'Content-Type: message/rfc822',
    '',
    'From: Sam Carter <sam.carter@corp.example>',
    'To: nobody@partner.example',
    'Subject: Meeting notes',
    'Date: Thu, 09 Mar 2023 15:59:58 +0000',
    'Message-ID: <notes.5@corp.example>',
    '',
    'Here are the notes from today.',
    `--${boundary}--`,
    '',
  );
}

/** A calendar invitation (text/calendar METHOD:REQUEST) from a colleague. */
export function calendarInvite(): string {
  const boundary = 'cal-01';
  const ics = lines(
    'BEGIN:VCALENDAR',
    'PRODID:-//Example Corp//Calendar//EN',
    'VERSION:2.0',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    'UID:20230316T100000Z-42@corp.example',
    'DTSTART:20230316T100000Z',
    'DTEND:20230316T103000Z',
    'SUMMARY:Quarterly planning',
    'ORGANIZER;CN=Dana Lee:mailto:dana.lee@corp.example',
    'ATTENDEE;CN=Sam Carter;RSVP=TRUE:mailto:sam.carter@corp.example',
    'LOCATION:https://meet.corp.example/quarterly-planning',
    'END:VEVENT',
    'END:VCALENDAR',
  );
  return lines(
    'Received: from mailbox.corp.example (mailbox.corp.example [10.0.0.6]) by mailbox.corp.example; Mon, 13 Mar 2023 09:00:00 +0000',
    'From: Dana Lee <dana.lee@corp.example>',
    'To: Sam Carter <sam.carter@corp.example>',
    'Subject: Invitation: Quarterly planning @ Thu 16 Mar 10:00',
    'Date: Mon, 13 Mar 2023 09:00:00 +0000',
    'Message-ID: <invite.42@corp.example>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Dana Lee invites you to Quarterly planning on Thursday 16 March, 10:00-10:30 (UTC).',
    'Join: https://meet.corp.example/quarterly-planning',
    `--${boundary}`,
    'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
    '',
    ics,
    `--${boundary}--`,
    '',
  );
}

/** A drill from a phishing-simulation vendor: the lure, marked by the vendor's header. */
export function simulationMail(header = 'X-PHISHTEST', value = 'This is a phishing security test from KnowBe4 that has been authorized by the recipient organization'): string {
  return qakbotLure({ headers: [`${header}: ${value}`], url: 'https://secure-docs-portal.example/login' });
}

const HOSTILE_HEAD = lines('From: attacker@hostile.example', 'To: victim@corp.example', 'Subject: hostile MIME', 'MIME-Version: 1.0');

/** `depth` multiparts nested inside each other, each properly closed. */
export function deepNesting(depth = 300): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    open.push(`--b${i}`, `Content-Type: multipart/mixed; boundary="b${i + 1}"`, '');
    close.unshift(`--b${i}--`);
  }
  return lines(HOSTILE_HEAD, 'Content-Type: multipart/mixed; boundary="b0"', '', ...open, `--b${depth}`, 'Content-Type: text/plain', '', 'the bottom', `--b${depth}--`, ...close, '');
}

/** One multipart with `count` small text parts. */
export function manyParts(count = 20_000): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push('--many', 'Content-Type: text/plain', '', `part ${i}`);
  return lines(HOSTILE_HEAD, 'Content-Type: multipart/mixed; boundary="many"', '', ...parts, '--many--', '');
}

/** A Subject header line of `size` bytes with nothing to fold it. */
export function hugeHeaderLine(size = 5 * 1024 * 1024): string {
  return lines('From: attacker@hostile.example', 'To: victim@corp.example', `X-Filler: ${'A'.repeat(size)}`, 'Subject: after the huge line', 'MIME-Version: 1.0', 'Content-Type: text/plain', '', 'body after a huge header', '');
}

/**
 * A multipart whose boundary is never closed: a few parts, then an attachment whose base64 runs to the end of
 * the data (`tailBytes` of it) with no closing boundary, as a truncated or evasive message has.
 */
export function unclosedBoundary(parts = 3, tailBytes = 1024 * 1024): string {
  const body: string[] = [];
  for (let i = 0; i < parts; i++) body.push('--never', 'Content-Type: text/plain', '', `part ${i}`);
  const line = 'QUFBQUFBQUFB'.repeat(7).slice(0, 76);
  const tail = Array.from({ length: Math.ceil(tailBytes / 78) }, () => line);
  return lines(HOSTILE_HEAD, 'Content-Type: multipart/mixed; boundary="never"', '', ...body, '--never', 'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="data.bin"', '', ...tail, '');
}

/** `depth` messages each attached (message/rfc822) to the one around it. */
export function nestedMessages(depth = 300): string {
  let inner = lines('From: attacker@hostile.example', 'To: victim@corp.example', 'Subject: the innermost', '', 'bottom', '');
  for (let i = depth - 1; i >= 0; i--) {
    inner = lines(
      'From: attacker@hostile.example',
      'To: victim@corp.example',
      `Subject: level ${i}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="m${i}"`,
      '',
      `--m${i}`,
      'Content-Type: message/rfc822',
      '',
      inner,
      `--m${i}--`,
      '',
    );
  }
  return inner;
}
