// Loads the data files under rules/ that the code reads (routing, kinds, lures, password labels, …).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url));

const cache = new Map<string, unknown>();

/** Parses rules/NAME (YAML or JSON) once per process. */
export function loadRules<T>(name: string): T {
  let value = cache.get(name);
  if (value === undefined) {
    value = parse(readFileSync(RULES_DIR + name, 'utf8'));
    cache.set(name, value);
  }
  return value as T;
}
