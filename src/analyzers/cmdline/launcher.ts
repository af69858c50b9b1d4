// powershell.exe / pwsh.exe argument parsing as the real host does it: every unambiguous prefix of a
// parameter (-e, -en, -enc, -ec, -EncodedCommand), `/` instead of `-`, -Command taking the rest of the line,
// `-` meaning stdin. The answer is the script text the host would run.

import { splitArgs } from './cmd.ts';

export type ScriptSource = 'encoded' | 'command' | 'file' | 'stdin' | 'none';

export interface PowerShellLaunch {
  /** How the script reaches the host. */
  via: ScriptSource;
  /** The script text, decoded when it came as -EncodedCommand. */
  script?: string;
  /** The switches as written (`-w hidden`, `-nop`) with the parameter each resolved to. */
  switches: { written: string; parameter: string; value?: string }[];
  windowStyle?: string;
  executionPolicy?: string;
  /** The base64 as written, for -EncodedCommand. */
  encoded?: string;
  /** The script file, for -File. */
  file?: string;
  /** Why the encoded command could not be decoded cleanly. */
  problem?: string;
}

// [parameter, shortest prefix powershell.exe accepts, takes a value]. Checked in this order, as the host does:
// `-ex` is ExecutionPolicy although `-e` alone is EncodedCommand.
const PARAMETERS: [string, string, boolean][] = [
  ['Help', '?', false],
  ['Version', 'v', true],
  ['NoLogo', 'nol', false],
  ['NoExit', 'noe', false],
  ['Sta', 's', false],
  ['Mta', 'mta', false],
  ['NoProfile', 'nop', false],
  ['NonInteractive', 'noni', false],
  ['InputFormat', 'i', true],
  ['OutputFormat', 'o', true],
  ['WindowStyle', 'w', true],
  ['ExecutionPolicy', 'ex', true],
  ['EncodedArguments', 'encodeda', true],
  ['EncodedCommand', 'e', true],
  ['ConfigurationName', 'config', true],
  ['PSConsoleFile', 'psc', true],
  ['File', 'f', true],
  ['Command', 'c', true],
];

/** Resolves a written switch (`-EnC`, `/w`) to its parameter name, or undefined. */
export function resolveParameter(written: string): { name: string; takesValue: boolean } | undefined {
  if (!/^[-/\u2013\u2014]/.test(written)) return undefined;
  const key = written.slice(1).toLowerCase().replace(/:$/, '');
  if (!key) return undefined;
  if (key === 'ec') return { name: 'EncodedCommand', takesValue: true };
  if (key === 'ep') return { name: 'ExecutionPolicy', takesValue: true };
  for (const [name, min, takesValue] of PARAMETERS) {
    const lower = name.toLowerCase();
    if (key.startsWith(min) && lower.startsWith(key)) return { name, takesValue };
  }
  return undefined;
}

/** Base64 of UTF-16LE, decoded as .NET does: junk characters skipped, a dangling odd byte becomes U+FFFD. */
export function decodeEncodedCommand(base64: string): { text: string; bytes: Buffer; problem?: string } {
  const clean = base64.replace(/[^A-Za-z0-9+/=]/g, '');
  const bytes = Buffer.from(clean, 'base64');
  let text = bytes.subarray(0, bytes.length - (bytes.length % 2)).toString('utf16le');
  let problem: string | undefined;
  if (bytes.length % 2 === 1) {
    text += '\uFFFD';
    problem = `the decoded command has an odd number of bytes (${bytes.length}): it was cut short`;
  }
  if (clean.length !== base64.replace(/\s/g, '').length) problem ??= 'the encoded command holds characters outside base64';
  return { text, bytes, problem };
}

/**
 * Reads powershell.exe's arguments (the text after the program name). `stdin` is what a pipe feeds it
 * (`echo iex … | powershell -`).
 */
export function parsePowerShellLaunch(argText: string, stdin?: string): PowerShellLaunch {
  const argv = splitArgs(argText);
  const launch: PowerShellLaunch = { via: 'none', switches: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const param = resolveParameter(arg);
    if (!param) {
      // The first bare argument starts the command (the host's default is -Command); `-` alone is stdin.
      if (arg === '-') return withStdin(launch, stdin);
      launch.via = 'command';
      launch.script = argv.slice(i).join(' ');
      return launch;
    }
    let value: string | undefined;
    if (param.takesValue) {
      if (param.name === 'Command') {
        const rest = argv.slice(i + 1);
        launch.switches.push({ written: arg, parameter: param.name });
        if (rest.length === 1 && rest[0] === '-') return withStdin(launch, stdin);
        launch.via = 'command';
        launch.script = rest.join(' ');
        return launch;
      }
      value = argv[++i];
    }
    launch.switches.push({ written: arg, parameter: param.name, value });
    if (value === undefined) continue;
    if (param.name === 'WindowStyle') launch.windowStyle = value;
    else if (param.name === 'ExecutionPolicy') launch.executionPolicy = value;
    else if (param.name === 'File') {
      launch.via = 'file';
      launch.file = value;
      return launch;
    } else if (param.name === 'EncodedCommand') {
      const decoded = decodeEncodedCommand(value);
      launch.via = 'encoded';
      launch.encoded = value;
      launch.script = decoded.text;
      launch.problem = decoded.problem;
      return launch;
    }
  }
  if (stdin !== undefined && launch.via === 'none') return withStdin(launch, stdin);
  return launch;
}

function withStdin(launch: PowerShellLaunch, stdin?: string): PowerShellLaunch {
  launch.via = 'stdin';
  launch.script = stdin;
  return launch;
}
