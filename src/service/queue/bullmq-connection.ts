// Redis connections for BullMQ. BullMQ in an ES module needs client instances rather than options. Workers
// block on Redis and must retry forever (a Redis restart is a pause, not a crash); producers fail fast
// instead, because the store, not Redis, is the record of what must be analysed.

import { Redis } from 'ioredis';

export type ConnectionRole = 'worker' | 'producer';

export function redisConnection(url: string, role: ConnectionRole): Redis {
  if (!/^rediss?:\/\//.test(url)) throw new Error(`not a Redis URL: use redis://host:port (or rediss:// for TLS)`);
  const client = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 2,
    enableOfflineQueue: role === 'worker',
    // reconnect quickly after a restart, then every 2 s
    retryStrategy: (times) => Math.min(100 * times, 2000),
    lazyConnect: false,
  });
  // Connection errors are retried by ioredis; without a listener each one would be printed as unhandled.
  let reported = 0;
  client.on('error', (err: Error) => {
    if (Date.now() - reported > 10_000) {
      reported = Date.now();
      process.stderr.write(`tacklebox: Redis ${redactRedis(url)}: ${err.message} (retrying)\n`);
    }
  });
  return client;
}

/** A Redis URL fit for logs: the password is not. */
export function redactRedis(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
