// The `msg` analyzer: an Outlook item read with msgreader (in a worker, see msg-worker.mjs), mapped to the
// same message model as an .eml: transport headers, sender, recipients, text, HTML (also the HTML that only
// survives inside the compressed RTF body), attachments, and Outlook items attached to Outlook items.

import { Worker } from 'node:worker_threads';
import iconv from 'iconv-lite';
import { addressParser, decodeWords, type Address } from 'postal-mime';
import type { Analyzer, Artifact, AnalysisContext, AnalyzerResult } from '../../engine/types.ts';
import { MAIL_FINDINGS } from './findings.ts';
import type { HeaderField } from './headers.ts';
import { judge, type MailAttachment, type MailMessage, type Mailbox } from './message.ts';
import { isEncapsulatedHtml, rtfToHtml } from './rtf-html.ts';

/** What msg-worker.mjs sends back. */
interface MsgFields {
  subject?: string;
  messageClass?: string;
  senderName?: string;
  senderEmail?: string;
  senderSmtpAddress?: string;
  sentRepresentingSmtpAddress?: string;
  headers?: string;
  body?: string;
  bodyHtml?: string;
  html?: Uint8Array;
  internetCodepage?: number;
  messageId?: string;
  clientSubmitTime?: string;
  messageDeliveryTime?: string;
  recipients: { name?: string; email?: string; smtpAddress?: string; recipType?: 'to' | 'cc' | 'bcc' }[];
  rtf?: Uint8Array;
  attachments: { name: string; data?: Uint8Array; mimeType?: string; innerMsg?: boolean; error?: string }[];
  error?: string;
}

/** Memory one worker may use; a compound file that asks for more is hostile. */
const WORKER_HEAP_MB = 512;

export const msgAnalyzer: Analyzer = {
  name: 'msg',
  findings: MAIL_FINDINGS,
  async analyze(artifact: Artifact, ctx: AnalysisContext): Promise<AnalyzerResult> {
    let fields: MsgFields;
    try {
      fields = await readInWorker(artifact.data, ctx);
    } catch (err) {
      return { findings: [{ id: 'email.msg.unparseable', evidence: (err as Error).message.slice(0, 300) }], label: 'Outlook message' };
    }
    if (fields.error) return { findings: [{ id: 'email.msg.unparseable', evidence: fields.error.slice(0, 300) }], label: 'Outlook message' };
    const message = toMessage(fields);
    const errors = fields.attachments.filter((a) => a.error).map((a) => `attachment "${a.name}" could not be read: ${a.error}`);
    const result = await judge({ message, artifact, ctx, label: 'Outlook message', mimeDepth: Number(artifact.meta.mimeDepth ?? 0) || 0 });
    if (errors.length) result.errors = [...(result.errors ?? []), ...errors];
    return result;
  },
};

/**
 * One long-lived reader worker for the process, jobs in turn. A job that runs out of time or memory takes
 * the worker with it; the next job starts a fresh one. Idle, the worker does not keep the process alive.
 */
class MsgReaderWorker {
  private worker: Worker | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private nextId = 0;

  read(data: Uint8Array, signal: AbortSignal): Promise<MsgFields> {
    const job = this.tail.then(() => this.run(data, signal));
    this.tail = job.catch(() => undefined);
    return job;
  }

  private start(): Worker {
    const worker = new Worker(new URL('./msg-worker.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      execArgv: [],
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private run(data: Uint8Array, signal: AbortSignal): Promise<MsgFields> {
    if (signal.aborted) return Promise.reject(new Error('stopped: out of time'));
    const worker = this.worker ?? this.start();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.unref();
      };
      // A worker that failed or was stopped mid-item is never reused.
      const discard = () => {
        if (this.worker === worker) this.worker = undefined;
        // A worker stopped mid-item can still report what was killing it (ERR_WORKER_OUT_OF_MEMORY) after
        // terminate(); with no listener left that error was thrown in the analysis process (seen while fuzzing).
        worker.on('error', () => {});
        void worker.terminate();
      };
      const onMessage = (msg: { id: number; ok: boolean; value?: MsgFields; error?: string }) => {
        if (msg.id !== id) return;
        done();
        if (msg.ok) resolve(msg.value!);
        else reject(new Error(msg.error ?? 'unreadable'));
      };
      const onError = (err: Error) => {
        done();
        discard();
        reject(err);
      };
      const onExit = (code: number) => {
        done();
        discard();
        reject(new Error(`reader stopped (exit ${code})`));
      };
      const onAbort = () => {
        done();
        discard();
        reject(new Error('stopped: out of time'));
      };
      signal.addEventListener('abort', onAbort);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.ref();
      worker.postMessage({ id, data });
    });
  }
}

