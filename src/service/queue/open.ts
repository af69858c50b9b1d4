// Chooses the job queue from `--queue`: the in-process pool by default (no URL, or "in-process"), or BullMQ
// on Redis for redis://… (rediss:// with TLS), where `tacklebox worker` processes on any machines analyse.

export class QueueUrlError extends Error {}

/** The Redis URL of a shared queue, or undefined for the in-process default; throws on anything else. */
export function sharedQueueUrl(url: string | undefined): string | undefined {
  if (url === undefined || url === '' || url === 'in-process') return undefined;
  if (!/^rediss?:\/\/[^/]/.test(url)) throw new QueueUrlError(`unknown queue "${url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@')}": use redis://host:port, or in-process (the default)`);
  return url;
}
