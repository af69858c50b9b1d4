// ATT&CK technique names, from rules/attack.yaml.

import { loadRules } from '../engine/rules.ts';

export function attackName(id: string): string | undefined {
  return loadRules<Record<string, string>>('attack.yaml')[id];
}
