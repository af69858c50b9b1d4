// `tacklebox hunt` as an analyst runs it: a case report and logs in, JSON or a readable summary out,
// exit status 1 when something was found, 2 when the command itself is wrong.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import * as gen from './generators/logs.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tacklebox-hunt-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function tacklebox(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/tacklebox.js', ...args], { maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const c = gen.CAMPAIGN;
const reportFile = join(dir, 'case.json');
writeFileSync(reportFile, gen.caseReportJson(c));
writeFileSync(join(dir, 'trace.csv'), gen.exchangeTraceCsv(c));
writeFileSync(join(dir, 'access.log.gz'), gen.gzip(gen.squidAccessLog(c)));
writeFileSync(join(dir, 'sysmon.json'), gen.nxlogJson([...gen.CHAIN_PROCESSES, ...gen.BACKGROUND_PROCESSES]));

test('hunt --json: the contract fields, exit status 1 when impact is found', async () => {
  const r = await tacklebox(['hunt', '--case', reportFile, '--logs', join(dir, 'trace.csv'), '--logs', join(dir, 'access.log.gz'), '--logs', join(dir, 'sysmon.json'), '--json']);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const key of ['detections', 'recipients', 'clickers', 'downloaders', 'hosts', 'suppressed', 'coverage']) assert.ok(key in out, key);
  for (const d of out.detections) for (const k of ['rule', 'title', 'level', 'host', 'user', 'time', 'source']) assert.ok(k in d, k);
  assert.equal(out.summary.delivered, c.delivered.length);
  assert.equal(out.summary.downloaded, c.downloaded.length);
  assert.equal(out.hosts.find((h: { host: string }) => h.host === 'WS-ALICE').verdict, 'infected');
  assert.deepEqual(out.coverage.sources.map((s: { shapes: string[] }) => s.shapes[0]), ['exchange-trace', 'squid', 'nxlog-json']);
});

test('hunt without --json prints a summary a person reads', async () => {
  const r = await tacklebox(['hunt', '--ioc', c.payloadUrl, dir]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Web: 2 clicked, 1 downloaded/);
  assert.match(r.stdout, /WS-ALICE\s+INFECTED/);
  assert.match(r.stdout, /Coverage:/);
});

test('hunt --convert prints queries; bad options exit 2 with a message', async () => {
  const kql = await tacklebox(['hunt', '--convert', 'kql']);
  assert.equal(kql.code, 0);
  assert.equal((kql.stdout.match(/^DeviceProcessEvents$/gm) ?? []).length, 12);
  const bad = await tacklebox(['hunt', '--convert', 'sql']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--convert takes spl, kql, esql/);
  const none = await tacklebox(['hunt']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no --logs given/);
});
