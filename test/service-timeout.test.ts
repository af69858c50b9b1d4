// The per-job time limit: a stuck analysis has its worker killed and its report failed with a reason, and
// the next report is analysed by a fresh worker.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rfc822, startTestService, submitEmail, waitFor } from './helpers/service.ts';

test('a job over the time limit fails with a reason; the next job runs on a fresh worker', { timeout: 60_000 }, async () => {
  process.env.TACKLEBOX_WORKER_DELAY_MS = '60000'; // read by each worker process when it starts
  const svc = await startTestService({ workers: 1, jobTimeMs: 5000 });
  try {
    const token = await svc.addUser('sam', 'analyst');
    const stuck = await submitEmail(svc.url, token, rfc822({ subject: 'stuck', messageId: '<stuck@x.example>' }));
    const failed = await waitFor(svc.url, token, stuck.json.id, ['done', 'failed'], 30_000);
    assert.equal(failed.json.status, 'failed');
    assert.match(failed.json.error, /time limit/);

    delete process.env.TACKLEBOX_WORKER_DELAY_MS;
    const next = await submitEmail(svc.url, token, rfc822({ subject: 'next', messageId: '<next@x.example>' }));
    assert.equal((await waitFor(svc.url, token, next.json.id, ['done', 'failed'], 30_000)).json.status, 'done');
  } finally {
    delete process.env.TACKLEBOX_WORKER_DELAY_MS;
    await svc.stop();
  }
});
