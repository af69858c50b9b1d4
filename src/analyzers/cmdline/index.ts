// The command-line analyzer: reads a command line (from WScript.Shell.Run, an LNK target, a .bat file, a
// bare text file) the way cmd.exe would, follows `cmd /c` nesting, and reports what each program in the
// chain does. A PowerShell launch becomes a `decoded` child of kind powershell holding the script text.

import type { Analyzer, AnalysisContext, AnalyzerResult, Artifact } from '../../engine/types.ts';
import { DEFAULT_ENV, argumentText, cmdInner, expandVariables, programName, setCommand, splitArgs, splitChain } from './cmd.ts';
import { Collector } from './collector.ts';
import { CMDLINE_FINDINGS } from './findings.ts';
import { parsePowerShellLaunch, type PowerShellLaunch } from './launcher.ts';
import { HANDLERS, directRun } from './lolbins.ts';
import { lolbins } from './payload.ts';
import { layerOf, textOf } from './text.ts';

/** How many `cmd /c` (and wmic/schtasks) hops one command line may nest before we stop following. */
const MAX_NESTING = 16;
/** Commands (and KiB of expanded command text) read from one artifact before reading stops. */
const MAX_STEPS = 10_000;

interface Reading {
  out: Collector;
  env: Record<string, string>;
  ctx: AnalysisContext;
  layer: number;
  steps: number;
}

export const cmdlineAnalyzer: Analyzer = {
  name: 'cmdline',
  findings: CMDLINE_FINDINGS,
  analyze(artifact: Artifact, ctx: AnalysisContext): AnalyzerResult {
    const { text, truncated } = textOf(artifact.data, ctx.limits.maxDecodedBytes);
    const reading: Reading = { out: new Collector(), env: { ...DEFAULT_ENV }, ctx, layer: layerOf(artifact.meta), steps: 0 };
    if (truncated) reading.out.limits.push({ limit: 'maxDecodedBytes', detail: `read the first ${ctx.limits.maxDecodedBytes} bytes of the command` });
    readCommandText(batchLines(text), reading, 0);
    return reading.out.result();
  },
};

/** A .bat file's lines without comments and echo noise; a one-line command is returned as is. */
function batchLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*@/, ''))
    .filter((l) => !/^\s*(rem(\s|$)|::|echo\s+off\b|$)/i.test(l))
    .join('\n');
}

function readCommandText(text: string, r: Reading, depth: number): void {
  if (depth > MAX_NESTING) {
    // Once: a line of many nested `cmd /c` reached this thousands of times (found by fuzzing).
    if (!r.out.limits.some((l) => l.limit === 'maxDecodedLayers')) {
      r.out.limits.push({ limit: 'maxDecodedLayers', detail: `stopped following nested command lines after ${MAX_NESTING} levels` });
    }
    return;
  }
  for (const line of text.split('\n')) {
    if (r.ctx.signal.aborted || r.steps > MAX_STEPS) return;
    const used: string[] = [];
    // cmd.exe expands %VAR% for the whole line before it splits the chain.
    const expanded = expandVariables(line, r.env, used);
    // Long expanded lines count against the same budget as commands: nested `cmd /c` re-reads them at each level.
    r.steps += Math.floor(expanded.length / 1024);
    const { parts, carets } = splitChain(expanded);
    if (carets > 0) r.out.finding('cmdline.obfuscation.carets', line.slice(0, 300));
    // One %DATE:~-4% is how batch files format dates; a word assembled from several substrings is hiding.
    if (used.length >= 3) r.out.finding('cmdline.obfuscation.variables', `${used.slice(0, 5).join(', ')} in ${line.slice(0, 200)}`);
    for (let i = 0; i < parts.length; i++) {
      // Later commands see variables set earlier in the chain (delayed expansion, `call`): approximated here.
      const part = expandVariables(parts[i]!.text, r.env, used);
      const set = setCommand(part);
      if (set) {
        r.env[set.name] = set.value;
        continue;
      }
      const next = parts[i + 1];
      const echoed = next?.joinedBy === '|' ? echoOutput(part) : undefined;
      if (echoed !== undefined) {
        runCommand(next!.text, r, depth, echoed);
        i++;
        continue;
      }
      runCommand(part, r, depth);
    }
  }
}

