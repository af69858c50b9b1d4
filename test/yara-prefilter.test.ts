import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPrefilter, mayMatch, regexAtoms } from '../src/analyzers/yara/prefilter.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const wide = (s: string) => new Uint8Array(Buffer.from(s, 'utf16le'));

test('plain text a regular expression cannot match without', () => {
  assert.deepEqual(regexAtoms('\\brundll32(\\.exe)?\\b'), ['rundll32']);
  assert.deepEqual(regexAtoms('\\b(iex|Invoke-Expression)\\b'), ['iex', 'Invoke-Expression']);
  assert.deepEqual(regexAtoms('this\\s*\\[\\s*["\']WScript["\']\\s*\\]'), ['WScript']);
  assert.deepEqual(regexAtoms('https?:\\/\\/'), ['http']);
  assert.equal(regexAtoms('a|b'), undefined, 'a top-level alternation requires nothing');
  assert.equal(regexAtoms('[a-z]{4}\\d+'), undefined);
  assert.deepEqual(regexAtoms('ab(cd)?efgh'), ['efgh'], 'an optional group is not required');
});

const RULES = `
rule A { strings: $a = "ActiveXObject" nocase $b = /\\.Run\\s*\\(/ condition: filesize < 5MB and $a and $b }
rule W { strings: $w = "DownloadFile" wide ascii condition: any of them }
rule H { strings: $h = { 4D 5A ?? 00 50 45 } condition: uint16(0) == 0x5A4D and $h }
`;

test('a scan is skipped only when no rule can match', () => {
  const filter = buildPrefilter(RULES);
  assert.equal(mayMatch(filter, enc('Dear customer, your invoice is attached.')), false);
  assert.equal(mayMatch(filter, enc('var x = new activexobject("WScript.Shell"); x.Run ("calc")')), true, 'nocase');
  assert.equal(mayMatch(filter, enc('var x = new ActiveXObject("WScript.Shell")')), false, 'every part of the condition must be possible');
  assert.equal(mayMatch(filter, wide('(New-Object Net.WebClient).DownloadFile(u, p)')), true, 'wide');
  assert.equal(mayMatch(filter, new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x50, 0x45])), true, 'hex run after a wildcard');
});

test('a rule the prefilter cannot read sends everything to YARA', () => {
  for (const rules of [
    'rule N { strings: $a = "x1x2x3" condition: not $a }',
    'rule O { strings: $a = "x1x2x3" condition: $a or filesize < 10 }',
    'rule X { strings: $a = "x1x2x3" xor condition: $a }',
    'rule F { condition: filesize < 100 }',
  ]) {
    assert.equal(mayMatch(buildPrefilter(rules), enc('nothing relevant here')), true, rules);
  }
});
