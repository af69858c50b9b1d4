// A worker process: opens the shared services once, then analyses one sample per message from the service
// (or, for intake workers, reads a new report's identity). It runs apart from the API so a slow or crashing analysis never blocks or kills intake; the
// service kills it when a job outlives its time limit.
//
// TACKLEBOX_WORKER_DELAY_MS holds every job that long before analysis: fault tests use it to have a job
// reliably in flight when they kill or time out a worker.

import { readFile } from 'node:fs/promises';
import { analyze } from '../../analyze.ts';
import { openServices, type OpenServices } from '../../services.ts';
import { reportIdentity } from '../identity.ts';
import { emailPreview } from './preview.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const delayMs = Number(process.env.TACKLEBOX_WORKER_DELAY_MS ?? 0) || 0;
let opened: OpenServices | undefined;
let config: Extract<ToWorker, { type: 'init' }>['config'] | undefined;

function send(message: FromWorker): void {
  // The service may be gone (shut down or killed); a result nobody reads is not an error worth a crash.
  if (process.connected) process.send?.(message, undefined, {}, () => {});
}

process.on('message', (message: ToWorker) => {
  void handle(message).catch((err: unknown) => {
    process.stderr.write(`tacklebox worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
});

// The service going away (even by kill -9) closes the channel: leave with it rather than linger.
process.on('disconnect', () => {
  void opened?.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});

async function handle(message: ToWorker): Promise<void> {
  if (message.type === 'init') {
    config = message.config;
    opened = message.openServices ? await openServices(config) : { services: {}, close: async () => {} };
    send({ type: 'ready' });
    return;
  }
  if (!config || !opened) throw new Error('job before init');
  const { jobId, task } = message;
  try {
    const data = await readFile(task.samplePath);
    if (task.type === 'identify') {
      send({ type: 'result', jobId, outcome: await reportIdentity(data) });
      return;
    }
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const report = await analyze({ name: task.name, data }, config, opened.services);
    const preview = await emailPreview(data).catch(() => null);
    send({ type: 'result', jobId, outcome: { report, preview } });
  } catch (err) {
    send({ type: 'error', jobId, message: err instanceof Error ? err.message : String(err) });
  }
}
