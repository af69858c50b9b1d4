// `tacklebox limits [--config FILE] [--markdown]`: every limit, its value (the default or the config's), and
// what it bounds. The README's limits section is this command's --markdown output (a test keeps them equal).

import { loadConfig } from '../config.ts';
import { LIMIT_DEFINITIONS, type LimitDefinition } from '../engine/limits.ts';
import { parse } from './args.ts';

const HELP = `usage: tacklebox limits [--config FILE] [--markdown]

Prints every analysis limit with its value (the default, or the one FILE sets under "limits:") and what it bounds.`;

export function formatLimit(value: number, unit: LimitDefinition['unit']): string {
  switch (unit) {
    case 'bytes':
      return value >= 1024 * 1024 && value % (1024 * 1024) === 0 ? `${value / (1024 * 1024)} MiB` : `${value} bytes`;
    case 'ms':
      return value >= 1000 && value % 1000 === 0 ? `${value / 1000} s` : `${value} ms`;
    case 'MiB':
      return `${value} MiB`;
    case 'ratio':
      return `${value}×`;
    default:
      return value.toLocaleString('en');
  }
}

export function limitsMarkdown(values: Record<string, number> = {}): string {
  const rows = Object.entries(LIMIT_DEFINITIONS).map(([name, def]: [string, LimitDefinition]) => `| \`${name}\` | ${formatLimit(values[name] ?? def.default, def.unit)} | ${def.what} |`);
  return ['| limit | default | what it bounds |', '| --- | --- | --- |', ...rows].join('\n');
}

export async function limitsCommand(argv: string[]): Promise<number> {
  const args = parse(argv, { config: { type: 'string' }, markdown: { type: 'boolean' } } as const, HELP);
  if (!args) return 0;
  const config = loadConfig(args.values.config);
  if (args.values.markdown) {
    process.stdout.write(`${limitsMarkdown(config.limits)}\n`);
    return 0;
  }
  const width = Math.max(...Object.keys(LIMIT_DEFINITIONS).map((n) => n.length));
  for (const [name, def] of Object.entries(LIMIT_DEFINITIONS) as [keyof typeof config.limits, LimitDefinition][]) {
    process.stdout.write(`${name.padEnd(width)}  ${formatLimit(config.limits[name], def.unit).padStart(10)}  ${def.what}\n`);
  }
  return 0;
}
