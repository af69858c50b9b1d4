// The JScript analyzer (kinds `jscript` and `jse`): decode .jse, resolve conditional compilation, fold the
// constant strings (static pass), then emulate under a mocked Windows Script Host in the sandbox pool and
// report what the script did: commands, URLs, dropped files, generated code, persistence and probes.

import type { Analyzer, AnalysisContext, AnalyzerResult, Artifact } from '../../engine/types.ts';
import { JSCRIPT_FINDINGS } from './findings.ts';
import { decodeEncodedScript, isEncodedScript } from './jse.ts';
import { describeBehaviour } from './results.ts';
import { scriptText } from './script-text.ts';
import { SandboxPool } from './sandbox/pool.ts';
import type { EmulationResult } from './sandbox/protocol.ts';
import { openSandboxPool } from './service.ts';
import { parseScript } from './static/ast.ts';
import { resolveConditionalCompilation, usesConditionalCompilation } from './static/conditional-compilation.ts';
import { decodedStrings } from './static/fold.ts';
import { instrument } from './static/instrument.ts';

/** Events one emulation may report, and their total size: a script cannot flood the host. */
const MAX_EVENTS = 5_000;
const MAX_EVENT_BYTES = 16 * 1024 * 1024;
/** Largest script the host parses for the static pass (droppers are kilobytes; 4 MiB is generous). */
const MAX_STATIC_CHARS = 4 * 1024 * 1024;

export const jscriptAnalyzer: Analyzer = {
  name: 'jscript',
  findings: JSCRIPT_FINDINGS,
  async analyze(artifact: Artifact, ctx: AnalysisContext): Promise<AnalyzerResult> {
    let source = scriptText(artifact.data);
    const findings: AnalyzerResult['findings'] = [];
    const facts: Record<string, unknown> = {};
    const encoded = artifact.kind === 'jse' || isEncodedScript(source);
    if (encoded) {
      source = decodeEncodedScript(source);
      findings.push({ id: 'jscript.obfuscation.encoded', evidence: `#@~^ block decoded to ${source.length} characters` });
    }
    if (usesConditionalCompilation(source)) facts.conditionalCompilation = true;
    const compiled = resolveConditionalCompilation(source);

    // The static pass runs on the host: beyond this size it is skipped and the sandbox does all the work.
    const ast = compiled.length <= MAX_STATIC_CHARS ? parseScript(compiled) : undefined;
    facts.parses = Boolean(ast);
    if (compiled.length > MAX_STATIC_CHARS) facts.staticPass = `skipped: ${compiled.length} characters`;
    if (ast) {
      const strings = decodedStrings(ast);
      if (strings.length) facts.decodedStrings = strings.slice(0, 40).map((s) => (s.length > 300 ? `${s.slice(0, 300)}…` : s));
    }
    const prepared = compiled.length <= MAX_STATIC_CHARS ? instrument(compiled) : { code: `eval = __tb_eval;\n${compiled}`, escapeAttempts: [], nodeApis: [] };
    if (prepared.escapeAttempts.length) {
      findings.push({ id: 'jscript.sandbox.escape-attempt', evidence: `the source uses ${prepared.escapeAttempts.join(', ')}` });
    }
    if (prepared.nodeApis.length) findings.push({ id: 'jscript.host.node-api', evidence: `the source uses ${prepared.nodeApis.join(', ')}` });

    const runs = await emulate(prepared.code, artifact.name, ctx);
    const behaviour = describeBehaviour(runs, {
      maxCodeLayers: ctx.limits.maxDecodedLayers,
      timeMs: ctx.limits.sandboxTimeMs,
      memoryMiB: ctx.limits.sandboxMemoryMiB,
    });
    for (const f of behaviour.findings) if (!findings.some((x) => x.id === f.id)) findings.push(f);
    const first = behaviour.execApis[0];
    return {
      findings,
      iocs: behaviour.iocs,
      children: behaviour.children,
      limits: behaviour.limits,
      facts: { ...facts, ...behaviour.facts },
      label: `${encoded ? 'JScript (encoded)' : 'JScript'}${first ? ` → ${shortApi(first)}` : ''}`,
    };
  },
};

/**
 * Runs the script with HTTP answering 404 (the dropper walks its URL list). When it fetched something but
 * neither saved nor ran anything, a second run answers 200 so the rest of the chain shows.
 */
async function emulate(code: string, name: string, ctx: AnalysisContext): Promise<EmulationResult[]> {
  const shared = ctx.services.sandbox instanceof SandboxPool ? ctx.services.sandbox : undefined;
  const pool = shared ?? openSandboxPool(ctx.config);
  try {
    const job = {
      code,
      scriptName: name.split(/[\\/]/).pop() || 'script.js',
      timeMs: ctx.limits.sandboxTimeMs,
      maxEvents: MAX_EVENTS,
      maxEventBytes: MAX_EVENT_BYTES,
      signal: ctx.signal,
    };
    const first = await pool.emulate({ ...job, http: 'not-found' });
    const runs = [first];
    const did = (t: string) => first.events.some((e) => e.t === t);
    const finishedEarly = first.outcome !== 'timeout' && first.outcome !== 'stalled' && first.outcome !== 'memory' && first.outcome !== 'crashed';
    if (did('url') && !did('exec') && !did('file') && finishedEarly && !ctx.signal.aborted) {
      runs.push(await pool.emulate({ ...job, http: 'ok' }));
    }
    return runs;
  } finally {
    if (!shared) await pool.close();
  }
}

function shortApi(api: string): string {
  const m = /(Run|Exec|ShellExecute|Create|InstallProduct|task)\b/i.exec(api);
  return m ? m[1]! : api;
}
