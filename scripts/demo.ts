// `npm run demo`: the reference case on one machine, nothing to install by hand. Builds a Qakbot-style report
// (lure → link → password ZIP → JScript → PowerShell → DLL), serves its payloads on 127.0.0.1 under the
// campaign's host names, and runs `tacklebox analyze --fetch live` on it as an analyst would.
// The samples are generated and inert: nothing here runs them.

import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startQakbotChain } from '../test/generators/qakbot-chain.ts';

const dir = join(process.cwd(), 'demo');
await mkdir(dir, { recursive: true });
const chain = await startQakbotChain();
const lure = join(dir, 'qakbot-lure.eml');
await writeFile(lure, chain.lure);
const args = ['bin/tacklebox.js', 'analyze', lure, ...chain.fetchArgs, ...process.argv.slice(2)];
process.stderr.write(`tacklebox ${args.slice(1).join(' ')}\n\n`);
const child = spawn(process.execPath, args, { stdio: 'inherit' });
const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 2)));
await chain.close();
process.stderr.write(`\nThe report is in ${lure}; try --json, or 'npx tacklebox serve' for the web UI.\n`);
// Exit 1 means "malicious found", which is the demo's expected outcome.
process.exit(code === 1 ? 0 : code);
