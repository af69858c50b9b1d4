// PowerShell and command-line decoding speed over the Unit42 corpus (corpora/powershell-encoded/dev.zip,
// 300 real encoded command lines), against a baseline measured in the same run: plain base64 → UTF-16LE
// decoding of the same -EncodedCommand values (what any decoder must do at the least).
//   full: the engine with the cmdline and powershell analyzers (identify, cmd.exe parsing, launcher,
//         every peeled layer parsed and evaluated, IOCs and findings), one submission per command;
//   analyzers: the two analyzers called directly on the command and its decoded layer (no engine).
// Run: npx tsx bench/powershell.ts [rounds]
import { readFileSync } from 'node:fs';
import { TextWriter, Uint8ArrayReader, ZipReader, configure } from '@zip.js/zip.js';
import { cmdlineAnalyzer } from '../src/analyzers/cmdline/index.ts';
import { powershellAnalyzer } from '../src/analyzers/powershell/index.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import type { AnalysisContext, Artifact } from '../src/engine/types.ts';
import { analysisContext } from '../test/generators/context.ts';

configure({ useWebWorkers: false });

const rounds = Number(process.argv[2] ?? 5);
const config = defaultConfig();
const encoder = new TextEncoder();

const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(new URL('../../shared/corpora/powershell-encoded/dev.zip', import.meta.url)))), { password: 'infected' });
const entry = (await reader.getEntries()).find((e) => e.filename.endsWith('dev.jsonl'));
if (!entry || entry.directory) throw new Error('dev.jsonl not found in the corpus');
const commands = (await entry.getData(new TextWriter())).trim().split('\n').map((l) => (JSON.parse(l) as { original: string }).original);
await reader.close();

const ctx: AnalysisContext = analysisContext({ config });

function artifact(kind: string, data: Uint8Array): Artifact {
  return { id: 'a1', parent: null, relation: 'root', kind, name: 'command.txt', sha256: '', size: data.length, depth: 0, data, meta: {} };
}

function baseline(): number {
  let chars = 0;
  for (const c of commands) {
    const m = /\s[-/]e\w*\s+"?([A-Za-z0-9+/=]+)/i.exec(c);
    if (m) chars += Buffer.from(m[1]!, 'base64').toString('utf16le').length;
  }
  return chars;
}

async function analyzers(): Promise<number> {
  let layers = 0;
  for (const c of commands) {
    const result = await cmdlineAnalyzer.analyze(artifact('cmdline', encoder.encode(c)), ctx);
    for (const child of result.children ?? []) {
      if (child.kind !== 'powershell') continue;
      await powershellAnalyzer.analyze(artifact('powershell', child.data), ctx);
      layers++;
    }
  }
  return layers;
}

async function full(): Promise<number> {
  let artifacts = 0;
  for (const c of commands) {
    const run = await analyzeSubmission({ name: 'command.txt', data: encoder.encode(c) }, { config, analyzers: [cmdlineAnalyzer, powershellAnalyzer] });
    artifacts += run.artifacts.length;
  }
  return artifacts;
}

async function measure(name: string, fn: () => unknown): Promise<number> {
  await fn(); // warm-up round
  const started = performance.now();
  for (let i = 0; i < rounds; i++) await fn();
  const msPerCommand = (performance.now() - started) / rounds / commands.length;
  console.log(`${name.padEnd(34)} ${msPerCommand.toFixed(4).padStart(9)} ms/command  ${Math.round(1000 / msPerCommand).toLocaleString('en').padStart(10)} commands/s`);
  return msPerCommand;
}

console.log(`${commands.length} commands from the Unit42 corpus, ${rounds} rounds each (after one warm-up round)`);
const base = await measure('baseline: base64 + UTF-16LE only', baseline);
const direct = await measure('analyzers: cmdline + powershell', analyzers);
const engine = await measure('full: engine, every layer', full);
console.log(`ratio analyzers / baseline: ${(direct / base).toFixed(1)}×   full / baseline: ${(engine / base).toFixed(1)}×`);
console.log(`goal: under 5 ms per command on average — full pipeline: ${engine.toFixed(2)} ms (${engine < 5 ? 'met' : 'NOT met'})`);
