// The PowerShell analyzer: parses and evaluates one layer of PowerShell, peels every execution layer it
// finds (Invoke-Expression, [ScriptBlock]::Create, nested powershell -enc) into a `decoded` child, and
// reports the downloads (payload URLs, also handed to the downloader as links), the files written, the run
// step and the techniques used.

import { createHash } from 'node:crypto';
import { loadRules } from '../../engine/rules.ts';
import type { Analyzer, AnalysisContext, AnalyzerResult, Artifact } from '../../engine/types.ts';
import { Collector } from '../cmdline/collector.ts';
import { isStagingPath, urlsInText } from '../cmdline/payload.ts';
import { layerOf, textOf } from '../cmdline/text.ts';
import type { Effects } from './effects.ts';
import { Evaluator } from './evaluator.ts';
import { POWERSHELL_FINDINGS } from './findings.ts';
import { parseScript } from './parser.ts';

interface PatternRule {
  id: string;
  re: string;
}

let patterns: { id: string; re: RegExp }[] | undefined;
function staticPatterns(): { id: string; re: RegExp }[] {
  patterns ??= loadRules<{ patterns: PatternRule[] }>('powershell.yaml').patterns.map((p) => ({ id: p.id, re: new RegExp(p.re, 'i') }));
  return patterns;
}

/** Pattern matching is limited to the first bytes of a layer so a huge layer cannot stall the regexes. */
const PATTERN_BYTES = 1024 * 1024;

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

export interface PowerShellAnalysis {
  effects: Effects;
  parseErrors: number;
  backtickNames: number;
  steps: number;
}

/** Parses and evaluates one layer of PowerShell (exported for tests and the benchmark). */
export function evaluatePowerShell(text: string, limits: { powershellSteps: number; maxDecodedBytes: number }, signal?: AbortSignal): PowerShellAnalysis {
  const parsed = parseScript(text);
  const ev = new Evaluator({ maxSteps: limits.powershellSteps, maxBytes: limits.maxDecodedBytes, signal, source: text });
  ev.run(parsed.body);
  return { effects: ev.effects, parseErrors: parsed.errors, backtickNames: parsed.backtickNames, steps: ev.steps };
}

export const powershellAnalyzer: Analyzer = {
  name: 'powershell',
  findings: POWERSHELL_FINDINGS,
  analyze(artifact: Artifact, ctx: AnalysisContext): AnalyzerResult {
    const { text, truncated } = textOf(artifact.data, ctx.limits.maxDecodedBytes);
    const out = new Collector();
    if (truncated) out.limits.push({ limit: 'maxDecodedBytes', detail: `read the first ${ctx.limits.maxDecodedBytes} bytes of the script` });
    const layer = layerOf(artifact.meta);
    const ancestry = Array.isArray(artifact.meta.ancestry) ? (artifact.meta.ancestry as string[]) : [];
    const analysis = evaluatePowerShell(text, { powershellSteps: ctx.limits.powershellSteps ?? 2_000_000, maxDecodedBytes: ctx.limits.maxDecodedBytes }, ctx.signal);
    const { effects } = analysis;

    for (const p of staticPatterns()) {
      const m = p.re.exec(text.length > PATTERN_BYTES ? text.slice(0, PATTERN_BYTES) : text);
      if (m) out.finding(p.id, m[0].slice(0, 300));
    }
    if (analysis.backtickNames >= 2) out.finding('powershell.obfuscation.backticks', `${analysis.backtickNames} backticks inside names`);
    for (const [id, { evidence, count }] of effects.techniques) {
      // A single literal concatenation or replace is ordinary scripting; repeated, it is obfuscation.
      if ((id === 'powershell.obfuscation.concatenation' || id === 'powershell.obfuscation.replace') && count < 3) continue;
      if (POWERSHELL_FINDINGS[id]) out.finding(id, evidence);
    }

    reportDownloads(effects, out);
    reportRuns(effects, out);
    reportLayers(effects, out, text, layer, ancestry, ctx);

    for (const c of effects.connections) {
      const host = c.host.toLowerCase();
      out.ioc({ type: /^[\d.]+$|:/.test(host) ? 'ip' : 'domain', value: host, role: 'c2', port: Number.isFinite(c.port) ? c.port : undefined });
      out.finding('powershell.c2.connection', c.evidence);
    }
    for (const f of effects.files) {
      out.file(f.path, 'dropped-file');
      out.finding('powershell.drop.file', f.evidence);
      if (isStagingPath(f.path)) out.finding('powershell.drop.staging-folder', f.evidence);
    }
    // Every URL written in the layer is an indicator, even where evaluation could not follow the code.
    // URLs inside a layer peeled into a child or a command handed on are reported there, with their role.
    const handedOn = out.children.filter((c) => c.kind === 'powershell' || c.kind === 'cmdline').map((c) => new TextDecoder().decode(c.data));
    for (const url of urlsInText(text.length > PATTERN_BYTES ? text.slice(0, PATTERN_BYTES) : text)) {
      if (!handedOn.some((t) => t.includes(url))) out.mentionedUrl(url);
    }

    for (const l of effects.limits) out.limits.push(l);
    if (analysis.parseErrors > 0) out.finding('powershell.parse.incomplete', `${analysis.parseErrors} statements could not be parsed and were skipped`);
    out.facts.layer = layer;
    out.facts.evaluationSteps = analysis.steps;
    if (effects.layers.length === 0 && out.labels.length === 0 && out.payloadUrls.length === 0) out.label('PowerShell');
    return out.result();
  },
};

