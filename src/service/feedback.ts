// Sends reporter feedback from the store's outbox over SMTP (nodemailer). A decision queues the emails in
// the same store as the reports, so a restart or an SMTP outage delays feedback but never drops it.

import nodemailer, { type Transporter } from 'nodemailer';
import { feedbackEmail } from './feedback-message.ts';
import type { Store } from './store/types.ts';

export interface FeedbackOptions {
  /** smtp://user:pass@host:port or smtps://… */
  smtpUrl: string;
  from: string;
  /** How often the outbox is retried when SMTP failed. */
  retryMs?: number;
  maxAttempts?: number;
}

export class FeedbackMailer {
  private readonly transport: Transporter;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly options: FeedbackOptions,
  ) {
    this.transport = nodemailer.createTransport(options.smtpUrl);
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.retryMs ?? 60_000);
    this.timer.unref();
    this.kick();
  }

  /** Sends what is pending now (called after each final decision). */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.flush()
      .catch((err: unknown) => {
        process.stderr.write(`tacklebox serve: feedback: ${(err as Error).message}\n`);
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once the outbox has been tried (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.idle();
    this.transport.close();
  }

  private async flush(): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 10;
    for (const message of await this.store.pendingFeedback(50)) {
      const report = await this.store.getReport(message.reportId);
      if (!report) continue;
      const mail = feedbackEmail(report, message.reporterName);
      try {
        await this.transport.sendMail({ from: this.options.from, to: message.to, subject: mail.subject, text: mail.text });
        await this.store.markFeedback(message.id, { sent: true });
      } catch (err) {
        await this.store.markFeedback(message.id, { sent: false, error: (err as Error).message, giveUp: message.attempts + 1 >= maxAttempts });
      }
    }
  }
}
