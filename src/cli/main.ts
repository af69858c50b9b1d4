// `tacklebox COMMAND …`: dispatches to the command modules. Exit status as scanners do it:
// 0 nothing malicious, 1 something malicious, 2 the command itself failed.

import { analyzeCommand } from './analyze.ts';
import { campaignsCommand } from './campaigns.ts';
import { exportCommand } from './export.ts';
import { UsageError } from './args.ts';
import { huntCommand } from './hunt.ts';
import { limitsCommand } from './limits.ts';
import { serveCommand } from './serve.ts';
import { usersCommand } from './users.ts';
import { workerCommand } from './worker.ts';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; about: string }> = {
  analyze: { run: analyzeCommand, about: 'analyse reported emails and files, print a report for each' },
  campaigns: { run: campaignsCommand, about: 'group analysed reports into campaigns' },
  export: { run: exportCommand, about: "write a report's indicators as STIX 2.1, MISP, a CSV blocklist or Sigma rules" },
  hunt: { run: huntCommand, about: 'find who received, clicked, downloaded and ran a case in mail, web and endpoint logs; Sigma' },
  limits: { run: limitsCommand, about: 'print every analysis limit, its value and what it bounds' },
  serve: { run: serveCommand, about: 'run the reporting service: API, web UI, mailbox intake, feedback' },
  users: { run: usersCommand, about: 'add, list and remove users of the service; print API tokens' },
  worker: { run: workerCommand, about: 'analyse reports from a shared queue (serve --queue redis://…), on any machine' },
};

export const EXIT = { clean: 0, malicious: 1, failed: 2 } as const;

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.about}`);
  return `usage: tacklebox COMMAND [options]\n\ncommands:\n${lines.join('\n')}\n\n'tacklebox COMMAND --help' for a command's options.`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? EXIT.clean : EXIT.failed;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`tacklebox: unknown command "${name}"\n\n${usage()}\n`);
    return EXIT.failed;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`tacklebox ${name}: ${err.message}\n`);
    } else {
      process.stderr.write(`tacklebox ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    return EXIT.failed;
  }
}