function reportDownloads(effects: Effects, out: Collector): void {
  const urls = new Set<string>();
  for (const d of effects.downloads) {
    const url = out.payloadUrl(d.url, d.via);
    if (!url) continue;
    urls.add(url);
    out.finding('powershell.download', `${d.via}: ${url}${d.path ? ` → ${d.path}` : ''}`);
    if (d.path) {
      out.file(d.path, 'dropped-file');
      if (isStagingPath(d.path)) out.finding('powershell.drop.staging-folder', d.path);
    }
  }
  const fetches = effects.downloads.length > 0 || effects.techniques.has('powershell.download.unresolved');
  for (const url of effects.urlCandidates) {
    // A split URL list is the fallback list only when the script also fetches something.
    if (fetches) {
      const clean = out.payloadUrl(url, 'URL list');
      if (clean) urls.add(clean);
    } else out.mentionedUrl(url);
  }
  if (urls.size >= 2 && (effects.urlLists > 0 || effects.downloads.length >= 2)) out.finding('powershell.download.url-list', [...urls].slice(0, 6).join(', '));
}

function reportRuns(effects: Effects, out: Collector): void {
  const saved = effects.downloads.flatMap((d) => (d.path ? [baseName(d.path)] : []));
  for (const run of effects.runs) {
    const text = run.command ?? run.file ?? '';
    if (!text) continue;
    out.command(text);
    const direct = run.via === 'Start-Process' || run.via === 'Invoke-Item' || run.via.includes('Process') || run.via.includes('ShellExecute');
    out.finding(direct ? 'powershell.run.start-process' : 'powershell.run.command', `${run.via}: ${text}`.slice(0, 500));
    if (saved.some((name) => name && text.toLowerCase().includes(name))) out.finding('powershell.run.downloaded-file', `${run.via}: ${text}`.slice(0, 500));
    if (run.file && !run.command) out.file(run.file, 'executed-file');
    // The command line goes to the command-line analyzer, which knows rundll32, regsvr32, cmd /c, …
    if (run.command) out.child('executed-command', 'cmdline', `${run.via}: ${run.command.slice(0, 80)}`, run.command);
    if (run.via === 'Start-Process') out.label('Start-Process');
  }
}

function reportLayers(effects: Effects, out: Collector, text: string, layer: number, ancestry: string[], ctx: AnalysisContext): void {
  const self = hashOf(text);
  const seen = new Set([...ancestry, self]);
  for (const l of effects.layers) {
    out.finding('powershell.exec.layer', `${l.via}: ${l.evidence}`);
    const hash = hashOf(l.text);
    if (seen.has(hash)) {
      out.facts.repeatedLayer = true;
      continue;
    }
    seen.add(hash);
    if (layer + 1 > ctx.limits.maxDecodedLayers) {
      out.limits.push({ limit: 'maxDecodedLayers', detail: `not peeled: layer ${layer + 1} (${l.via})` });
      continue;
    }
    out.child('decoded', 'powershell', `${l.via} (layer ${layer + 1})`, l.text, { layer: layer + 1, ancestry: [...ancestry, self], via: l.via });
    out.label(l.via === 'powershell -EncodedCommand' ? 'powershell -enc' : l.via === 'Invoke-Expression' ? 'iex' : l.via);
  }
  for (const o of effects.opaqueExecutions) {
    if (o.from.startsWith('download:')) {
      out.finding('powershell.exec.download-cradle', `${o.via} of ${o.from.slice(9) || 'a download'}: ${o.evidence}`);
      out.label('download cradle');
    } else out.finding('powershell.exec.opaque', `${o.via}: ${o.evidence}`);
  }
}

function baseName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? '').toLowerCase().trim();
}

