// The VBScript analyzer on real recorded attacks (OTRF Security-Datasets, ../shared/corpora/telemetry-otrf,
// read in place): the inline VBScript an attacker handed to mshta (`mshta vbscript:Execute(...)`) must be
// peeled down to the PowerShell command it runs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { TextWriter, Uint8ArrayReader, ZipReader, configure } from '@zip.js/zip.js';
import { cmdlineAnalyzer } from '../src/analyzers/cmdline/index.ts';
import { vbscriptAnalyzer } from '../src/analyzers/vbscript/index.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';

configure({ useWebWorkers: false });

const RECORDING = new URL('../../shared/corpora/telemetry-otrf/cmd_mshta_vbscript_execute_psh.zip', import.meta.url);

/** Every distinct command line of the recording that gives mshta inline VBScript. */
async function inlineVbscript(): Promise<string[]> {
  const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(RECORDING))));
  const found = new Set<string>();
  for (const entry of await reader.getEntries()) {
    if (entry.directory || !entry.filename.endsWith('.json')) continue;
    const text = await entry.getData!(new TextWriter());
    for (const line of text.split('\n')) {
      if (!line.includes('vbscript:')) continue;
      const event = JSON.parse(line) as { CommandLine?: string };
      if (event.CommandLine && /^mshta(\.exe)?\s+vbscript:/i.test(event.CommandLine)) found.add(event.CommandLine);
    }
  }
  await reader.close();
  return [...found];
}

test('OTRF mshta vbscript:Execute recording: the inline script is peeled to the PowerShell command it runs', async () => {
  const lines = await inlineVbscript();
  assert.ok(lines.length >= 1, 'the recording holds the mshta command line');
  for (const line of lines) {
    const code = line.replace(/^mshta(\.exe)?\s+vbscript:/i, '');
    // What the attacker runs, read off the command line by hand: the doubled-quote string after .Run.
    const expected = /\.Run\s+""(.*?)""/i.exec(code)![1]!.replace(/""/g, '"');
    const run = await analyzeSubmission({ name: 'inline.vbs', data: new TextEncoder().encode(code) }, { config: defaultConfig(), analyzers: [vbscriptAnalyzer, cmdlineAnalyzer] });
    assert.ok(run.findings.some((f) => f.id === 'vbscript.exec.layer'), 'Execute is a layer');
    assert.ok(run.iocs.some((i) => i.type === 'command' && i.value === expected), `${expected} is the command`);
    assert.ok(run.artifacts.some((a) => a.relation === 'executed-command' && a.kind === 'cmdline'));
    assert.equal(run.errors.length, 0);
  }
});
