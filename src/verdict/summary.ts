// The chain in one line: "email → link → ZIP (password from body) → JScript → powershell -enc → DLL".
// It follows the branch of the tree that carries the most finding score, so the line tells the attack,
// not the first attachment.

import type { ArtifactRecord, Finding } from '../engine/types.ts';

const KIND_LABELS: Record<string, string> = {
  email: 'email',
  msg: 'Outlook message',
  url: 'link',
  zip: 'ZIP',
  '7z': '7z',
  rar: 'RAR',
  iso: 'ISO',
  udf: 'disk image',
  vhd: 'VHD',
  vhdx: 'VHDX',
  html: 'HTML',
  jscript: 'JScript',
  jse: 'encoded JScript',
  vbscript: 'VBScript',
  wsf: 'WSF',
  hta: 'HTA',
  lnk: 'LNK',
  onenote: 'OneNote',
  powershell: 'PowerShell',
  cmdline: 'command',
  pe: 'PE',
  pdf: 'PDF',
  text: 'text',
};

export function chainSummary(artifacts: readonly ArtifactRecord[], findings: readonly Finding[], labels: Record<string, string>): string {
  if (artifacts.length === 0) return '';
  const own = new Map<string, number>();
  for (const f of findings) own.set(f.artifact, (own.get(f.artifact) ?? 0) + Math.max(0, f.score));
  const children = new Map<string, ArtifactRecord[]>();
  for (const a of artifacts) {
    if (a.parent === null) continue;
    const list = children.get(a.parent) ?? [];
    list.push(a);
    children.set(a.parent, list);
  }
  // Subtree weight: findings below an artifact, plus depth as a tie-breaker so the deepest stage shows.
  const weight = new Map<string, number>();
  const order = [...artifacts].sort((a, b) => b.depth - a.depth);
  for (const a of order) {
    let w = own.get(a.id) ?? 0;
    let bestChild = 0;
    for (const c of children.get(a.id) ?? []) bestChild = Math.max(bestChild, weight.get(c.id) ?? 0);
    w += bestChild;
    weight.set(a.id, w + 0.001);
  }
  const root = artifacts.find((a) => a.parent === null)!;
  const steps: string[] = [];
  let node: ArtifactRecord | undefined = root;
  while (node) {
    // A body is where the link was found, not a stage of the attack.
    if (node.relation !== 'body') steps.push(labels[node.id] ?? KIND_LABELS[node.kind] ?? node.kind);
    const next: ArtifactRecord[] = children.get(node.id) ?? [];
    node = next.reduce<ArtifactRecord | undefined>((best, c) => (!best || (weight.get(c.id) ?? 0) > (weight.get(best.id) ?? 0) ? c : best), undefined);
    if (node && (weight.get(node.id) ?? 0) < 1 && steps.length > 1) break;
  }
  return collapseRepeats(steps).join(' → ');
}

function collapseRepeats(steps: string[]): string[] {
  const out: string[] = [];
  for (const s of steps) if (out[out.length - 1] !== s) out.push(s);
  return out;
}
