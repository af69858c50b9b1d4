// Preloaded (`node --import`) into a process under test: records every child process it starts, so a test can
// check that analysing hostile input started nothing but tacklebox's own sandbox. Written to the file named
// by TACKLEBOX_PROCESS_AUDIT, one JSON line per start.
import childProcess from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const log = process.env.TACKLEBOX_PROCESS_AUDIT;
if (log) {
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
    const original = childProcess[name];
    childProcess[name] = function audited(command, args, ...rest) {
      appendFileSync(log, `${JSON.stringify({ call: name, command: String(command), args: Array.isArray(args) ? args.map(String) : [] })}\n`);
      return original.call(this, command, args, ...rest);
    };
  }
  syncBuiltinESMExports();
}
