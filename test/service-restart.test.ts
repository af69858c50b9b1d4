// Crash safety with a real process: `tacklebox serve` is killed with SIGKILL while analyses run; on restart
// every report it accepted is resumed and ends done. Also: `users add` prints a working token last.

import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { call, rfc822, submitEmail, waitFor } from './helpers/service.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'tacklebox.js');

async function serve(dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dataDir, '--port', '0', '--workers', '2'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited early (${code}): ${out}`)));
  });
  return { child, url };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test('kill -9 during analysis: on restart every accepted report resumes and ends done', { timeout: 90_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tacklebox-restart-'));
  try {
    const added = await promisify(execFile)(process.execPath, [BIN, 'users', 'add', 'sam', '--role', 'analyst', '--data', dataDir]);
    const token = added.stdout.trim().split('\n').pop()!;
    assert.match(token, /^tbx_[A-Za-z0-9_-]{40,}$/);

    // Each job is held 2 s in its worker so that analyses are surely in flight when the service dies.
    const first = await serve(dataDir, { TACKLEBOX_WORKER_DELAY_MS: '2000' });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await submitEmail(first.url, token, rfc822({ subject: `crash test ${i}`, messageId: `<crash-${i}@x.example>`, text: `body ${i}` }));
      assert.equal(res.status, 202);
      ids.push(res.json.id);
    }
    await waitFor(first.url, token, ids[0]!, ['analyzing'], 20_000);
    await killed(first.child);

    const second = await serve(dataDir);
    try {
      const reports = [];
      for (const id of ids) reports.push((await waitFor(second.url, token, id, ['done', 'failed'], 60_000)).json);
      assert.deepEqual(
        reports.map((r) => r.status),
        ids.map(() => 'done'),
      );
      assert.ok(
        reports.some((r) => r.attempts >= 2),
        'at least one analysis was cut by the kill and run again',
      );
      const listed = await call(second.url, 'GET', '/api/reports', { token });
      assert.equal(listed.json.reports.length, 6, 'nothing lost, nothing doubled');
    } finally {
      await killed(second.child);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
