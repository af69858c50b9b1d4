// Reads tacklebox reports written by `analyze --json` or `--jsonl`: one report, an array, or one per line.

import { readFile } from 'node:fs/promises';
import { REPORT_SCHEMA, type Report } from '../verdict/report.ts';
import { UsageError } from './args.ts';

export async function readReports(paths: readonly string[]): Promise<Report[]> {
  const out: Report[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    out.push(...parseReports(text, path));
  }
  return out;
}

export function parseReports(text: string, path = 'input'): Report[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  let values: unknown[];
  try {
    const whole = JSON.parse(trimmed) as unknown;
    values = Array.isArray(whole) ? whole : [whole];
  } catch {
    values = trimmed.split(/\r?\n/).filter((l) => l.trim()).map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new UsageError(`${path}: line ${i + 1} is not JSON (expected reports from 'tacklebox analyze --json' or '--jsonl')`);
      }
    });
  }
  return values.map((v, i) => {
    if (!v || typeof v !== 'object' || (v as Report).schema !== REPORT_SCHEMA) {
      throw new UsageError(`${path}: entry ${i + 1} is not a ${REPORT_SCHEMA} report`);
    }
    return v as Report;
  });
}
