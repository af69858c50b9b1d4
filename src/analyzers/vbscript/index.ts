// The VBScript analyzer (kind `vbscript`, and `jse` files that decode to VBScript): decodes .vbe, parses and
// evaluates the script statically (nothing ever runs), peels every Execute/ExecuteGlobal/Eval layer into a
// `decoded` child, and reports the commands it runs, the URLs it fetches, the files it writes, persistence,
// WMI use and the obfuscation it needed.

import { createHash } from 'node:crypto';
import type { Analyzer, AnalysisContext, AnalyzerResult, Artifact } from '../../engine/types.ts';
import { Collector } from '../cmdline/collector.ts';
import { isRunKey, isStagingPath, urlsInText } from '../cmdline/payload.ts';
import { layerOf, textOf } from '../cmdline/text.ts';
import type { Effects } from './effects.ts';
import { decodeEncodedScript, decodesToVbscript, isEncodedScript } from './encoded.ts';
import { Evaluator } from './evaluator.ts';
import { VBSCRIPT_FINDINGS } from './findings.ts';
import { vbscriptRules } from './objects.ts';
import { parseScript } from './parser.ts';

export interface VbscriptAnalysis {
  effects: Effects;
  parseErrors: number;
  steps: number;
  truncated: boolean;
  stoppedBy?: string;
}

/** URL scanning and evidence are limited to the first bytes of a layer. */
const SCAN_CHARS = 1024 * 1024;

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

/** Parses and evaluates one layer of VBScript (exported for tests and benchmarks). */
export function evaluateVbscript(
  text: string,
  limits: { vbscriptSteps: number; maxDecodedBytes: number },
  options: { signal?: AbortSignal; scriptName?: string } = {},
): VbscriptAnalysis {
  // Tokens read: half the step budget (a token and its syntax node cost ~250 bytes, so the default
  // 1,000,000 tokens, megabytes of dense obfuscated code, bound memory near 250 MB).
  const parsed = parseScript(text, Math.max(1, Math.floor(limits.vbscriptSteps / 2)));
  const ev = new Evaluator({
    maxSteps: limits.vbscriptSteps,
    maxBytes: limits.maxDecodedBytes,
    maxLoopIterations: Math.max(1, Math.floor(limits.vbscriptSteps / 20)),
    signal: options.signal,
    source: text,
    scriptName: options.scriptName ?? 'script.vbs',
  });
  ev.run(parsed.body);
  return { effects: ev.effects, parseErrors: parsed.errors, steps: ev.steps, truncated: parsed.truncated, stoppedBy: ev.stoppedBy };
}

