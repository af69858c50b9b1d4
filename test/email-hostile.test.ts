// Hostile MIME must end within seconds with a report and a finding that says what was cut — never a
// crash or a hang. The guard's own behaviour is checked on the bytes it hands to the parser.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../src/analyze.ts';
import { guardMime } from '../src/analyzers/mail/mime-guard.ts';
import { defaultConfig } from '../src/config.ts';
import { defaultLimits } from '../src/engine/limits.ts';
import type { Report } from '../src/verdict/report.ts';
import * as mail from './generators/email.ts';

async function run(name: string, text: string): Promise<Report> {
  return analyze({ name, data: mail.bytes(text) }, defaultConfig());
}

const limitsHit = (r: Report) => r.limits.map((l) => l.limit);

test('300-deep multipart nesting stops at maxMimeDepth with a limit finding', async () => {
  const r = await run('deep.eml', mail.deepNesting(300));
  assert.ok(limitsHit(r).includes('maxMimeDepth'), JSON.stringify(r.limits));
  assert.ok(r.findings.some((f) => f.id === 'limit.maxMimeDepth'));
  assert.equal(r.email.subject, 'hostile MIME', 'the headers are still read');
  assert.deepEqual(r.errors, []);
});

test('20,000 parts stop at maxMimeParts; the first parts are still read', async () => {
  const r = await run('many.eml', mail.manyParts(20_000));
  assert.ok(limitsHit(r).includes('maxMimeParts'));
  const guarded = guardMime(mail.bytes(mail.manyParts(20_000)), defaultLimits());
  const kept = new TextDecoder().decode(guarded.data);
  assert.ok(kept.includes('part 1998') && !kept.includes('part 2000\r\n'), 'cut after the limit, at a part boundary');
  assert.deepEqual(r.errors, []);
});

test('a 5 MB header line is dropped at maxHeaderBytes; the fields after it survive', async () => {
  const r = await run('huge.eml', mail.hugeHeaderLine(5 * 1024 * 1024));
  assert.ok(limitsHit(r).includes('maxHeaderBytes'));
  assert.equal(r.email.subject, 'after the huge line');
  assert.equal(r.email.from, 'attacker@hostile.example');
  assert.ok(r.artifacts.some((a) => a.relation === 'body'));
});

test('a boundary never closed: the parts before the end are read and the malformation is a finding', async () => {
  const r = await run('unclosed.eml', mail.unclosedBoundary(3, 1024 * 1024));
  assert.ok(r.findings.some((f) => f.id === 'email.mime.unclosed-multipart' && f.evidence.includes('never')));
  assert.ok(r.artifacts.some((a) => a.name === 'data.bin'), 'the unterminated attachment is still extracted');
  assert.deepEqual(r.errors, []);
});

test('a chain of attached messages shares one maxMimeDepth budget', () => {
  const limits = { ...defaultLimits(), maxMimeDepth: 5 };
  const guarded = guardMime(mail.bytes(mail.deepNesting(3)), limits, 4);
  assert.ok(guarded.limits.some((l) => l.limit === 'maxMimeDepth'));
  assert.equal(guardMime(mail.bytes(mail.deepNesting(3)), limits, 0).limits.length, 0);
});

test('300 messages attached inside each other stop at the tree depth limit', async () => {
  const r = await run('nested.eml', mail.nestedMessages(300));
  assert.ok(limitsHit(r).some((l) => l === 'maxDepth' || l === 'maxMimeDepth'), JSON.stringify(r.limits));
  assert.ok(r.artifacts.length <= defaultConfig().limits.maxDepth + 2);
  assert.deepEqual(r.errors, []);
});

test('garbage and empty input give a report, not a crash', async () => {
  for (const data of [new Uint8Array(0), new Uint8Array(4096).fill(0xff), mail.bytes('From: a@b\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n')]) {
    const r = await analyze({ name: 'junk.eml', data }, defaultConfig());
    assert.equal(r.schema, 'tacklebox.report/1');
    assert.deepEqual(r.errors.filter((e) => e.analyzer === 'email'), []);
  }
});
