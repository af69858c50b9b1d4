// The README is part of the contract: its first commands must be the ones CI runs, and its limits section
// must say what the code enforces.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { limitsMarkdown } from '../src/cli/limits.ts';
import { LIMIT_DEFINITIONS } from '../src/engine/limits.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const ci = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };

test('the README opens with the set-up-and-run command and the test command, and CI runs the latter', () => {
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
  const commands = firstBlock.split('\n').filter(Boolean).map((l) => l.replace(/#.*$/, '').trim());
  assert.equal(commands[0], 'npm ci && npm run demo');
  assert.equal(commands[1], 'npm test');
  assert.ok(pkg.scripts.demo && pkg.scripts.test);
  assert.match(ci, /^npm ci\b/m);
  assert.match(ci, /^npm test\b/m);
});

test("the README's limits section is the code's limits table", () => {
  const section = /<!-- limits:start[^>]*-->\n([\s\S]*?)\n<!-- limits:end -->/.exec(readme);
  assert.ok(section, 'limits section present');
  assert.equal(section[1], limitsMarkdown());
  for (const name of Object.keys(LIMIT_DEFINITIONS)) assert.ok(section[1]!.includes(`\`${name}\``), name);
});
