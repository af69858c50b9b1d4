// Conformance: every rule of the SigmaHQ regression set (corpora/sigma-regression) must match the events
// recorded for it exactly `match_count` times; when the test info gives no count, at least once (as SigmaHQ's
// own regression runner reads it).

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { readLogFile } from '../src/hunt/logs/read.ts';
import { RuleSet } from '../src/hunt/sigma/engine.ts';
import { loadYamlText, type Loaded } from '../src/hunt/sigma/load.ts';

const ROOT = '/work/shared/corpora/sigma-regression';

/**
 * Cases whose recorded events hold more genuine matches than `match_count` says: the rule's plain `contains` /
 * `endswith` values appear in several events of the file (AnyDesk's user.conf.new written twice plus its ~RF
 * temp file; procdump, procdump64 and procdump64a all dropped; both AutoShareServer and AutoShareWks set).
 * SigmaHQ's own regression runner reads match_count as a floor (more matches is a warning, "consider updating
 * match_count"); here every other case must match exactly, and these must give exactly the count listed.
 */
const MORE_EVENTS_THAN_COUNT = new Map([
  ['file_event_win_anydesk_artefact', 3],
  ['file_event_win_cred_dump_tools_dropped_files', 3],
  ['registry_set_disable_administrative_share', 2],
]);

interface Case {
  name: string;
  rule: string;
  events: string[];
  expected: number | undefined;
}

function cases(): Case[] {
  if (!existsSync(ROOT)) return [];
  return readdirSync(ROOT).sort().map((name) => {
    const dir = join(ROOT, name);
    const info = parse(readFileSync(join(dir, 'info.yml'), 'utf8')) as { regression_tests_info?: { match_count?: number }[] } | null;
    const expected = info?.regression_tests_info?.[0]?.match_count;
    const events = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f));
    return { name, rule: join(dir, 'rule.yml'), events, expected };
  });
}

export async function runCase(c: Case): Promise<{ matches: number; errors: string[] }> {
  const loaded: Loaded = { rules: [], filters: [], errors: [] };
  loadYamlText(readFileSync(c.rule, 'utf8'), c.rule, loaded);
  const errors = loaded.errors.map((e) => e.message);
  const set = new RuleSet(loaded.rules);
  let matches = 0;
  for (const file of c.events) {
    for await (const event of readLogFile(file, { onFile: (r) => errors.push(...r.errorSamples.map((s) => s.error)) })) {
      matches += set.match(event).length;
    }
  }
  return { matches, errors };
}

test('the Sigma regression set: every rule matches its events exactly match_count times', { skip: !existsSync(ROOT) }, async () => {
  const all = cases();
  const failures: string[] = [];
  let withEvents = 0;
  for (const c of all) {
    if (c.events.length === 0) continue; // a rule published without regression events (cisco): compiled below
    withEvents++;
    const { matches, errors } = await runCase(c);
    const known = MORE_EVENTS_THAN_COUNT.get(c.name);
    const ok = known !== undefined ? matches === known : c.expected === undefined ? matches >= 1 : matches === c.expected;
    if (!ok || errors.length) failures.push(`${c.name}: ${matches} matches, expected ${c.expected ?? 'at least 1'} ${errors.join('; ')}`);
  }
  console.log(
    `sigma-regression: ${withEvents - failures.length}/${withEvents} rules match as expected ` +
      `(${withEvents - failures.length - MORE_EVENTS_THAN_COUNT.size} exactly match_count, ${MORE_EVENTS_THAN_COUNT.size} with more genuine matches than the count)`,
  );
  assert.equal(failures.length, 0, failures.join('\n'));
});

test('every rule of the regression set compiles, including those without events', { skip: !existsSync(ROOT) }, () => {
  const loaded: Loaded = { rules: [], filters: [], errors: [] };
  for (const c of cases()) loadYamlText(readFileSync(c.rule, 'utf8'), c.rule, loaded);
  assert.equal(loaded.errors.length, 0, loaded.errors.map((e) => e.message).join('\n'));
  assert.equal(loaded.rules.length, cases().length);
});
