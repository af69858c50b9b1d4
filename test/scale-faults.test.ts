// Fault tests of the scaled-out service on real engines (PostgreSQL store, Redis queue, `tacklebox worker`
// processes): a worker killed with SIGKILL mid-analysis, Redis restarted (empty) while reports are queued,
// 1000 reports submitted at once, a job whose analysis keeps dying going to the dead-letter view, and the
// per-job time limit. The store is the record: nothing accepted is lost, nothing is analysed
// twice, repeats of one original are merged.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { startCluster, type Cluster } from './helpers/redis-workers.ts';
import { call, reportWrapper, rfc822, startTestService, submitEmail, submitWave, waitFor, type TestService } from './helpers/service.ts';

let cluster: Cluster;
let db: pg.Client;
let configPath: string;

before(async () => {
  cluster = await startCluster();
  db = new pg.Client({ connectionString: cluster.storeUrl });
  await db.connect();
  // A tight engine configuration keeps a thousand small analyses quick.
  configPath = join(cluster.dataDir, 'tight.yaml');
  await writeFile(configPath, 'limits:\n  submissionTimeMs: 20000\n  analyzerTimeMs: 5000\n  maxArtifacts: 20\n  maxDepth: 4\n  maxLinks: 5\n');
});
after(async () => {
  await db?.end();
  await cluster?.stop();
});

/** The service (intake + API) on the cluster; analyses go to the workers. */
function service(): Promise<TestService> {
  return startTestService({ store: cluster.storeUrl, queue: cluster.queueUrl, samplesDir: cluster.samplesDir, sweepMs: 1000, config: loadConfig(configPath) });
}

async function stopWorkers(): Promise<void> {
  await Promise.all(cluster.workers.splice(0).map((w) => w.kill('SIGTERM')));
}

const workerArgs = () => ['--workers', '1', '--lease', '3', '--sweep', '1', '--config', configPath];

test('a worker killed with SIGKILL mid-analysis: its report is taken over and finishes once', { timeout: 90_000 }, async () => {
  const svc = await service();
  try {
    const token = await svc.addUser('kim', 'analyst');
    // Each analysis is held 3 s in its process, so the report is surely in flight when its worker dies.
    const slow = { TACKLEBOX_WORKER_DELAY_MS: '3000' };
    await Promise.all([cluster.startWorker({ args: workerArgs(), env: slow }), cluster.startWorker({ args: workerArgs(), env: slow })]);
    const { json } = await submitEmail(svc.url, token, rfc822({ subject: 'kill the worker', messageId: '<sigkill@x.example>' }));
    await waitFor(svc.url, token, json.id, ['analyzing'], 30_000);
    const { rows } = await db.query('SELECT lease_owner FROM reports WHERE id = $1', [json.id]);
    const holder = cluster.workers.find((w) => w.id === rows[0].lease_owner);
    assert.ok(holder, `the report is leased by one of the workers (${rows[0].lease_owner})`);
    await holder.kill('SIGKILL');

    const done = await waitFor(svc.url, token, json.id, ['done', 'failed'], 60_000);
    assert.equal(done.json.status, 'done', done.json.error);
    assert.equal(done.json.attempts, 2, 'claimed by the dead worker, then once more by the live one');
    // Once: a while later it has not been analysed again, and the queue holds nothing for it.
    await new Promise((r) => setTimeout(r, 4000));
    const later = await call(svc.url, 'GET', `/api/reports/${json.id}`, { token });
    assert.deepEqual([later.json.status, later.json.attempts, later.json.finishedAt], ['done', 2, done.json.finishedAt]);
    assert.deepEqual((await call(svc.url, 'GET', '/api/stats', { token })).json.queue, { waiting: 0, running: 0 });
  } finally {
    await stopWorkers();
    await svc.stop();
  }
});