const reader = new MsgReaderWorker();

function readInWorker(data: Uint8Array, ctx: AnalysisContext): Promise<MsgFields> {
  if (data.length < 512) return Promise.reject(new Error(`${data.length} bytes is too small for an Outlook compound file`));
  return reader.read(data, ctx.signal);
}

export function toMessage(f: MsgFields): MailMessage {
  const headers = parseHeaderBlock(f.headers ?? '');
  const get = (k: string) => headers.find((h) => h.key === k)?.value;
  const fromHeader = addresses(get('from'))[0];
  const senderAddress = [f.senderSmtpAddress, f.sentRepresentingSmtpAddress, f.senderEmail].find((a) => a && a.includes('@'));
  const from: Mailbox | undefined = fromHeader ?? (senderAddress || f.senderName ? { name: f.senderName ?? '', address: senderAddress ?? '' } : undefined);
  const recipients = (type: 'to' | 'cc') =>
    f.recipients.filter((r) => (r.recipType ?? 'to') === type).map((r) => ({ name: r.name ?? '', address: [r.smtpAddress, r.email].find((a) => a && a.includes('@')) ?? r.email ?? '' }));
  let html = f.bodyHtml;
  if (!html && f.html && f.html.length > 0) html = decodeCodepage(f.html, f.internetCodepage);
  if (!html && f.rtf && isEncapsulatedHtml(f.rtf)) html = rtfToHtml(f.rtf);
  const attachments: MailAttachment[] = f.attachments
    .filter((a) => a.data)
    .map((a, i) => {
      const forwarded = a.innerMsg === true || a.mimeType === 'message/rfc822' || /\.(eml|msg)$/i.test(a.name);
      return { name: a.name || (forwarded ? `forwarded-${i + 1}.msg` : `attachment-${i + 1}`), data: a.data!, mimeType: a.mimeType ?? '', forwarded };
    });
  return {
    headers,
    subject: f.subject ?? (get('subject') ? decodeWords(get('subject')!) : undefined),
    from,
    sender: addresses(get('sender'))[0],
    replyTo: addresses(get('reply-to')),
    returnPath: get('return-path')?.replace(/[<>]/g, '').trim() || undefined,
    to: recipients('to').length ? recipients('to') : addresses(get('to')),
    cc: recipients('cc').length ? recipients('cc') : addresses(get('cc')),
    messageId: f.messageId ?? get('message-id'),
    date: f.clientSubmitTime ?? get('date'),
    text: f.body,
    html,
    attachments,
    // Non-delivery and read reports are REPORT.IPM.Note.NDR, REPORT.IPM.Note.IPNRN, …
    deliveryReport: /^REPORT\./i.test(f.messageClass ?? ''),
  };
}

/** PR_HTML is bytes in the item's internet codepage (65001 is UTF-8, 1252 Western, 936 Chinese, …). */
function decodeCodepage(bytes: Uint8Array, codepage: number | undefined): string {
  if (!codepage || codepage === 65001) return new TextDecoder('utf-8').decode(bytes);
  const name = `cp${codepage}`;
  return iconv.encodingExists(name) ? iconv.decode(Buffer.from(bytes), name) : new TextDecoder('windows-1252').decode(bytes);
}

/** PR_TRANSPORT_MESSAGE_HEADERS is the header block as it arrived: fields, folded lines. */
function parseHeaderBlock(block: string): HeaderField[] {
  const out: HeaderField[] = [];
  for (const field of block.slice(0, 1024 * 1024).split(/\r?\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    if (colon > 0) out.push({ key: field.slice(0, colon).trim().toLowerCase(), value: field.slice(colon + 1).replace(/\r?\n[ \t]+/g, ' ').trim() });
  }
  return out;
}

function addresses(value: string | undefined): Mailbox[] {
  if (!value) return [];
  const out: Mailbox[] = [];
  for (const a of addressParser(value, { flatten: true }) as Address[]) {
    if (a.address || a.name) out.push({ name: a.name ? decodeWords(a.name) : '', address: a.address ?? '' });
  }
  return out;
}
