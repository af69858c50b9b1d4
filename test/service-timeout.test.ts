// Worker faults: a stuck analysis has its worker killed at the job time limit and its report failed with a
// reason (the next report gets a fresh worker); a worker killed mid-job has its report analysed again.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

test('an analysis worker killed mid-job: the report is analysed again and ends done, once', { timeout: 60_000 }, async () => {
  process.env.TACKLEBOX_WORKER_DELAY_MS = '3000';
  const svc = await startTestService({ workers: 1 });
  try {
    const token = await svc.addUser('sam', 'analyst');
    const { json } = await submitEmail(svc.url, token, rfc822({ subject: 'killed', messageId: '<killed@x.example>' }));
    await waitFor(svc.url, token, json.id, ['analyzing'], 30_000);
    const ps = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)]).toString();
    const worker = ps.split('\n').find((line) => /worker\.ts analysis/.test(line));
    assert.ok(worker, `an analysis worker runs under the service:\n${ps}`);
    delete process.env.TACKLEBOX_WORKER_DELAY_MS;
    process.kill(Number(worker.trim().split(/\s+/)[0]), 'SIGKILL');
    const done = await waitFor(svc.url, token, json.id, ['done', 'failed'], 30_000);
    assert.equal(done.json.status, 'done');
    assert.equal(done.json.attempts, 2);
  } finally {
    delete process.env.TACKLEBOX_WORKER_DELAY_MS;
    await svc.stop();
  }
});
