// Analyses one file as the CLI does and prints the report with what it cost: wall time and peak memory of
// this process. Run by test/hostile.test.ts, one process per hostile input, so each peak is its own.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { analyze } from '../../src/analyze.ts';
import { loadConfig } from '../../src/config.ts';
import { openServices } from '../../src/services.ts';

const [file, configPath] = process.argv.slice(2) as [string, string];
const config = loadConfig(configPath);
const started = performance.now();
const { services, close } = await openServices(config);
try {
  const report = await analyze({ name: basename(file), data: readFileSync(file) }, config, services);
  const elapsedMs = Math.round(performance.now() - started);
  process.stdout.write(JSON.stringify({ report, elapsedMs, maxRssKiB: process.resourceUsage().maxRSS }));
} finally {
  await close();
}
