// Sharded hunting: a hunt cut into shards by log file and time slice, run by `tacklebox worker` processes
// from Redis, merges into exactly what one `tacklebox hunt` pass over the same logs finds (generated logs of
// one campaign in every shape, a zip with two members, a file whose events are out of time order).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { collectHunt, finishHunt, hunt } from '../src/hunt/impact.ts';
import { addIndicator, emptyIndicators } from '../src/hunt/indicators.ts';
import { mergeShards } from '../src/hunt/shard-merge.ts';
import { inSlice, planShards } from '../src/hunt/shard-plan.ts';
import { RuleSet } from '../src/hunt/sigma/engine.ts';
import { BUNDLED_RULES, loadSigma } from '../src/hunt/sigma/load.ts';
import * as gen from './generators/logs.ts';
import { startRedis, type Redis } from './helpers/redis.ts';
import { BIN, spawnWorker, type WorkerProcess } from './helpers/redis-workers.ts';

const c = gen.CAMPAIGN;
const CUTS = ['2026-11-29T09:10:00Z', '2026-11-29T09:36:00Z', '2026-11-29T09:41:00Z', '2026-11-29T09:42:00Z'];
let dir: string;
let logs: string;
let caseFile: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tacklebox-scale-hunt-'));
  logs = join(dir, 'logs');
  const files: Record<string, string | Uint8Array> = {
    'a-trace.csv': gen.exchangeTraceCsv(c),
    'b-access.log.gz': gen.gzip(gen.squidAccessLog(c)),
    'c-dns.json': gen.zeekDnsJson(c),
    'd-http.log': gen.zeekHttpTsv(c),
    // the chain newest first (minutes 42, 41, 40), then background (35-36): reading order is not time order
    'e-sysmon.json': gen.nxlogJson([...[...gen.CHAIN_PROCESSES].reverse(), ...gen.BACKGROUND_PROCESSES]),
    'f-ecs.json': gen.ecsEndpointJson([...gen.BACKGROUND_PROCESSES, ...gen.CHAIN_PROCESSES]),
    'g-maillog': gen.postfixMaillog(c),
    'h-bundle.zip': gen.zip({ 'gmail.json': gen.gmailJson(c), 'proxy.json': gen.ecsProxyJson(c) }),
  };
  const { mkdir } = await import('node:fs/promises');
  await mkdir(logs);
  for (const [name, data] of Object.entries(files)) await writeFile(join(logs, name), data);
  caseFile = join(dir, 'case.json');
  await writeFile(caseFile, gen.caseReportJson(c));
});
after(() => rm(dir, { recursive: true, force: true }));

test('merged shards equal one pass, list caps and reading order included (in process)', async () => {
  const loaded = await loadSigma([BUNDLED_RULES]);
  const rules = new RuleSet(loaded.rules, []);
  const indicators = emptyIndicators();
  for (const v of [c.payloadUrl, c.messageId, c.sender]) addIndicator(indicators, v);
  // Tiny caps make the merge re-apply them: which detections and endpoint clickers the one pass listed.
  for (const maxListed of [1000, 2]) {
    const single = await hunt({ indicators, rules, logs: [logs], maxListed });
    const shards = await planShards([logs], CUTS);
    assert.equal(shards.length, 8 * 5);
    const partials = [];
    for (const s of shards) partials.push({ fileIndex: s.fileIndex, partial: await collectHunt({ indicators, rules, logs: [s.path], maxListed, accept: inSlice(s) }) });
    const merged = finishHunt(mergeShards(partials, maxListed), { indicators });
    assert.deepEqual(merged, single, `maxListed ${maxListed}`);
    assert.ok(single.events > 50 && single.detections.length > 0 && single.recipients.length > 0, 'the logs exercise every part of the hunt');
  }
});

let redis: Redis;
let workerData: string;
const workers: WorkerProcess[] = [];
before(async () => {
  redis = await startRedis();
  workerData = await mkdtemp(join(tmpdir(), 'tacklebox-scale-hunt-workers-'));
});
after(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  await redis?.stop();
  await rm(workerData, { recursive: true, force: true });
});

async function tacklebox(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('tacklebox hunt --queue: two workers hunt the shards; the merged result is the single-process result', { timeout: 120_000 }, async () => {
  for (let i = 0; i < 2; i++) workers.push(await spawnWorker(['worker', '--queue', redis.url, '--data', workerData, '--workers', '1', '--hunt-shards', '2']));
  const single = await tacklebox(['hunt', '--case', caseFile, '--logs', logs, '--json']);
  assert.equal(single.code, 1, single.stderr);
  const sharded = await tacklebox(['hunt', '--case', caseFile, '--logs', logs, '--json', '--queue', redis.url, ...CUTS.flatMap((t) => ['--slice-at', t])]);
  assert.equal(sharded.code, single.code, sharded.stderr);
  const one = JSON.parse(single.stdout);
  assert.deepEqual(JSON.parse(sharded.stdout), one);
  // what the analyst checks: the campaign's recipients, downloaders and the infected host are all there
  assert.equal(one.summary.delivered, c.delivered.length);
  assert.equal(one.summary.downloaded, c.downloaded.length);
  assert.equal(one.hosts.find((h: { host: string }) => h.host === 'WS-ALICE').verdict, 'infected');

  const bad = await tacklebox(['hunt', '--case', caseFile, '--logs', logs, '--queue', redis.url, '--slice-at', 'yesterday']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--slice-at: not an ISO 8601 time/);
});
