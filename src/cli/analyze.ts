// `tacklebox analyze PATH... [--json | --jsonl] [--fetch off|live] [--allow-host HOST]... [--password P]...`

import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { analyze } from '../analyze.ts';
import { openServices } from '../services.ts';
import type { Report } from '../verdict/report.ts';
import { parse, UsageError } from './args.ts';
import { engineConfigFrom } from './engine-config.ts';
import { renderReport } from './render.ts';

const HELP = `usage: tacklebox analyze PATH... [options]

Analyses reported emails (.eml, .msg) and files; a folder means every file inside it.

options:
  --json                 one JSON report per input (an array when there are several)
  --jsonl                one JSON report per line
  --fetch off|live       follow links and download URLs (default off)
  --allow-host HOST      let the downloader reach HOST even if it is private or loopback (repeatable)
  --resolve HOST=IP      answer DNS for HOST with IP, like curl --resolve (repeatable)
  --password P           also try P on encrypted archives (repeatable)
  --own-domain D         your organisation's domain, for lookalike detection (repeatable)
  --config FILE          a YAML or JSON configuration file (limits, fetch, analyzers)

exit status: 0 nothing malicious, 1 something malicious, 2 the command failed`;

const OPTIONS = {
  json: { type: 'boolean' },
  jsonl: { type: 'boolean' },
  fetch: { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  resolve: { type: 'string', multiple: true },
  password: { type: 'string', multiple: true },
  'own-domain': { type: 'string', multiple: true },
  config: { type: 'string' },
} as const;

export async function analyzeCommand(argv: string[]): Promise<number> {
  const args = parse(argv, OPTIONS, HELP);
  if (!args) return 0;
  const { values, positionals } = args;
  if (positionals.length === 0) throw new UsageError(`no PATH given\n\n${HELP}`);
  if (values.json && values.jsonl) throw new UsageError('choose one of --json and --jsonl');
  const config = engineConfigFrom(values);

  const files = await expandPaths(positionals);
  const { services, close } = await openServices(config);
  const reports: Report[] = [];
  let anyMalicious = false;
  let failed = false;
  const progress = files.length > 1 && !process.env.TACKLEBOX_QUIET;
  try {
    for (const [i, file] of files.entries()) {
      if (progress) process.stderr.write(`[${i + 1}/${files.length}] ${file}\n`);
      let data: Buffer;
      try {
        data = await readFile(file);
      } catch (err) {
        process.stderr.write(`tacklebox analyze: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
        failed = true;
        continue;
      }
      const report = await analyze({ name: basename(file), data }, config, services);
      if (report.verdict === 'malicious') anyMalicious = true;
      if (values.jsonl) process.stdout.write(`${JSON.stringify(report)}\n`);
      else if (values.json) reports.push(report);
      else process.stdout.write(`${renderReport(report, file)}\n`);
    }
  } finally {
    await close();
  }
  if (values.json) {
    const single = files.length === 1 && reports.length === 1;
    process.stdout.write(`${JSON.stringify(single ? reports[0] : reports, null, 2)}\n`);
  }
  return anyMalicious ? 1 : failed ? 2 : 0;
}

/** Files named on the command line, with folders expanded to every file inside (sorted, recursive). */
async function expandPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(code === 'ENOENT' ? `no such file or folder: ${path}` : `cannot open ${path}: ${code}`);
    }
    if (info.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(path)));
    else if (e.isFile()) out.push(path);
  }
  return out;
}
