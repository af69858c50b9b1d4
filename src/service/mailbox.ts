// Polls the reporting mailbox over IMAP (imapflow). A message is turned into reports and committed to the
// store first; only then is it flagged and moved to the done folder. A crash in between means the message is
// read again on the next poll, and the store merges the repeat into the same reports: never lost, never doubled.

import { ImapFlow } from 'imapflow';
import type { Intake } from './intake.ts';
import { splitReport } from './mailbox-split.ts';
import type { Store } from './store/types.ts';

export interface MailboxOptions {
  /** imap://user:pass@host:port/MAILBOX or imaps://… */
  url: string;
  /** Where processed reports go; empty keeps them in place, flagged. */
  doneFolder: string;
  intervalMs: number;
  /** Messages larger than this are flagged for a person and left in place. */
  maxMessageBytes?: number;
}

export const PROCESSED_FLAG = '$TackleboxReported';
export const TOO_LARGE_FLAG = '$TackleboxTooLarge';

export class MailboxIntake {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<number> | undefined;
  private closed = false;
  lastError: string | null = null;

  constructor(
    private readonly options: MailboxOptions,
    private readonly intake: Intake,
    private readonly store: Store,
  ) {}

  start(): void {
    const tick = () => {
      if (this.closed) return;
      void this.poll().finally(() => {
        if (!this.closed) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.polling?.catch(() => 0);
  }

  /** One pass over the mailbox, after any pass in progress; returns how many messages it processed. */
  poll(): Promise<number> {
    const previous = this.polling ?? Promise.resolve(0);
    const pass: Promise<number> = previous
      .then(() => this.pollOnce())
      .then((n) => {
        this.lastError = null;
        return n;
      })
      .catch((err: unknown) => {
        this.lastError = (err as Error).message;
        process.stderr.write(`tacklebox serve: mailbox: ${this.lastError}\n`);
        return 0;
      })
      .finally(() => {
        if (this.polling === pass) this.polling = undefined;
      });
    this.polling = pass;
    return pass;
  }

  private async pollOnce(): Promise<number> {
    const url = new URL(this.options.url);
    const mailbox = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX';
    const client = new ImapFlow({
      host: url.hostname,
      port: Number(url.port) || (url.protocol === 'imaps:' ? 993 : 143),
      secure: url.protocol === 'imaps:',
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
      logger: false,
      // loopback test servers speak plain IMAP; anything else must offer TLS
      doSTARTTLS: isLoopback(url.hostname) ? false : undefined,
    });
    client.on('error', () => {}); // surfaced by the awaited call that hits it
    await client.connect();
    let processed = 0;
    try {
      if (this.options.doneFolder) await ensureFolder(client, this.options.doneFolder);
      const lock = await client.getMailboxLock(mailbox);
      try {
        const uids = (await client.search({ unKeyword: PROCESSED_FLAG }, { uid: true })) || [];
        for (const uid of uids) {
          if (this.closed) break;
          if (await this.processMessage(client, uid)) processed++;
        }
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return processed;
  }

  private async processMessage(client: ImapFlow, uid: number): Promise<boolean> {
    const max = this.options.maxMessageBytes ?? 50 * 1024 * 1024;
    const head = await client.fetchOne(String(uid), { size: true, flags: true }, { uid: true });
    if (!head) return false;
    if (head.flags?.has(TOO_LARGE_FLAG)) return false;
    if ((head.size ?? 0) > max) {
      await client.messageFlagsAdd(String(uid), [TOO_LARGE_FLAG, '\\Flagged'], { uid: true });
      return false;
    }
    const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
    if (!message || !message.source) return false;
    const { reporter, submissions } = await splitReport(new Uint8Array(message.source));
    const user = reporter.email ? await this.store.userByEmail(reporter.email) : null;
    for (const s of submissions) {
      await this.intake.submit({
        data: s.data,
        name: s.name,
        contentType: s.contentType,
        reporter: { name: user?.name ?? reporter.name, email: reporter.email, userId: user?.id ?? null, via: 'mailbox' },
      });
    }
    await client.messageFlagsAdd(String(uid), [PROCESSED_FLAG, '\\Seen'], { uid: true });
    if (this.options.doneFolder) await client.messageMove(String(uid), this.options.doneFolder, { uid: true });
    return true;
  }
}

async function ensureFolder(client: ImapFlow, path: string): Promise<void> {
  const list = await client.list();
  if (!list.some((m) => m.path === path)) await client.mailboxCreate(path);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}
