// A local SMTP sink (smtp-server) on 127.0.0.1 that keeps every message it receives, parsed, for tests of
// the email the service sends. It can be told to refuse mail, to test that the outbox keeps trying.

import PostalMime, { type Email } from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  port: number;
  url: string;
  messages: (Email & { envelopeTo: string[] })[];
  /** While true, every message is refused with a temporary error. */
  refuse: boolean;
  /** Resolves when `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink = { messages: [], refuse: false } as unknown as SmtpSink;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (sink.refuse) return callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
        void PostalMime.parse(Buffer.concat(chunks)).then((email) => {
          sink.messages.push({ ...email, envelopeTo: session.envelope.rcptTo.map((r) => r.address) });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  sink.port = port;
  sink.url = `smtp://127.0.0.1:${port}`;
  sink.waitFor = async (count, timeoutMs = 15_000) => {
    const until = Date.now() + timeoutMs;
    while (sink.messages.length < count) {
      if (Date.now() > until) throw new Error(`only ${sink.messages.length} of ${count} messages arrived`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
