// `tacklebox serve --port P --data DIR`: the reporting service (API, UI, mailbox intake, reporter feedback).

import { QueueUrlError, sharedQueueUrl } from '../service/queue/open.ts';
import { startService } from '../service/service.ts';
import { parseStoreUrl, StoreUrlError } from '../service/store/open.ts';
import { parse, UsageError } from './args.ts';
import { engineConfigFrom } from './engine-config.ts';

const HELP = `usage: tacklebox serve --data DIR [options]

Runs the reporting service: the JSON API under /api, the analysts' UI at /, background analysis in worker
processes, and optionally a reporting mailbox and reporter feedback by email.

options:
  --data DIR             where the database and raw samples live (created if missing)
  --port P               port to listen on (default 8025; 0 picks a free one)
  --host H               address to listen on (default 127.0.0.1)
  --workers N            analysis worker processes (default: number of cores)
  --job-timeout S        seconds one analysis may take before its worker is stopped
                         (default: the engine's submission limit + 30)
  --store URL            where reports live: sqlite:PATH or postgres://user:pass@host:port/db
                         (default: DIR/tacklebox.db)
  --queue URL            redis://host:port: analyses run in 'tacklebox worker' processes, which read
                         raw samples from DIR/samples (a folder every worker can read)
  --config FILE          engine configuration (limits, fetch, analyzers), as for analyze
  --fetch off|live       follow links in reported mail (default off)
  --imap URL             poll a reporting mailbox: imap[s]://user:pass@host:port/MAILBOX
  --imap-done FOLDER     move processed reports there (default "tacklebox-done"; "" keeps them, flagged)
  --imap-interval S      seconds between mailbox polls (default 30)
  --smtp URL             send reporter feedback through smtp[s]://user:pass@host:port
  --smtp-from ADDRESS    sender of feedback emails (default security@localhost)

The mailbox, SMTP, store and queue URLs carry passwords: TACKLEBOX_IMAP_URL, TACKLEBOX_SMTP_URL,
TACKLEBOX_STORE and TACKLEBOX_QUEUE in the environment keep them out of the process list.

Add users with 'tacklebox users add NAME --role reporter|analyst|admin --data DIR'.`;

const OPTIONS = {
  data: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  workers: { type: 'string' },
  'job-timeout': { type: 'string' },
  store: { type: 'string' },
  queue: { type: 'string' },
  config: { type: 'string' },
  fetch: { type: 'string' },
  imap: { type: 'string' },
  'imap-done': { type: 'string' },
  'imap-interval': { type: 'string' },
  smtp: { type: 'string' },
  'smtp-from': { type: 'string' },
} as const;

export async function serveCommand(argv: string[]): Promise<number> {
  const args = parse(argv, OPTIONS, HELP);
  if (!args) return 0;
  const { values } = args;
  if (!values.data) throw new UsageError(`--data DIR is required\n\n${HELP}`);
  const config = engineConfigFrom(values);
  try {
    sharedQueueUrl(values.queue);
    parseStoreUrl(values.data, values.store);
  } catch (err) {
    if (err instanceof QueueUrlError || err instanceof StoreUrlError) throw new UsageError(err.message);
    throw err;
  }
  const imap = values.imap ?? process.env.TACKLEBOX_IMAP_URL;
  const smtp = values.smtp ?? process.env.TACKLEBOX_SMTP_URL;
  const service = await startService({
    dataDir: values.data,
    config,
    host: values.host ?? '127.0.0.1',
    port: count(values.port, '--port', 8025),
    workers: values.workers ? count(values.workers, '--workers', 1) : undefined,
    jobTimeMs: values['job-timeout'] ? count(values['job-timeout'], '--job-timeout', 0) * 1000 : undefined,
    mailbox: imap
      ? { url: imap, doneFolder: values['imap-done'] ?? 'tacklebox-done', intervalMs: count(values['imap-interval'], '--imap-interval', 30) * 1000 }
      : undefined,
    feedback: smtp ? { smtpUrl: smtp, from: values['smtp-from'] ?? 'security@localhost' } : undefined,
    store: values.store,
    queue: values.queue,
  });
  process.stdout.write(`tacklebox serve: listening on ${service.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await service.close();
  return 0;
}

function count(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} takes a whole number, got "${value}"`);
  return n;
}