test('Redis restarted empty while reports are queued (and down while more arrive): nothing is lost', { timeout: 90_000 }, async () => {
  const svc = await service();
  try {
    const token = await svc.addUser('rita', 'analyst');
    // No worker yet: the reports wait in Redis.
    const before = await Promise.all(
      Array.from({ length: 20 }, (_, i) => submitEmail(svc.url, token, rfc822({ subject: `queued ${i}`, messageId: `<redis-q-${i}@x.example>` }))),
    );
    assert.deepEqual(new Set(before.map((r) => r.status)), new Set([202]));
    assert.equal((await call(svc.url, 'GET', '/api/stats', { token })).json.queue.waiting, 20);

    await cluster.redis.down();
    const during = await Promise.all(
      Array.from({ length: 5 }, (_, i) => submitEmail(svc.url, token, rfc822({ subject: `while down ${i}`, messageId: `<redis-d-${i}@x.example>` }))),
    );
    assert.deepEqual(new Set(during.map((r) => r.status)), new Set([202]), 'reports are accepted while Redis is down: the store holds them');
    await cluster.redis.up();

    await Promise.all([cluster.startWorker({ args: workerArgs() }), cluster.startWorker({ args: workerArgs() })]);
    for (const r of [...before, ...during]) {
      const done = await waitFor(svc.url, token, r.json.id, ['done', 'failed'], 60_000);
      assert.equal(done.json.status, 'done', done.json.error);
      assert.equal(done.json.attempts, 1);
    }
  } finally {
    await stopWorkers();
    await svc.stop();
  }
});

test('Redis restarted under a running analysis: the job is queued again, but the live lease keeps the report with its worker', { timeout: 90_000 }, async () => {
  const svc = await service();
  try {
    const token = await svc.addUser('lena', 'analyst');
    // A 1 s lease, renewed while the 4 s analysis runs; the other worker gets the re-queued job meanwhile.
    const args = ['--workers', '1', '--lease', '1', '--sweep', '0.5', '--config', configPath];
    const slow = { TACKLEBOX_WORKER_DELAY_MS: '4000' };
    await Promise.all([cluster.startWorker({ args, env: slow }), cluster.startWorker({ args, env: slow })]);
    const { json } = await submitEmail(svc.url, token, rfc822({ subject: 'in flight', messageId: '<in-flight@x.example>' }));
    await waitFor(svc.url, token, json.id, ['analyzing'], 30_000);
    const { rows } = await db.query('SELECT lease_owner FROM reports WHERE id = $1', [json.id]);
    await cluster.redis.restart();
    const done = await waitFor(svc.url, token, json.id, ['done', 'failed'], 60_000);
    assert.equal(done.json.status, 'done', done.json.error);
    assert.equal(done.json.attempts, 1, 'the live worker kept its report: no second analysis');
    assert.ok(rows[0].lease_owner, 'it was analysed under a lease');
  } finally {
    await stopWorkers();
    await svc.stop();
  }
});

