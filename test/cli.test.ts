// The command-line contract: exit status as scanners do it, one report per input, progress on stderr for a
// folder, and messages a person can act on when the command itself is wrong.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Report } from '../src/verdict/report.ts';
import { calendarInvite, invoiceNotice, qakbotLure } from './generators/email.ts';

const exec = promisify(execFile);
const cli = (args: string[]) =>
  exec(process.execPath, ['bin/tacklebox.js', ...args], { env: { ...process.env, NO_COLOR: '1' } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tb-cli-'));
  await mkdir(join(dir, 'inbox'));
  await writeFile(join(dir, 'inbox', '1-invoice.eml'), invoiceNotice());
  await writeFile(join(dir, 'inbox', '2-invite.eml'), calendarInvite());
  await writeFile(join(dir, 'lure.eml'), qakbotLure());
});

test('benign mail exits 0 with a readable verdict', async () => {
  const r = await cli(['analyze', join(dir, 'inbox', '1-invoice.eml')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /BENIGN \(score \d+\)/);
});

test('a folder gives one JSON line per file, in order, with progress on stderr', async () => {
  const r = await cli(['analyze', join(dir, 'inbox'), '--jsonl']);
  assert.equal(r.code, 0, r.stderr);
  const reports = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Report);
  assert.deepEqual(reports.map((x) => x.input.name), ['1-invoice.eml', '2-invite.eml']);
  assert.ok(reports.every((x) => x.schema === 'tacklebox.report/1'));
  assert.match(r.stderr, /\[1\/2\].*1-invoice\.eml/);
  assert.match(r.stderr, /\[2\/2\].*2-invite\.eml/);
});

test('the readable output shows indicators defanged, never as live links', async () => {
  const r = await cli(['analyze', join(dir, 'lure.eml')]);
  assert.match(r.stdout, /hxxp\[:\/\/\]/);
  assert.doesNotMatch(r.stdout, /https?:\/\//);
});

test('a missing file, an unreadable file, an unknown option and a bad value exit 2 with a message', async () => {
  const missing = await cli(['analyze', join(dir, 'nope.eml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or folder: .*nope\.eml/);

  // Root reads any mode; /proc/self/mem exists but cannot be read from its start (EIO), for root too.
  const locked = join(dir, 'locked.eml');
  await writeFile(locked, 'x');
  await chmod(locked, 0o000);
  const unreadablePath = process.getuid?.() === 0 ? '/proc/self/mem' : locked;
  const unreadable = await cli(['analyze', unreadablePath]);
  assert.equal(unreadable.code, 2);
  assert.match(unreadable.stderr, /cannot read .*(locked\.eml: EACCES|mem: EIO)/);

  const option = await cli(['analyze', '--frobnicate', join(dir, 'lure.eml')]);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /Unknown option '--frobnicate'/);
  assert.match(option.stderr, /usage: tacklebox analyze/);

  const fetch = await cli(['analyze', '--fetch', 'sometimes', join(dir, 'lure.eml')]);
  assert.equal(fetch.code, 2);
  assert.match(fetch.stderr, /--fetch takes off or live/);

  const command = await cli(['analyse-this']);
  assert.equal(command.code, 2);
  assert.match(command.stderr, /unknown command "analyse-this"/);
});
