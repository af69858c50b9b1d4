// Acceptance of the scale-out: the service's own API tests (test/api.test.ts, unchanged) pass against a
// real PostgreSQL store and a Redis queue, with the analyses done by two separate `tacklebox worker`
// processes. The API tests run in a child process whose environment points startService at the cluster.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { startCluster } from './helpers/redis-workers.ts';

const ROOT = join(import.meta.dirname, '..');

function withoutTestContext(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_TEST_CONTEXT: _, ...rest } = env;
  return rest;
}

test('the API tests pass unchanged on PostgreSQL + Redis with two worker processes', { timeout: 170_000 }, async () => {
  const cluster = await startCluster();
  try {
    const workers = [await cluster.startWorker(), await cluster.startWorker()];
    const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', join('test', 'api.test.ts')], {
        cwd: ROOT,
        // without the parent runner's NODE_TEST_CONTEXT, the child reports in TAP rather than to the parent
        env: { ...withoutTestContext(process.env), ...cluster.serviceEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      child.once('exit', (code) => resolve({ code, out }));
    });
    const passed = Number(/^# pass (\d+)/m.exec(run.out)?.[1] ?? 0);
    const failed = Number(/^# fail (\d+)/m.exec(run.out)?.[1] ?? -1);
    assert.equal(run.code, 0, `the API tests failed on PostgreSQL + Redis:\n${run.out.slice(-8000)}`);
    assert.equal(failed, 0);
    assert.ok(passed >= 10, `the API tests ran (${passed} passed)`);

    // The reports really went through the shared engines: they are rows in PostgreSQL, analysed by both workers'
    // leases (each finished report was claimed under one of the two worker ids).
    const db = new pg.Client({ connectionString: cluster.storeUrl });
    await db.connect();
    try {
      const { rows } = await db.query("SELECT count(*)::int AS n FROM reports WHERE status = 'done'");
      assert.ok(rows[0].n >= 10, `reports analysed in PostgreSQL: ${rows[0].n}`);
    } finally {
      await db.end();
    }
    for (const w of workers) assert.equal(w.child.exitCode, null, `worker ${w.id} is still running:\n${w.output()}`);
  } finally {
    await cluster.stop();
  }
});
