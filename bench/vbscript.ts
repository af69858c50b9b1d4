// VBScript analyzer: what it recovers from obfuscated droppers and how fast, against a baseline measured in
// the same run: scanning the raw script text for URLs and quoted command lines with regular expressions
// (what a grep- or YARA-style reader of the file sees without evaluating it).
// Samples: droppers built by test/generators/vbscript.ts, every string hidden by one of six tricks, wrapped
// in 0–3 Execute layers, plain or Script-Encoded (.vbe): 6 × 4 × 2 = 48 kinds, each with its own URL.
//   recovered: the sample's exact payload URL and run command both came out as IOCs;
//   full: the engine with the vbscript and cmdline analyzers (identify, .vbe routing, every layer peeled).
// Run: npx tsx bench/vbscript.ts [rounds]
import { cmdlineAnalyzer } from '../src/analyzers/cmdline/index.ts';
import { urlsInText } from '../src/analyzers/cmdline/payload.ts';
import { vbscriptAnalyzer } from '../src/analyzers/vbscript/index.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import { chrConcat, chrwArithmetic, downloader, executeLayers, literal, replaceChain, reversed, scriptEncode, splitJoin } from '../test/generators/vbscript.ts';

const rounds = Number(process.argv[2] ?? 5);
const config = defaultConfig();
const encoder = new TextEncoder();

interface Sample {
  name: string;
  text: string;
  url: string;
  command: string;
}

const tricks: Record<string, (s: string) => string> = { literal, chr: chrConcat, chrw: chrwArithmetic, reversed, replace: replaceChain, join: splitJoin };
const samples: Sample[] = [];
for (const [trick, hide] of Object.entries(tricks)) {
  for (let layers = 0; layers <= 3; layers++) {
    for (const encoded of [false, true]) {
      const n = samples.length;
      const url = `http://cdn${n}.files-example.test/d/${n}.dat`;
      const command = `rundll32.exe C:\\ProgramData\\p${n}.dll,DllRegisterServer`;
      let text = executeLayers(downloader({ url, path: `C:\\ProgramData\\p${n}.dll`, command, obfuscate: hide }), layers);
      if (encoded) text = scriptEncode(text);
      samples.push({ name: `${trick}-${layers}${encoded ? '.vbe' : '.vbs'}`, text, url, command });
    }
  }
}

/** The baseline's reading: URLs written in the text, and quoted strings that look like a program's command line. */
function grep(sample: Sample): boolean {
  const urls = urlsInText(sample.text);
  const quoted = [...sample.text.matchAll(/"([^"\r\n]{4,})"/g)].map((m) => m[1]!);
  return urls.includes(sample.url) && quoted.includes(sample.command);
}

async function analyzer(sample: Sample): Promise<boolean> {
  const run = await analyzeSubmission({ name: sample.name, data: encoder.encode(sample.text) }, { config, analyzers: [vbscriptAnalyzer, cmdlineAnalyzer] });
  const values = new Set(run.iocs.map((i) => i.value));
  return values.has(sample.url) && values.has(sample.command);
}

async function measure(name: string, fn: (s: Sample) => boolean | Promise<boolean>): Promise<{ ms: number; recovered: number }> {
  let recovered = 0;
  for (const s of samples) if (await fn(s)) recovered++; // warm-up round, and the recovery count
  const started = performance.now();
  for (let i = 0; i < rounds; i++) for (const s of samples) await fn(s);
  const ms = (performance.now() - started) / rounds / samples.length;
  console.log(`${name.padEnd(40)} recovered ${String(recovered).padStart(3)}/${samples.length}   ${ms.toFixed(3).padStart(8)} ms/sample`);
  return { ms, recovered };
}

console.log(`${samples.length} generated droppers (${Object.keys(tricks).join(', ')} × 0–3 Execute layers × plain/.vbe), ${rounds} rounds after a warm-up`);
const base = await measure('baseline: regex scan of the raw text', grep);
const full = await measure('full: engine, vbscript + cmdline', analyzer);
console.log(`recovery: ${full.recovered}/${samples.length} against ${base.recovered}/${samples.length} for the baseline; time ratio full / baseline: ${(full.ms / base.ms).toFixed(0)}×`);
