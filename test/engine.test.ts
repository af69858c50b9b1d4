import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultConfig } from '../src/config.ts';
import { identify } from '../src/engine/identify.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import type { Analyzer, EngineConfig } from '../src/engine/types.ts';
import { buildReport } from '../src/verdict/report.ts';

const text = (s: string) => new TextEncoder().encode(s);

function config(limits: Partial<EngineConfig['limits']> = {}): EngineConfig {
  const c = defaultConfig();
  Object.assign(c.limits, limits);
  return c;
}

/** An "email" that yields one text child per line, and a text analyzer that raises a finding on "evil". */
const testAnalyzers: Analyzer[] = [
  {
    name: 'email',
    findings: {},
    analyze: (a) => ({
      children: Buffer.from(a.data)
        .toString()
        .split('\n')
        .slice(1)
        .map((line, i) => ({ relation: 'attachment' as const, name: `part${i}.txt`, data: text(line), kind: 'text' })),
      context: { passwords: [{ value: 'pw1', source: 'body', stated: true }] },
    }),
  },
  {
    name: 'text',
    findings: { 'test.evil': { title: 'Evil word', score: 600, attack: ['T1566.001'] } },
    analyze: (a, ctx) => {
      const body = Buffer.from(a.data).toString();
      if (body.includes('nest')) return { children: [{ relation: 'extracted', name: 'inner.txt', data: text(`${body}!`), kind: 'text' }] };
      if (body.includes('slow')) return new Promise(() => {});
      if (body.includes('crash')) throw new Error('parser fell over');
      return {
        findings: body.includes('evil') ? [{ id: 'test.evil', evidence: body }] : [],
        opened: body.includes('open') ? ctx.passwordCandidates().slice(0, 1) : undefined,
      };
    },
  },
];

test('identify goes by content first, name second', () => {
  assert.equal(identify(text('PK\u0003\u0004rest'), 'invoice.pdf'), 'zip');
  assert.equal(identify(text('Received: from x\nFrom: a@b\nSubject: hi\n\nbody'), 'note.txt'), 'email');
  assert.equal(identify(text('var s = new ActiveXObject("WScript.Shell"); s.Run("calc");'), 'a.txt'), 'jscript');
  assert.equal(identify(text('hello there'), 'readme.txt'), 'text');
  assert.equal(identify(text('just words'), 'script.ps1'), 'powershell');
  assert.equal(identify(text('powershell -nop -w hidden -enc SQBFAFgA'), 'cmd.txt'), 'cmdline');
  assert.equal(identify(new Uint8Array([0, 1, 2, 3, 0, 0]), 'x.js'), 'binary');
});

test('children are analysed, findings scored, the verdict computed from findings alone', async () => {
  const run = await analyzeSubmission(
    { name: 'r.eml', data: text('From: x@y\nevil one\nevil two\nharmless') },
    { config: config(), analyzers: testAnalyzers },
  );
  const report = buildReport(run);
  assert.equal(report.input.kind, 'email');
  assert.equal(report.artifacts.length, 4);
  assert.deepEqual(
    report.artifacts.map((a) => [a.id, a.parent, a.depth]),
    [['a1', null, 0], ['a2', 'a1', 1], ['a3', 'a1', 1], ['a4', 'a1', 1]],
  );
  assert.equal(report.findings.filter((f) => f.id === 'test.evil').length, 2);
  assert.equal(report.score, 600, 'one finding id counts once');
  assert.equal(report.verdict, 'suspicious');
  assert.deepEqual(report.attack, ['T1566.001']);
});

test('identical content is analysed once', async () => {
  const run = await analyzeSubmission({ name: 'r.eml', data: text('From: x@y\nsame\nsame') }, { config: config(), analyzers: testAnalyzers });
  assert.equal(run.artifacts.length, 2);
});

test('depth limit is reported as a finding, not a crash', async () => {
  const run = await analyzeSubmission({ name: 'r.eml', data: text('From: x@y\nnest') }, { config: config({ maxDepth: 5 }), analyzers: testAnalyzers });
  assert.equal(Math.max(...run.artifacts.map((a) => a.depth)), 5);
  assert.ok(run.limits.some((l) => l.limit === 'maxDepth'));
  assert.ok(run.findings.some((f) => f.id === 'limit.maxDepth'));
});

test('artifact count limit stops the tree and says so once', async () => {
  const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
  const run = await analyzeSubmission({ name: 'r.eml', data: text(`From: x@y\n${lines}`) }, { config: config({ maxArtifacts: 10 }), analyzers: testAnalyzers });
  assert.equal(run.artifacts.length, 10);
  assert.equal(run.limits.filter((l) => l.limit === 'maxArtifacts').length, 1);
});

test('a hung analyzer hits the time limit; a throwing one is an error; the rest goes on', async () => {
  const run = await analyzeSubmission(
    { name: 'r.eml', data: text('From: x@y\nslow\ncrash\nevil') },
    { config: config({ analyzerTimeMs: 200 }), analyzers: testAnalyzers },
  );
  assert.ok(run.limits.some((l) => l.limit === 'analyzerTimeMs' && l.artifact === 'a2'));
  assert.deepEqual(run.errors.map((e) => [e.analyzer, e.artifact, e.message]), [['text', 'a3', 'parser fell over']]);
  assert.ok(run.findings.some((f) => f.id === 'test.evil' && f.artifact === 'a4'));
});

test('passwords: stated ones are reported, and what opened which artifact', async () => {
  const run = await analyzeSubmission({ name: 'r.eml', data: text('From: x@y\nplease open') }, { config: config(), analyzers: testAnalyzers });
  assert.deepEqual(run.passwords, [{ value: 'pw1', source: 'body', opened: ['a2'] }]);
});

test('submission time limit stops the queue', async () => {
  const run = await analyzeSubmission(
    { name: 'r.eml', data: text('From: x@y\nslow\nslow2\nslow3') },
    { config: config({ analyzerTimeMs: 150, submissionTimeMs: 250 }), analyzers: testAnalyzers },
  );
  assert.ok(run.limits.some((l) => l.limit === 'submissionTimeMs'));
  assert.ok(run.elapsedMs < 2000);
});

test('every analyzer the routing table names is registered, and every registered one is routed', async () => {
  const { analyzers } = await import('../src/analyzers/index.ts');
  const { Router } = await import('../src/engine/routing.ts');
  const { loadRules } = await import('../src/engine/rules.ts');
  assert.deepEqual(new Router(analyzers).missing(), []);
  const routed = new Set(Object.values(loadRules<{ kinds: Record<string, { analyzers: string[] }> }>('routing.yaml').kinds).flatMap((k) => k.analyzers));
  assert.deepEqual(analyzers.map((a) => a.name).filter((n) => !routed.has(n)), []);
});
