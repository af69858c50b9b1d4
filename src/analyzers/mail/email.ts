// The `email` analyzer: an RFC 822 message (.eml) read with postal-mime after the MIME guard has bounded it,
// then judged like every message (message.ts). Attached messages come back as `forwarded` children and are
// analysed as emails of their own.

import PostalMime, { type Address, type Email } from 'postal-mime';
import type { Analyzer, Artifact, AnalysisContext, FindingHit } from '../../engine/types.ts';
import { mailDnsFromConfig, type MailDns } from './dns.ts';
import { MAIL_FINDINGS } from './findings.ts';
import type { HeaderField } from './headers.ts';
import { judge, type MailAttachment, type MailMessage, type Mailbox } from './message.ts';
import { guardMime } from './mime-guard.ts';
import { verifyMail } from './verify.ts';

const FORWARDED_TYPES = new Set(['message/rfc822', 'message/global', 'application/vnd.ms-outlook']);

export const emailAnalyzer: Analyzer = {
  name: 'email',
  findings: MAIL_FINDINGS,
  async analyze(artifact: Artifact, ctx: AnalysisContext) {
    const depthSoFar = Number(artifact.meta.mimeDepth ?? 0) || 0;
    const guarded = guardMime(withoutMboxLine(artifact.data), ctx.limits, depthSoFar);
    const findings: FindingHit[] = [];
    if (guarded.unclosed.length > 0) {
      findings.push({ id: 'email.mime.unclosed-multipart', evidence: `boundary "${guarded.unclosed.at(-1)!.slice(0, 100)}" is opened and never closed` });
    }
    let message: MailMessage;
    try {
      const parsed = await PostalMime.parse(guarded.data, {
        forceRfc822Attachments: true,
        attachmentEncoding: 'arraybuffer',
        // The guard already enforced the configured limits; these only keep the parser from refusing input
        // the guard accepted.
        maxNestingDepth: ctx.limits.maxMimeDepth + 8,
        maxHeadersSize: guarded.data.length + 1024,
      });
      message = fromPostalMime(parsed);
    } catch (err) {
      findings.push({ id: 'email.mime.unparseable', evidence: (err as Error).message.slice(0, 300) });
      message = fromRawHeaders(guarded.data);
    }
    const cut = guarded.limits.length > 0;
    return judge({
      message,
      artifact,
      ctx,
      label: 'email',
      findings,
      limits: guarded.limits,
      mimeDepth: guarded.depth,
      verify: async (envelope) => {
        if (artifact.meta.rebuilt) return { status: 'unavailable', reason: 'rebuilt from an inline forward: no signatures survive' };
        if (cut) return { status: 'unavailable', reason: 'the message was cut at a limit' };
        return verifyMail(artifact.data, dnsOf(ctx), ctx.signal, envelope);
      },
    });
  },
};

/** An mbox export starts with "From sender date" (no colon): not a header, so not for the parser. */
function withoutMboxLine(data: Uint8Array): Uint8Array {
  if (data[0] !== 0x46 || data[4] !== 0x20 || new TextDecoder('latin1').decode(data.subarray(0, 5)) !== 'From ') return data;
  const nl = data.indexOf(0x0a);
  return nl < 0 ? data : data.subarray(nl + 1);
}

/** Without the shared service (a library caller that opened none), one resolver per configuration. */
const resolverByConfig = new WeakMap<object, MailDns>();

function dnsOf(ctx: AnalysisContext): MailDns {
  const service = ctx.services.dns as MailDns | undefined;
  if (service) return service;
  let dns = resolverByConfig.get(ctx.config);
  if (!dns) {
    dns = mailDnsFromConfig(ctx.config);
    resolverByConfig.set(ctx.config, dns);
  }
  return dns;
}

function mailboxes(list: readonly Address[] | Address | undefined): Mailbox[] {
  if (!list) return [];
  const out: Mailbox[] = [];
  for (const a of Array.isArray(list) ? list : [list]) {
    if (a.group) out.push(...a.group.map((m: Mailbox) => ({ name: m.name ?? '', address: m.address ?? '' })));
    else out.push({ name: a.name ?? '', address: a.address ?? '' });
  }
  return out.filter((m) => m.address || m.name);
}

export function fromPostalMime(p: Email): MailMessage {
  const headers: HeaderField[] = p.headers.map((h) => ({ key: h.key, value: h.value }));
  const attachments: MailAttachment[] = p.attachments.map((a, i) => {
    const data = typeof a.content === 'string' ? new TextEncoder().encode(a.content) : a.content instanceof Uint8Array ? a.content : new Uint8Array(a.content);
    const forwarded = FORWARDED_TYPES.has(a.mimeType) || /\.(eml|msg)$/i.test(a.filename ?? '');
    const name = a.filename?.trim() || defaultName(a.mimeType, i + 1, forwarded);
    return { name, data, mimeType: a.mimeType, forwarded };
  });
  return {
    headers,
    subject: p.subject,
    from: mailboxes(p.from)[0],
    sender: mailboxes(p.sender)[0],
    replyTo: mailboxes(p.replyTo),
    returnPath: p.returnPath?.replace(/[<>]/g, '').trim() || undefined,
    to: mailboxes(p.to),
    cc: mailboxes(p.cc),
    messageId: p.messageId,
    date: p.date,
    text: p.text,
    html: p.html,
    attachments,
    deliveryReport: /^\s*multipart\/report/i.test(headers.find((h) => h.key === 'content-type')?.value ?? ''),
  };
}

function defaultName(mimeType: string, n: number, forwarded: boolean): string {
  if (forwarded) return `forwarded-${n}.eml`;
  if (mimeType === 'text/calendar') return `invite-${n}.ics`;
  return `attachment-${n}`;
}

/** When MIME parsing fails, the header block still tells who sent what. */
function fromRawHeaders(data: Uint8Array): MailMessage {
  const text = new TextDecoder('latin1').decode(data.subarray(0, Math.min(data.length, 256 * 1024)));
  const end = text.search(/\r?\n\r?\n/);
  const block = end >= 0 ? text.slice(0, end) : text;
  const headers: HeaderField[] = [];
  for (const field of block.split(/\r?\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    if (colon > 0) headers.push({ key: field.slice(0, colon).trim().toLowerCase(), value: field.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim() });
  }
  const get = (k: string) => headers.find((h) => h.key === k)?.value;
  const box = (v: string | undefined): Mailbox[] => {
    if (!v) return [];
    const m = /^(.*?)<([^>]+)>/.exec(v);
    return [m ? { name: m[1]!.replace(/"/g, '').trim(), address: m[2]!.trim() } : { name: '', address: v.trim() }];
  };
  return { headers, subject: get('subject'), from: box(get('from'))[0], replyTo: box(get('reply-to')), to: box(get('to')), cc: [], messageId: get('message-id'), date: get('date'), attachments: [] };
}
