// The YARA analyzer: scans an artifact with the rules in rules/yara/ (JScript droppers, PowerShell cradles,
// Qakbot) through the run's YARA service. Each matching rule raises the finding its meta block declares.

import type { Analyzer, AnalysisContext, AnalyzerResult, Artifact, FindingHit } from '../../engine/types.ts';
import { buildPrefilter, mayMatch } from './prefilter.ts';
import { findingId, loadRuleSet } from './ruleset.ts';
import { sharedYara, type YaraMatch, type YaraScanner } from './service.ts';

const ruleSet = loadRuleSet();
const prefilter = buildPrefilter(ruleSet.source);

export const yaraAnalyzer: Analyzer = {
  name: 'yara',
  findings: ruleSet.catalogue,
  async analyze(artifact: Artifact, ctx: AnalysisContext): Promise<AnalyzerResult> {
    // The rules target code (droppers, cradles, payloads). An email's own body is prose read by the text and
    // html analyzers: scanning it would cost a rule compile per body and flag mails that quote code.
    if (artifact.relation === 'body') return {};
    const scanner = (ctx.services.yara as YaraScanner | undefined) ?? sharedYara();
    const max = ctx.limits.yaraScanBytes;
    const data = artifact.data.length > max ? artifact.data.subarray(0, max) : artifact.data;
    if (!mayMatch(prefilter, data)) return artifact.data.length > max ? { limits: [{ limit: 'yaraScanBytes', detail: `checked the first ${max} of ${artifact.data.length} bytes` }] } : {};
    const matches = await scanner.scan(data, ctx.signal);
    const result: AnalyzerResult = { findings: matches.map(toFinding) };
    if (artifact.data.length > max) result.limits = [{ limit: 'yaraScanBytes', detail: `scanned the first ${max} of ${artifact.data.length} bytes` }];
    if (matches.length > 0) result.facts = { yara: matches.map((m) => m.rule) };
    return result;
  },
};

function toFinding(m: YaraMatch): FindingHit {
  const strings = m.strings.slice(0, 4).map((s) => `${s.id} at 0x${s.offset.toString(16)}: "${printable(s.data)}"`);
  return { id: findingId(m.rule), evidence: `rule ${m.rule}${strings.length ? `: ${strings.join('; ')}` : ''}` };
}

/** Match data can be binary or UTF-16; show it as an analyst can read it. */
function printable(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  const noNul = /^(?:[^\0]\0)+$/.test(s) ? s.replace(/\0/g, '') : s;
  return noNul.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).slice(0, 120);
}
