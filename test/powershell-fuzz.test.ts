// Hostile input is the normal case: random token soup in PowerShell and cmd.exe syntax must give a
// result (findings, limits, partial trees), never an exception or a hang. fast-check with a fixed seed so
// a failure replays.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cmdlineAnalyzer } from '../src/analyzers/cmdline/index.ts';
import { powershellAnalyzer } from '../src/analyzers/powershell/index.ts';
import { defaultConfig } from '../src/config.ts';
import type { AnalysisContext, Artifact } from '../src/engine/types.ts';
import { encodeCommand } from './generators/powershell.ts';
import { analysisContext } from './generators/context.ts';

const config = defaultConfig();
config.limits.powershellSteps = 20_000;
config.limits.maxDecodedBytes = 64 * 1024;

const ctx: AnalysisContext = analysisContext({ config });

function artifact(kind: string, text: string): Artifact {
  const data = new TextEncoder().encode(text);
  return { id: 'a1', parent: null, relation: 'root', kind, name: 'x', sha256: '', size: data.length, depth: 0, data, meta: {} };
}

const PS_TOKENS = [
  '$a', '$b', '$env:temp', '${x y}', '$_', '(', ')', '{', '}', '[', ']', '@(', '@{', '$(', '[char]', '[char[]]', '[Convert]::FromBase64String',
  '[Text.Encoding]::UTF8.GetString', "'ab'", "'", '"', '"$a"', '`', '`"', ' -f ', ' -join ', ' -split ', ' -replace ', ' -bxor ', '+', '-', '*',
  ',', ';', '|', '||', '&', '.', '::', '..', '=', '+=', '++', '!', ' -not ', '0x41', '104', '1e3', '10kb', 'iex', '&(', '.(', '%{', '?{',
  'foreach ($i in $a) ', 'while ($true) ', 'for (;;) ', 'do ', ' while(1)', 'if ($a) ', 'else ', 'try ', 'catch ', 'function f($x) ', 'f 1',
  'New-Object Net.WebClient', '.DownloadString(', "'http://x.example.test/a'", 'Start-Process ', 'rundll32 ', 'powershell -enc ',
  encodeCommand('iex $a'), 'Invoke-Expression ', '[ScriptBlock]::Create(', 'sal x iex', '@"\n', '\n"@', "@'\n", "\n'@", '#', '<#', '#>',
  '\n', ' ', '\t', '-', '$pshome[4]', "[regex]::Matches('ab','.','RightToLeft')", '[array]::Reverse($a)', '1..1000000',
];

const CMD_TOKENS = ['cmd', ' /c ', '/v:on', 'powershell', ' -enc ', encodeCommand('iwr http://x.example.test/'), '^', '"', '&', '&&', '|', '||', '%', '!',
  '%COMSPEC%', '%x:~1,2%', '%x:a=b%', 'set x=', 'echo ', 'call ', 'rundll32 ', ',Run', 'regsvr32 /s /i:', 'http://y.example.test/f', 'certutil -urlcache -f ',
  'bitsadmin /transfer ', 'wmic process call create ', 'schtasks /create /tr ', 'reg add ', 'start "" ', ' ', '\n', 'C:\\ProgramData\\a.dll', '-', '/'];

const soup = (tokens: string[]) => fc.array(fc.constantFrom(...tokens), { maxLength: 60 }).map((parts) => parts.join(''));

test('random PowerShell token soup never throws out of the analyzer', async () => {
  await fc.assert(
    fc.asyncProperty(soup(PS_TOKENS), async (text) => {
      const result = await powershellAnalyzer.analyze(artifact('powershell', text), ctx);
      assert.ok(Array.isArray(result.findings), 'a result');
    }),
    { numRuns: 400, seed: 4242 },
  );
});

test('random cmd.exe token soup never throws out of the analyzer', async () => {
  await fc.assert(
    fc.asyncProperty(soup(CMD_TOKENS), async (text) => {
      const result = await cmdlineAnalyzer.analyze(artifact('cmdline', text), ctx);
      assert.ok(Array.isArray(result.findings), 'a result');
    }),
    { numRuns: 400, seed: 4242 },
  );
});

test('arbitrary strings (any characters) never throw either', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 300, unit: 'binary' }), async (text) => {
      await powershellAnalyzer.analyze(artifact('powershell', text), ctx);
      await cmdlineAnalyzer.analyze(artifact('cmdline', text), ctx);
    }),
    { numRuns: 300, seed: 7 },
  );
});
