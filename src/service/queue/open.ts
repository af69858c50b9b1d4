// Chooses the job queue: the in-process pool by default, or BullMQ on Redis for `--queue redis://…`, where
// `tacklebox worker` processes on any number of machines run the analyses.

import { BullMqQueue, type BullMqOptions } from './bullmq.ts';
import { InProcessQueue } from './in-process.ts';
import type { JobQueue } from './types.ts';

export class QueueUrlError extends Error {}

export function isSharedQueue(url: string | undefined): url is string {
  return url !== undefined && url !== '' && url !== 'in-process';
}

export function openQueue(url: string | undefined, options: { concurrency: number } & Omit<BullMqOptions, 'url' | 'concurrency'>): JobQueue {
  if (!isSharedQueue(url)) return new InProcessQueue(options.concurrency);
  if (!/^rediss?:\/\//.test(url)) throw new QueueUrlError(`unknown queue "${url}": use redis://host:port (or in-process, the default)`);
  return new BullMqQueue({ ...options, url });
}
