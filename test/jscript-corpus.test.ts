// The 60 real WSH droppers of the dev corpus: general behaviour over the whole set, never per-file answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jscriptAnalyzer } from '../src/analyzers/jscript/index.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import { openServices, type OpenServices } from '../src/services.ts';
import { buildReport, type Report } from '../src/verdict/report.ts';
import { loadDropperCorpus, type Sample } from './generators/jscript-corpus.ts';

const config = defaultConfig();
let opened: OpenServices;
let samples: Sample[] = [];
const results: { name: string; report: Report }[] = [];

before(async () => {
  samples = await loadDropperCorpus();
  opened = await openServices(config);
  // Two at a time, like a folder run on a two-core machine.
  const queue = [...samples];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      // The JScript analyzer alone (its layers included): what these tests judge, in half the time.
      const run = await analyzeSubmission({ name: s.name, data: s.data }, { config, analyzers: [jscriptAnalyzer], services: opened.services });
      results.push({ name: s.name, report: buildReport(run) });
    }
  };
  await Promise.all([worker(), worker()]);
});
after(async () => {
  await opened?.close();
});

test('the corpus is the 60 droppers', () => {
  assert.equal(samples.length, 60);
  assert.equal(results.length, 60);
});

test('URLs are recovered from at least 90% of the droppers, each with its domain or IP', () => {
  const withUrl = results.filter((r) => r.report.iocs.some((i) => i.type === 'url'));
  assert.ok(withUrl.length >= 54, `${withUrl.length}/60 with a URL; without: ${results.filter((r) => !withUrl.includes(r)).map((r) => r.name).join(', ')}`);
  for (const { report } of withUrl) {
    const hosts = report.iocs.filter((i) => i.type === 'domain' || i.type === 'ip');
    assert.ok(hosts.length > 0);
  }
});

test('commands the droppers run are captured as command-line children', () => {
  const withCommand = results.filter((r) => r.report.artifacts.some((a) => a.relation === 'executed-command' && a.kind === 'cmdline'));
  assert.ok(withCommand.length >= 20, `${withCommand.length}/60 with a command`);
});

test('no dropper crashes the analyzer, every one is judged malicious or suspicious', () => {
  for (const { name, report } of results) {
    assert.deepEqual(report.errors.filter((e) => e.analyzer === 'jscript'), [], name);
  }
  const flagged = results.filter((r) => r.report.verdict !== 'benign');
  assert.ok(flagged.length >= 57, `${flagged.length}/60 flagged`);
});

test('every emulation ends on its own or at a limit, and a limit is always reported', () => {
  const known = new Set(['completed', 'quit', 'error', 'stalled', 'timeout', 'memory', 'stack']);
  for (const { name, report } of results) {
    for (const a of report.artifacts.filter((x) => x.kind === 'jscript' || x.kind === 'jse')) {
      const runs = (a.facts?.emulation ?? []) as { outcome: string }[];
      assert.ok(runs.length >= 1, `${name}: ${a.name} was emulated`);
      for (const r of runs) {
        assert.ok(known.has(r.outcome), `${name}: ${r.outcome}`);
        if (r.outcome === 'timeout') assert.ok(report.limits.some((l) => l.limit === 'sandboxTimeMs' && l.artifact === a.id), name);
      }
    }
  }
});
