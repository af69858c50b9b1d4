// Reading rule and filter files: a path may be a file or a folder; a file may hold several YAML documents.
// A broken rule is reported with its file and skipped; the others still run.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { listLogFiles } from '../logs/open.ts';
import { compileFilter, type SigmaFilter } from './filters.ts';
import { compileRule, type SigmaRule } from './rule.ts';

/** The chain rules shipped with tacklebox (SigmaHQ, DRL 1.1). */
export const BUNDLED_RULES = fileURLToPath(new URL('../../../rules/sigma', import.meta.url));

export interface Loaded {
  rules: SigmaRule[];
  filters: SigmaFilter[];
  errors: { file: string; message: string }[];
}

export function loadYamlText(text: string, file: string, into: Loaded): void {
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      into.errors.push({ file, message: doc.errors[0]!.message });
      continue;
    }
    const data = doc.toJS() as unknown;
    if (!data || typeof data !== 'object') continue;
    const d = data as Record<string, unknown>;
    if (d.correlation || d.action) {
      // Correlation rules and v1 rule collections need state across events; say so instead of skipping quietly.
      into.errors.push({ file, message: `${file}: "${String(d.title ?? d.action)}" is a ${d.correlation ? 'correlation rule' : `rule collection (action: ${String(d.action)})`}, not supported` });
      continue;
    }
    try {
      if (d.filter && !d.detection) into.filters.push(compileFilter(d, file));
      else if (d.detection) into.rules.push(compileRule(d, file));
    } catch (err) {
      into.errors.push({ file, message: (err as Error).message });
    }
  }
}

export async function loadSigma(paths: string[]): Promise<Loaded> {
  const into: Loaded = { rules: [], filters: [], errors: [] };
  for (const p of paths) {
    for (const file of await listLogFiles(p)) {
      if (!/\.ya?ml$/i.test(file)) continue;
      loadYamlText(await readFile(file, 'utf8'), file, into);
    }
  }
  return into;
}