test('1000 reports at once on two workers: each analysed exactly once, repeats merged', { timeout: 150_000 }, async () => {
  const svc = await service();
  try {
    const analyst = await svc.addUser('max', 'analyst');
    const reporters = await Promise.all(Array.from({ length: 4 }, (_, i) => svc.addUser(`staff${i}`, 'reporter', `staff${i}@corp.example`)));
    await Promise.all([cluster.startWorker({ args: workerArgs() }), cluster.startWorker({ args: workerArgs() })]);
    const originals = Array.from({ length: 750 }, (_, i) =>
      rfc822({ from: `Payroll <pay${i % 9}@hr-portal.example>`, subject: `Salary slip ${i}`, messageId: `<slip-${i}@hr-portal.example>`, text: `Slip ${i}` }),
    );
    // 250 repeats of originals 0..249 from another reporter, half of them inside a report wrapper.
    const submissions = [
      ...originals.map((raw, i) => ({ token: reporters[i % 4]!, raw, original: i })),
      ...originals.slice(0, 250).map((raw, i) => ({
        token: reporters[(i + 1) % 4]!,
        raw: i % 2 ? reportWrapper(`staff${(i + 1) % 4} <staff${(i + 1) % 4}@corp.example>`, raw) : raw,
        original: i,
      })),
    ];
    const idOf = await submitWave(svc.url, submissions);
    assert.equal(idOf.size, 750);

    // Every report ends done, claimed exactly once (attempts 1), and both workers took part.
    const until = Date.now() + 130_000;
    for (;;) {
      const { rows } = await db.query("SELECT status, count(*)::int AS n, max(attempts) AS most FROM reports WHERE subject LIKE 'Salary slip %' GROUP BY status");
      const done = rows.find((r) => r.status === 'done');
      if (done?.n === 750 || Date.now() > until) {
        assert.deepEqual(rows.map((r) => [r.status, r.n, r.most]), [['done', 750, 1]]);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const merged = await call(svc.url, 'GET', `/api/reports/${idOf.get(5)}`, { token: analyst });
    assert.deepEqual(merged.json.reporters.map((r: { name: string }) => r.name).sort(), ['staff1', 'staff2']);
    assert.equal(merged.json.attempts, 1);
    assert.deepEqual((await call(svc.url, 'GET', '/api/stats', { token: analyst })).json.queue, { waiting: 0, running: 0 });
    assert.deepEqual((await call(svc.url, 'GET', '/api/jobs/dead', { token: analyst })).json.jobs, []);
  } finally {
    await stopWorkers();
    await svc.stop();
  }
});

test('a job whose analysis keeps dying is dead-lettered: analysts see it, retry it, and it is analysed', { timeout: 90_000 }, async () => {
  const svc = await service();
  try {
    const analyst = await svc.addUser('dora', 'analyst');
    const reporter = await svc.addUser('rob', 'reporter');
    // Two deliveries, 0.5 s apart; each analysis held 2 s so that its process can be killed under it.
    const worker = await cluster.startWorker({ args: [...workerArgs(), '--attempts', '2', '--backoff', '0.5'], env: { TACKLEBOX_WORKER_DELAY_MS: '2000' } });
    const { json } = await submitEmail(svc.url, analyst, rfc822({ subject: 'kills its analysis', messageId: '<dead-letter@x.example>' }));
    for (const attempt of [1, 2]) {
      await until(async () => {
        const { rows } = await db.query('SELECT status, attempts FROM reports WHERE id = $1', [json.id]);
        return rows[0].status === 'analyzing' && rows[0].attempts === attempt;
      });
      killAnalysisProcess(worker.child.pid!);
    }
    const failed = await waitFor(svc.url, analyst, json.id, ['failed'], 30_000);
    assert.match(failed.json.error, /the queue gave up after its retries: .*died/);

    assert.equal((await call(svc.url, 'GET', '/api/jobs/dead', { token: reporter })).status, 403);
    const dead = await call(svc.url, 'GET', '/api/jobs/dead', { token: analyst });
    assert.equal(dead.status, 200);
    const job = dead.json.jobs.find((j: { reportId: string }) => j.reportId === json.id);
    assert.ok(job, `the job is in the dead-letter view: ${JSON.stringify(dead.json)}`);
    assert.equal(job.attempts, 2);
    assert.equal(job.status, 'failed');
    assert.equal(job.subject, 'kills its analysis');

    const retried = await call(svc.url, 'POST', `/api/jobs/dead/${json.id}/retry`, { token: analyst });
    assert.equal(retried.status, 202);
    const done = await waitFor(svc.url, analyst, json.id, ['done', 'failed'], 30_000);
    assert.equal(done.json.status, 'done', done.json.error);
    const after = await call(svc.url, 'GET', '/api/jobs/dead', { token: analyst });
    assert.ok(!after.json.jobs.some((j: { reportId: string }) => j.reportId === json.id), 'no longer dead');
    assert.equal((await call(svc.url, 'POST', `/api/jobs/dead/${json.id}/retry`, { token: analyst })).status, 404);
  } finally {
    await stopWorkers();
    await svc.stop();
  }
});

test('a worker stops an analysis at its per-job time limit: the report fails with the reason, once, and is not dead-lettered', { timeout: 60_000 }, async () => {
  const svc = await service();
  try {
    const analyst = await svc.addUser('tim', 'analyst');
    await cluster.startWorker({ args: [...workerArgs(), '--job-timeout', '2'], env: { TACKLEBOX_WORKER_DELAY_MS: '60000' } });
    const { json } = await submitEmail(svc.url, analyst, rfc822({ subject: 'never ends', messageId: '<stuck-scale@x.example>' }));
    const failed = await waitFor(svc.url, analyst, json.id, ['done', 'failed'], 40_000);
    assert.equal(failed.json.status, 'failed');
    assert.match(failed.json.error, /time limit/);
    assert.equal(failed.json.attempts, 1, 'a sample that hangs is not retried');
    const dead = await call(svc.url, 'GET', '/api/jobs/dead', { token: analyst });
    assert.ok(!dead.json.jobs.some((j: { reportId: string }) => j.reportId === json.id));
  } finally {
    await stopWorkers();
    await svc.stop();
  }
});

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGKILLs the worker's analysis process (as an out-of-memory kill would). */
function killAnalysisProcess(workerPid: number): void {
  const ps = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(workerPid)]).toString();
  const line = ps.split('\n').find((l) => /worker\.ts analysis/.test(l));
  assert.ok(line, `an analysis process runs under the worker:\n${ps}`);
  process.kill(Number(line.trim().split(/\s+/)[0]), 'SIGKILL');
}
