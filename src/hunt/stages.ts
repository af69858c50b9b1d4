// Host verdicts from detections: which chain stage a rule's match proves (rules/sigma/stages.yaml).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { SigmaRule } from './sigma/rule.ts';

export type Stage = 'infected' | 'payload_dropped' | 'executed_script';
export type HostVerdict = Stage | 'no_evidence' | 'no_telemetry';

/** Worst first: a host takes the worst stage any of its evidence proves. */
export const STAGE_ORDER: HostVerdict[] = ['infected', 'payload_dropped', 'executed_script', 'no_evidence', 'no_telemetry'];

export const STAGES_FILE = fileURLToPath(new URL('../../rules/sigma/stages.yaml', import.meta.url));

interface StagesFile {
  stages: { by_rule: Record<string, Stage>; by_tag: Record<string, Stage>; default: Stage };
}

let cached: StagesFile['stages'] | undefined;

export function stageOf(rule: SigmaRule): Stage {
  cached ??= (parse(readFileSync(STAGES_FILE, 'utf8')) as StagesFile).stages;
  const byRule = cached.by_rule[rule.id];
  if (byRule) return byRule;
  for (const tag of rule.tags) {
    const s = cached.by_tag[tag.toLowerCase()];
    if (s) return s;
  }
  return cached.default;
}

export function worse(a: HostVerdict, b: HostVerdict): HostVerdict {
  return STAGE_ORDER.indexOf(a) <= STAGE_ORDER.indexOf(b) ? a : b;
}