/** What `echo X` (also inside `cmd /c echo X`) writes to a pipe, or undefined for other commands. */
function echoOutput(text: string): string | undefined {
  let current = text.trim();
  for (let hops = 0; hops < 4; hops++) {
    const echo = /^@?echo[\s.](.*)$/is.exec(current);
    if (echo) return echo[1]!.trim().replace(/^"(.*)"$/s, '$1');
    const argv0 = splitArgs(current)[0];
    if (!argv0 || lolbins().programs[programName(argv0)]?.handler !== 'cmd') return undefined;
    const inner = cmdInner(argumentText(current));
    if (inner === undefined) return undefined;
    current = inner.trim();
  }
  return undefined;
}

function runCommand(text: string, r: Reading, depth: number, stdin?: string): void {
  if (++r.steps > MAX_STEPS) return;
  const argv = splitArgs(text);
  const argv0 = argv[0];
  if (!argv0) return;
  const program = programName(argv0);
  const handler = lolbins().programs[program]?.handler;
  if (handler === 'cmd') {
    const inner = cmdInner(argumentText(text));
    if (inner === undefined) return;
    r.out.finding('cmdline.launcher.cmd', text.slice(0, 300));
    readCommandText(inner, r, depth + 1);
    return;
  }
  if (handler === 'powershell') {
    powershellLaunch(text, parsePowerShellLaunch(argumentText(text), stdin), r, depth);
    return;
  }
  const call = { text, program, args: argv.slice(1) };
  if (handler && HANDLERS[handler]) {
    const result = HANDLERS[handler](call, r.out);
    for (const nested of result?.nested ?? []) readCommandText(nested, r, depth + 1);
    return;
  }
  directRun(call, argv0, r.out);
}

/** True when a script is a bare command line for a program we know (powershell, cmd, rundll32, …). */
function isProgramLine(script: string): boolean {
  const argv0 = splitArgs(script)[0];
  return argv0 !== undefined && lolbins().programs[programName(argv0)] !== undefined && !/[|;(){}$]/.test(argv0);
}

function powershellLaunch(text: string, launch: PowerShellLaunch, r: Reading, depth: number): void {
  const { out } = r;
  out.finding('cmdline.launcher.powershell', text.slice(0, 300));
  if (launch.windowStyle && /^(h|1$)/i.test(launch.windowStyle)) out.finding('cmdline.launcher.powershell-hidden', `-WindowStyle ${launch.windowStyle}`);
  if (launch.executionPolicy && /^(bypass|unrestricted)/i.test(launch.executionPolicy)) {
    out.finding('cmdline.launcher.powershell-policy-bypass', `-ExecutionPolicy ${launch.executionPolicy}`);
  }
  if (launch.via === 'file' && launch.file) {
    out.file(launch.file, 'executed-file');
    out.command(text);
    out.label('powershell -File');
    return;
  }
  if (!launch.script) return;
  // `powershell.exe powershell -enc …` or `powershell cmd /c …`: the command PowerShell is given is just
  // another program's command line, so it is read as one (the way cmd /c nesting is).
  if (launch.via === 'command' && isProgramLine(launch.script)) {
    out.label('powershell → program');
    readCommandText(launch.script, r, depth + 1);
    return;
  }
  const written = launch.switches.find((s) => s.parameter === 'EncodedCommand' || s.parameter === 'Command')?.written ?? '';
  if (launch.via === 'encoded') {
    out.finding('cmdline.launcher.powershell-encoded', `${written} ${(launch.encoded ?? '').slice(0, 80)}…`);
    if (launch.problem) out.finding('cmdline.launcher.encoded-malformed', launch.problem);
    out.label(`powershell ${written.toLowerCase()}`);
  } else if (launch.via === 'stdin') {
    out.finding('cmdline.launcher.powershell-stdin', text.slice(0, 300));
    out.label('powershell (stdin)');
  } else {
    out.label(written ? `powershell ${written.toLowerCase()}` : 'powershell');
  }
  if (r.layer + 1 > r.ctx.limits.maxDecodedLayers) {
    out.limits.push({ limit: 'maxDecodedLayers', detail: `not decoded: layer ${r.layer + 1} of a command that nests PowerShell launches` });
    return;
  }
  const name = launch.via === 'encoded' ? 'powershell -EncodedCommand (decoded)' : `powershell ${launch.via} script`;
  out.child('decoded', 'powershell', name, launch.script, { layer: r.layer + 1, launcher: launch.via });
}