export const vbscriptAnalyzer: Analyzer = {
  name: 'vbscript',
  findings: VBSCRIPT_FINDINGS,
  analyze(artifact: Artifact, ctx: AnalysisContext): AnalyzerResult {
    const read = textOf(artifact.data, ctx.limits.maxDecodedBytes);
    let text = read.text;
    const encoded = isEncodedScript(text.slice(0, SCAN_CHARS));
    if (encoded) text = decodeEncodedScript(text);
    // A `jse` file (any #@~^ file) is ours only when it decodes to VBScript: say so and the engine routes it
    // again as vbscript; otherwise the JScript analyzer after us takes it.
    if (artifact.kind === 'jse') return decodesToVbscript(text, artifact.name) ? { kind: 'vbscript' } : {};

    const out = new Collector();
    if (read.truncated) out.limits.push({ limit: 'maxDecodedBytes', detail: `read the first ${ctx.limits.maxDecodedBytes} bytes of the script` });
    if (encoded) out.finding('vbscript.obfuscation.encoded', `#@~^ block decoded to ${text.length} characters`);
    const layer = layerOf(artifact.meta);
    const ancestry = Array.isArray(artifact.meta.ancestry) ? (artifact.meta.ancestry as string[]) : [];
    const scriptName = artifact.name.split(/[\\/#]/).pop() || 'script.vbs';
    const analysis = evaluateVbscript(text, { vbscriptSteps: ctx.limits.vbscriptSteps ?? 2_000_000, maxDecodedBytes: ctx.limits.maxDecodedBytes }, { signal: ctx.signal, scriptName });
    const { effects } = analysis;

    const saved = reportFiles(effects, out);
    reportDownloads(effects, out);
    reportRuns(effects, out, saved);
    reportPersistence(effects, out);
    reportLayers(effects, out, text, layer, ancestry, ctx.limits.maxDecodedLayers);
    reportTechniques(effects, out);

    // Every URL written in the layer, or computed by it, is an indicator even where no fetch of it was seen.
    for (const url of urlsInText(text.slice(0, SCAN_CHARS))) out.mentionedUrl(url);
    for (const value of effects.decodedStrings) for (const url of urlsInText(value)) out.mentionedUrl(url);
    for (const l of effects.limits) out.limits.push(l);
    if (analysis.truncated) out.limits.push({ limit: 'vbscriptSteps', detail: `read the first ${Math.floor((ctx.limits.vbscriptSteps ?? 2_000_000) / 2)} tokens of the script` });
    if (analysis.parseErrors > 0) out.finding('vbscript.parse.incomplete', `${analysis.parseErrors} statements could not be parsed and were skipped`);

    const progids = [...new Set(effects.objects.map((o) => o.progid))];
    if (progids.length) out.facts.objects = progids.slice(0, 30);
    if (effects.decodedStrings.size) out.facts.decodedStrings = [...effects.decodedStrings];
    out.facts.layer = layer;
    out.facts.evaluationSteps = analysis.steps;
    if (analysis.stoppedBy === 'time') out.errors.push('evaluation stopped: the analyzer ran out of time');
    const result = out.result();
    const first = effects.runs[0]?.via.split('.').pop();
    result.label = `${encoded ? 'VBScript (encoded)' : 'VBScript'}${first ? ` → ${first}` : ''}${result.label ? `, ${result.label}` : ''}`;
    return result;
  },
};

function baseName(path: string): string {
  return (path.split(/[\\/]/).pop() ?? '').toLowerCase().trim();
}

/** Files written; returns the names of those saved from a download (for download-and-run). */
function reportFiles(effects: Effects, out: Collector): Set<string> {
  const fromDownload = new Set<string>();
  const startup = /\\start menu\\programs\\startup\\/i;
  for (const f of effects.files) {
    out.file(f.path, 'dropped-file');
    out.finding('vbscript.file.write', f.path ? `${f.via}: ${f.path}` : f.evidence);
    if (isStagingPath(f.path)) out.finding('vbscript.drop.staging-folder', `${f.via}: ${f.path}`);
    if (startup.test(f.path)) out.finding('vbscript.persistence.startup-folder', `${f.via}: ${f.path}`);
    if (f.fromUrl) {
      fromDownload.add(baseName(f.path));
      out.finding('vbscript.download.saved', `${f.via}: ${f.fromUrl} → ${f.path || 'a path built at run time'}`);
    }
    if (f.content && f.content.length > 0) {
      // What the script carries inside itself and writes out is the next stage: analysed as a child.
      if (f.content[0] === 0x4d && f.content[1] === 0x5a) out.finding('vbscript.drop.embedded-executable', `${f.via}: ${f.path} (${f.content.length} bytes, MZ)`);
      out.children.push({ relation: 'dropped-file', name: baseName(f.path) || 'dropped-file', data: f.content, meta: { path: f.path } });
    }
  }
  for (const s of effects.shortcuts) {
    out.file(s.path, 'dropped-file');
    out.finding('vbscript.file.write', s.evidence);
    if (startup.test(s.path)) out.finding('vbscript.persistence.startup-folder', s.evidence);
    if (s.target) out.command(s.target, 'shortcut-target');
  }
  return fromDownload;
}

function reportDownloads(effects: Effects, out: Collector): void {
  for (const r of effects.requests) {
    const url = r.url === undefined ? undefined : out.payloadUrl(r.url, r.via);
    if (url) out.finding('vbscript.download.url', `${r.via}: ${r.method} ${url}`);
    else out.finding('vbscript.download.unresolved', r.evidence);
  }
}

function reportRuns(effects: Effects, out: Collector, saved: Set<string>): void {
  for (const run of effects.runs) {
    if (!run.command) {
      out.finding('vbscript.exec.command', `${run.via} of a command built at run time: ${run.evidence}`);
      continue;
    }
    out.command(run.command, 'executed-command');
    out.finding('vbscript.exec.command', `${run.via}: ${run.command}`.slice(0, 500));
    if (run.hidden) out.finding('vbscript.exec.hidden-window', `${run.via}: ${run.command}`.slice(0, 500));
    const lower = run.command.toLowerCase();
    if ([...saved].some((name) => name && lower.includes(name))) out.finding('vbscript.dropper.download-and-run', `${run.via}: ${run.command}`.slice(0, 500));
    // The command line goes to the command-line analyzer, which knows powershell -enc, rundll32, cmd /c, …
    out.child('executed-command', 'cmdline', 'command', run.command);
  }
}

function reportPersistence(effects: Effects, out: Collector): void {
  for (const r of effects.registry) {
    out.finding('vbscript.registry.write', r.evidence);
    if (isRunKey(r.key)) {
      out.finding('vbscript.persistence.run-key', r.evidence);
      if (r.value) {
        out.command(r.value, 'persistence');
        out.child('executed-command', 'cmdline', `Run key: ${r.value.slice(0, 80)}`, r.value);
      }
    }
  }
  for (const t of effects.tasks) {
    out.finding('vbscript.persistence.scheduled-task', t.evidence);
    if (t.command) {
      out.command(t.command, 'persistence');
      out.child('executed-command', 'cmdline', `scheduled task: ${t.command.slice(0, 80)}`, t.command);
    }
  }
  for (const s of effects.wmiSubscriptions) {
    out.finding('vbscript.persistence.wmi-subscription', s.evidence);
    if (s.command) {
      out.command(s.command, 'persistence');
      out.child('executed-command', 'cmdline', `WMI consumer: ${s.command.slice(0, 80)}`, s.command);
    }
  }
  const recon = vbscriptRules().reconClasses;
  for (const q of effects.wmiQueries) {
    out.finding('vbscript.wmi.query', q.evidence);
    const lower = q.query.toLowerCase();
    if (recon.some((cls) => lower.includes(cls))) out.finding('vbscript.recon.security-products', q.evidence);
  }
  if (effects.sleeps.length) out.finding('vbscript.evasion.sleep', effects.sleeps.length > 1 ? `${effects.sleeps[0]} (and ${effects.sleeps.length - 1} more)` : effects.sleeps[0]!);
  for (const d of effects.deletes) if (d.self) out.finding('vbscript.evasion.self-delete', d.evidence);
}

function reportLayers(effects: Effects, out: Collector, text: string, layer: number, ancestry: string[], maxLayers: number): void {
  const self = hashOf(text);
  const seen = new Set([...ancestry, self]);
  for (const l of effects.layers) {
    out.finding('vbscript.exec.layer', l.evidence);
    const hash = hashOf(l.text);
    if (seen.has(hash)) {
      out.facts.repeatedLayer = true;
      continue;
    }
    seen.add(hash);
    if (layer + 1 > maxLayers) {
      out.limits.push({ limit: 'maxDecodedLayers', detail: `not peeled: layer ${layer + 1} (${l.via})` });
      continue;
    }
    const ext = l.language === 'jscript' ? 'js' : 'vbs';
    out.child('decoded', l.language, `${l.via} (layer ${layer + 1}).${ext}`, l.text, { layer: layer + 1, ancestry: [...ancestry, self], via: l.via });
    out.label(l.via);
  }
  for (const o of effects.opaqueLayers) out.finding('vbscript.exec.opaque', `${o.via}: ${o.evidence}`);
}

/** How many uses make a trick obfuscation rather than ordinary scripting (Chr(34) to quote a path is normal). */
const TECHNIQUE_THRESHOLDS: Record<string, number> = {
  'vbscript.obfuscation.char-codes': 8,
  'vbscript.obfuscation.replace': 4,
};

function reportTechniques(effects: Effects, out: Collector): void {
  for (const [id, { evidence, count }] of effects.techniques) {
    if (count < (TECHNIQUE_THRESHOLDS[id] ?? 1)) continue;
    if (VBSCRIPT_FINDINGS[id]) out.finding(id, count > 1 ? `${evidence} (${count} times)` : evidence);
  }
}
