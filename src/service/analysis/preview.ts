// What the report page shows of the reported email itself: the original's headers, its text, and its HTML
// made inert for display. Built in the analysis worker (parsing hostile mail is analysis work), stored with
// the report. The HTML is only ever shown inside a sandboxed iframe under a CSP that blocks every load; the
// rewriting here is a second wall: no refresh, no base, no live link or remote reference survives.

import PostalMime from 'postal-mime';
import { isOutlookMsg } from '../identity.ts';
import { readMsg } from '../outlook-msg.ts';

export interface EmailPreview {
  /** The message shown: the forwarded original when the report wraps one, else the report itself. */
  headers: [string, string][];
  subject: string | null;
  from: string | null;
  to: string[];
  date: string | null;
  text: string | null;
  html: string | null;
  attachments: { filename: string | null; mimeType: string; size: number }[];
  /** The employee's wrapper, when the original came attached to it. */
  wrapper: { from: string | null; subject: string | null } | null;
  truncated: boolean;
}

const MAX_HEADERS = 300;
const MAX_HEADER_VALUE = 4000;
const MAX_BODY = 512 * 1024;

export async function emailPreview(data: Uint8Array): Promise<EmailPreview | null> {
  if (isOutlookMsg(data)) return msgPreview(data);
  const email = await PostalMime.parse(data, { forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer', maxNestingDepth: 40 });
  if (email.headers.length === 0) return null; // not an email at all (an uploaded file)
  const attached = email.attachments.find((a) => a.mimeType.toLowerCase() === 'message/rfc822' || /\.eml$/i.test(a.filename ?? ''));
  if (attached && typeof attached.content !== 'string') {
    const inner = await emailPreview(new Uint8Array(attached.content)).catch(() => null);
    if (inner) return { ...inner, wrapper: { from: addressText(email.from), subject: email.subject ?? null } };
  }
  let truncated = false;
  const clip = (s: string | undefined, max: number) => {
    if (s === undefined) return null;
    if (s.length > max) truncated = true;
    return s.slice(0, max);
  };
  return {
    headers: email.headers.slice(0, MAX_HEADERS).map((h) => [h.originalKey ?? h.key, h.value.slice(0, MAX_HEADER_VALUE)]),
    subject: email.subject ?? null,
    from: addressText(email.from),
    to: (email.to ?? []).map((a) => addressText(a) ?? '').filter(Boolean),
    date: email.date ?? null,
    text: clip(email.text, MAX_BODY),
    html: email.html ? inertHtml(clip(email.html, MAX_BODY)!) : null,
    attachments: email.attachments.slice(0, 200).map((a) => ({
      filename: a.filename,
      mimeType: a.mimeType,
      size: typeof a.content === 'string' ? a.content.length : a.content.byteLength,
    })),
    wrapper: null,
    truncated: truncated || email.headers.length > MAX_HEADERS,
  };
}

function msgPreview(data: Uint8Array): EmailPreview {
  const info = readMsg(data);
  const headers: [string, string][] = [];
  for (const m of (info.headers ?? '').replace(/\r?\n[ \t]+/g, ' ').matchAll(/^([!-9;-~]+):[ \t]*(.*)$/gm)) {
    if (headers.length >= MAX_HEADERS) break;
    headers.push([m[1]!, m[2]!.slice(0, MAX_HEADER_VALUE)]);
  }
  const html = info.bodyHtml ?? (info.html ? new TextDecoder().decode(info.html) : undefined);
  return {
    headers,
    subject: info.subject ?? null,
    from: info.senderEmail ? `${info.senderName ?? ''} <${info.senderEmail}>`.trim() : (info.senderName ?? null),
    to: (info.recipients ?? []).map((r) => r.smtpAddress ?? r.email ?? r.name ?? '').filter(Boolean),
    date: info.messageDeliveryTime ?? info.clientSubmitTime ?? null,
    text: info.body?.slice(0, MAX_BODY) ?? null,
    html: html ? inertHtml(html.slice(0, MAX_BODY)) : null,
    attachments: (info.attachments ?? []).slice(0, 200).map((a) => ({ filename: a.fileName ?? a.name ?? null, mimeType: a.attachMimeTag ?? 'application/octet-stream', size: a.contentLength ?? 0 })),
    wrapper: null,
    truncated: (info.body?.length ?? 0) > MAX_BODY,
  };
}

function addressText(a: { name?: string; address?: string } | undefined): string | null {
  if (!a) return null;
  if (a.name && a.address) return `${a.name} <${a.address}>`;
  return a.address ?? a.name ?? null;
}

/**
 * Disarms HTML for display: drops <meta>, <base>, <script>, <link>, <object>/<embed> and inline handlers, and renames
 * every attribute that loads or navigates (href, src, action, …) so that even a click stays in place; CSS url() and
 * @import are renamed too, so not even a blocked request is attempted.
 */
export function inertHtml(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?(?:<\/script\s*>|$)/gi, '')
    .replace(/<(meta|base|link|object|embed|applet|portal)\b[^>]*>/gi, '')
    .replace(/([\s/"'])on([a-z]+\s*=)/gi, '$1data-blocked-on$2')
    .replace(/([\s/"'])(href|src|srcset|action|formaction|background|poster|xlink:href|ping|lowsrc|dynsrc|data)(\s*=)/gi, '$1data-blocked-$2$3')
    .replace(/\burl\s*\(/gi, 'blocked-url(')
    .replace(/@import\b/gi, '@blocked-import');
}
