import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyze } from '../src/analyze.ts';
import { SandboxPool, V8_STARTUP_RESERVATION_MIB } from '../src/analyzers/jscript/sandbox/pool.ts';
import { defaultConfig } from '../src/config.ts';
import { openServices, type OpenServices } from '../src/services.ts';
import type { Report } from '../src/verdict/report.ts';

// Short limits keep the hostile cases fast; each must end inside them with a finding.
const config = defaultConfig();
config.limits.sandboxTimeMs = 1_500;
config.limits.sandboxMemoryMiB = 192;
let opened: OpenServices;
const dir = mkdtempSync(join(tmpdir(), 'tb-sandbox-'));
const canary = join(dir, 'escaped');
before(async () => {
  opened = await openServices(config);
});
after(async () => {
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(source: string): Promise<{ report: Report }> {
  const report = await analyze({ name: 'hostile.js', data: new TextEncoder().encode(`var sh = new ActiveXObject("WScript.Shell");\n${source}`) }, config, opened.services);
  return { report };
}
const ids = (r: Report) => new Set(r.findings.map((f) => f.id));

test('an endless loop is interrupted at the time limit, with a finding and a limit', async () => {
  const { report } = await run('while (true) {}');
  assert.ok(ids(report).has('jscript.hostile.endless-loop'));
  assert.ok(report.limits.some((l) => l.limit === 'sandboxTimeMs'));
  const root = report.artifacts.find((a) => a.relation === 'root')!;
  assert.deepEqual(((root.facts?.emulation ?? []) as { outcome: string }[]).map((e) => e.outcome), ['timeout']);
});

test('a string-doubling memory bomb ends at the memory cap, with a finding', async () => {
  const { report } = await run('var s = "xxxxxxxxxxxxxxxx"; var keep = []; while (true) { s = s + s; keep.push(s); }');
  assert.ok(ids(report).has('jscript.hostile.memory-bomb'), [...ids(report)].join(','));
  assert.ok(report.limits.some((l) => l.limit === 'sandboxMemoryMiB'));
});

test('unbounded recursion ends with a finding, and the pool keeps working afterwards', async () => {
  const { report } = await run('function down(n) { return down(n + 1) + 1; } down(0);');
  assert.ok(ids(report).has('jscript.hostile.recursion'), [...ids(report)].join(','));
  const { report: next } = await run('sh.Run("cmd /c echo still alive");');
  assert.ok(next.findings.some((f) => f.id === 'jscript.exec.command' && f.evidence.includes('still alive')));
});

// Each names the finding it must raise: escapes proper, or Node.js module loading (which legitimate Node
// code does too, so it is noted but not scored as an escape).
const escapes: [string, string, string][] = [
  ['constructor.constructor', 'jscript.sandbox.escape-attempt', `var p = this.constructor.constructor("return process")(); p.mainModule.require("fs").writeFileSync(${JSON.stringify(canary)}, "x");`],
  ['Function via a COM object', 'jscript.sandbox.escape-attempt', `var F = sh.constructor.constructor; var c = "return pro" + "cess"; F(c)().mainModule.require("child_process").execSync("touch ${canary}");`],
  ['require', 'jscript.host.node-api', `require("fs").writeFileSync(${JSON.stringify(canary)}, "x");`],
  ['import()', 'jscript.host.node-api', `import("fs").then(function (fs) { fs.writeFileSync(${JSON.stringify(canary)}, "x"); });`],
];
for (const [name, finding, source] of escapes) {
  test(`escape attempt through ${name}: a finding, and nothing happens on the host`, async () => {
    const { report } = await run(source);
    assert.ok(ids(report).has(finding), [...ids(report)].join(','));
    assert.equal(existsSync(canary), false);
  });
}

test('library code that only checks for a Node.js host stays benign', async () => {
  const umd = `(function (root, factory) {
    if (typeof exports === 'object' && typeof module !== 'undefined') module.exports = factory(require('fs'));
    else if (typeof define === 'function' && define.amd) define([], factory);
    else root.lib = factory(typeof process !== 'undefined' && process.env ? null : {});
  })(this, function (x) { return { version: '1.0', env: typeof process, x: x }; });`;
  const report = await analyze({ name: 'lib.umd.js', data: new TextEncoder().encode(umd) }, config, opened.services);
  assert.equal(report.verdict, 'benign', JSON.stringify(report.findings));
  assert.deepEqual(report.findings.filter((f) => f.id.startsWith('jscript.')), []);
});

test('the sandbox sees no host globals and reports through strings only', async () => {
  const pool = new SandboxPool({ size: 1, memoryMiB: 192 });
  try {
    const result = await pool.emulate({
      code: 'WScript.Echo([typeof process, typeof require, typeof __report, typeof __config, typeof globalThis.fetch].join(","));',
      scriptName: 'probe.js',
      http: 'not-found',
      timeMs: 2_000,
      maxEvents: 100,
      maxEventBytes: 1 << 16,
    });
    const echo = result.events.find((e) => e.t === 'echo');
    assert.equal(echo?.text, 'undefined,undefined,undefined,undefined,undefined');
  } finally {
    await pool.close();
  }
});

test('a run stuck where the interrupt cannot reach is killed at the wall clock, and the pool replaces the process', async () => {
  // A native sort of millions of numbers never checks the interrupt deadline.
  const pool = new SandboxPool({ size: 1, memoryMiB: 192, killAfterMs: 100 });
  try {
    const job = { scriptName: 'sort.js', http: 'not-found' as const, timeMs: 100, maxEvents: 100, maxEventBytes: 1 << 16 };
    const stuck = await pool.emulate({ ...job, code: 'WScript.Echo("start"); var a = []; for (var i = 0; i < 4e6; i++) a.push((i * 7919) % 1000003); a.sort(); WScript.Echo("sorted");' });
    assert.equal(stuck.outcome, 'timeout');
    assert.ok(!stuck.events.some((e) => e.text === 'sorted'));
    const next = await pool.emulate({ ...job, timeMs: 5_000, code: 'WScript.Echo("fresh");' });
    assert.deepEqual(next.events.filter((e) => e.t === 'echo').map((e) => e.text), ['fresh']);
  } finally {
    await pool.close();
  }
});

test('a long sleep loop before acting is waited out; a retry loop that only repeats itself is stopped early', async () => {
  const { report: patient } = await run('for (var i = 0; i < 5000; i++) WScript.Sleep(10); sh.Run("cmd /c after-the-wait");');
  assert.ok(patient.findings.some((f) => f.id === 'jscript.exec.command' && f.evidence.includes('after-the-wait')));
  assert.ok(patient.findings.some((f) => f.id === 'jscript.evasion.sleep'));
  const { report: stuck } = await run(`
    var x = new ActiveXObject("MSXML2.XMLHTTP");
    while (true) { try { x.open("GET", "http://retry.example/p", false); x.send(); if (x.responseText.indexOf("secret") >= 0) break; } catch (e) {} }
  `);
  const root = stuck.artifacts.find((a) => a.relation === 'root')!;
  assert.deepEqual(((root.facts?.emulation ?? []) as { outcome: string }[]).map((e) => e.outcome), ['stalled']);
  assert.ok(stuck.iocs.some((i) => i.type === 'url' && i.value === 'http://retry.example/p'));
  assert.ok(!stuck.limits.some((l) => l.limit === 'sandboxTimeMs'), 'stopped before the time limit');
});

test('hostile input for the static pass: absurd nesting and a concatenation bomb end in a result, not a crash', async () => {
  const nested = `var a = ${'('.repeat(100_000)}1${')'.repeat(100_000)}; sh.Run("cmd /c nested");`;
  // Folding every step would build terabytes; under emulation the run ends at the memory cap after the Run.
  const doubling = ['var s0 = "abcdefgh";', 'var s1 = s0 + s0; var s2 = s1 + s1; var s3 = s2 + s2;', 'sh.Run("cmd /c " + s3);', ...Array.from({ length: 40 }, (_, i) => `var t${i + 4} = ${i === 0 ? 's3' : `t${i + 3}`} + ${i === 0 ? 's3' : `t${i + 3}`};`)].join('\n');
  for (const source of [nested, doubling]) {
    const { report } = await run(source);
    assert.deepEqual(report.errors.filter((e) => e.analyzer === 'jscript'), []);
    assert.ok(report.artifacts[0]!.facts?.emulation, 'the script was still emulated');
  }
  const { report } = await run(doubling);
  assert.ok(report.findings.some((f) => f.id === 'jscript.exec.command' && f.evidence.includes('abcdefgh'.repeat(8))));
});

test('a busy-wait on the clock ends quickly: the clock moves each time the script reads it', async () => {
  const { report } = await run('var start = new Date(); while (new Date() - start < 60000) {} sh.Run("cmd /c waited a minute");');
  assert.ok(report.findings.some((f) => f.id === 'jscript.exec.command' && f.evidence.includes('waited a minute')));
  assert.ok(!report.limits.some((l) => l.limit === 'sandboxTimeMs'));
});

test('library idioms that generate a little code stay benign', async () => {
  const lib = 'var root = Function("return this")(); var json = new Function("return " + "{\\"a\\": 1}")(); root.util = { a: json.a };';
  const report = await analyze({ name: 'util.js', data: new TextEncoder().encode(lib) }, config, opened.services);
  assert.equal(report.verdict, 'benign', JSON.stringify(report.findings));
});

test('each sandbox process runs under the OS memory cap', async () => {
  const pool = new SandboxPool({ size: 1, memoryMiB: 200 });
  try {
    await pool.warm();
    const [pid] = pool.pids();
    assert.ok(pid);
    const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
    const data = /^Max data size\s+(\d+)\s+(\d+)/m.exec(limits);
    assert.ok(data, limits);
    // The cap is the memory budget plus what V8 reserves before any code runs (nothing on Node 20 and 22).
    assert.equal(Number(data[1]), (200 + V8_STARTUP_RESERVATION_MIB) * 1024 * 1024);
  } finally {
    await pool.close();
  }
});
