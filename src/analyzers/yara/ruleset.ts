// The YARA rule set: every rules/yara/*.yar file, read once, with each rule's finding taken from its own
// meta block (title, score, attack), so the catalogue is declared up front like any analyzer's.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES_DIR } from '../../engine/rules.ts';
import type { FindingCatalogue } from '../../engine/types.ts';

export interface RuleSet {
  /** All files joined, in name order. */
  source: string;
  /** Where each file starts in `source` (1-based line), to map compile errors back to a file. */
  files: { name: string; firstLine: number; lines: number }[];
  catalogue: FindingCatalogue;
}

export const YARA_DIR = join(RULES_DIR, 'yara');

export function findingId(rule: string): string {
  return `yara.${rule}`;
}

const RULE_RE = /^\s*(?:(?:private|global)\s+)*rule\s+(\w+)[^{]*\{([\s\S]*?)\bcondition\s*:/gm;
const META_RE = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+)|(true|false))/g;

export class RuleSetError extends Error {}

export function loadRuleSet(dir = YARA_DIR): RuleSet {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.yar') || n.endsWith('.yara'))
    .sort();
  const files: RuleSet['files'] = [];
  const catalogue: FindingCatalogue = {};
  const parts: string[] = [];
  let line = 1;
  for (const name of names) {
    const text = readFileSync(join(dir, name), 'utf8').replace(/\r\n/g, '\n');
    const body = text.endsWith('\n') ? text : `${text}\n`;
    const lines = body.split('\n').length - 1;
    files.push({ name, firstLine: line, lines });
    parts.push(body);
    line += lines;
    for (const m of body.matchAll(RULE_RE)) {
      const rule = m[1]!;
      const meta: Record<string, string> = {};
      const metaBlock = /\bmeta\s*:([\s\S]*?)(?:\bstrings\s*:|$(?![\s\S]))/.exec(m[2]!)?.[1] ?? '';
      for (const kv of metaBlock.matchAll(META_RE)) meta[kv[1]!] = kv[2] ?? kv[3] ?? kv[4] ?? '';
      const score = Number(meta.score);
      if (!meta.title || !Number.isFinite(score)) {
        throw new RuleSetError(`${name}: rule ${rule} needs meta title and score (the finding it raises)`);
      }
      const id = findingId(rule);
      if (catalogue[id]) throw new RuleSetError(`${name}: rule ${rule} is defined twice`);
      catalogue[id] = {
        title: meta.title,
        score,
        attack: (meta.attack ?? '').split(/[\s,]+/).filter(Boolean),
        description: meta.description,
      };
    }
  }
  return { source: parts.join(''), files, catalogue };
}

/** "powershell.yar line 12" for a line of the joined source. */
export function whereIs(set: RuleSet, line: number): string {
  const file = set.files.find((f) => line >= f.firstLine && line < f.firstLine + f.lines);
  return file ? `${file.name} line ${line - file.firstLine + 1}` : `line ${line}`;
}
