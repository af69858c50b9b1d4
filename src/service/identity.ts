// What makes two reports "the same original message": when employees forward one phish as an attachment,
// the attached original is the thing reported, not each employee's wrapper. The identity is taken from the
// original's Message-ID (with its sender and subject, so a forged Message-ID alone does not merge two
// different mails) or, without one, from the original's bytes.

import { createHash } from 'node:crypto';
import PostalMime from 'postal-mime';
import { readMsg } from './outlook-msg.ts';

/** Larger submissions are identified by their bytes alone: parsing more would hold up intake. */
const MAX_PARSE_BYTES = 25 * 1024 * 1024;

export interface ReportIdentity {
  identity: string;
  /** The subject of the reported original, for the queue before analysis finishes. */
  subject: string | null;
}

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export function isOutlookMsg(data: Uint8Array): boolean {
  return data.length >= 8 && OLE_MAGIC.every((b, i) => data[i] === b);
}

/** Parses the mail, so it belongs in a worker process: a large hostile message takes seconds. */
export async function reportIdentity(data: Uint8Array): Promise<ReportIdentity> {
  if (data.length > MAX_PARSE_BYTES) return bytesIdentity(data);
  try {
    return (await identify(data, 0)) ?? bytesIdentity(data);
  } catch {
    return bytesIdentity(data); // unparseable mail is still a report; its bytes identify it
  }
}

export function bytesIdentity(data: Uint8Array): ReportIdentity {
  return { identity: `sha256:${sha256(data)}`, subject: null };
}

interface Header {
  messageId?: string;
  from?: string;
  subject?: string;
}

async function identify(data: Uint8Array, depth: number): Promise<ReportIdentity | null> {
  if (isOutlookMsg(data)) return fromHeader(msgHeader(data), data);
  const email = await PostalMime.parse(data, { forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer', maxNestingDepth: 40 });
  const original = depth === 0 ? email.attachments.find(isAttachedMessage) : undefined;
  if (original && typeof original.content !== 'string') {
    const inner = await identify(new Uint8Array(original.content), depth + 1);
    if (inner) return inner;
  }
  return fromHeader(
    { messageId: email.messageId, from: email.from?.address ?? email.from?.name, subject: email.subject },
    data,
  );
}

function isAttachedMessage(a: { mimeType: string; filename: string | null }): boolean {
  const name = (a.filename ?? '').toLowerCase();
  return a.mimeType.toLowerCase() === 'message/rfc822' || name.endsWith('.eml') || name.endsWith('.msg') || a.mimeType === 'application/vnd.ms-outlook';
}

function msgHeader(data: Uint8Array): Header {
  const info = readMsg(data);
  const headerValue = (name: string) => new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(info.headers ?? '')?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
  return {
    messageId: info.messageId ?? headerValue('Message-ID'),
    from: info.senderEmail ?? headerValue('From'),
    subject: info.subject ?? headerValue('Subject'),
  };
}

function fromHeader(h: Header, data: Uint8Array): ReportIdentity {
  const subject = h.subject?.slice(0, 500) ?? null;
  const messageId = h.messageId?.trim().replace(/^<|>$/g, '').toLowerCase();
  if (!messageId) return { identity: `sha256:${sha256(data)}`, subject };
  const key = [messageId, (h.from ?? '').toLowerCase(), h.subject ?? ''].join('\n');
  return { identity: `message-id:${sha256(new TextEncoder().encode(key))}`, subject };
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
