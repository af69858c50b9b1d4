// Runs one input through a target's analyzer the way the engine would (a fresh context, the analysis
// signal, the target's password candidates) and says whether it behaved: a result, or a crash with a
// signature that groups crashes by cause. A finding id outside the analyzer's catalogue counts as a crash:
// the engine would turn it into an error line instead of the finding the analyst needs.

import { createHash } from 'node:crypto';
import { defaultConfig } from '../../src/config.ts';
import type { AnalysisContext, AnalyzerResult, Artifact } from '../../src/engine/types.ts';
import type { FuzzTarget } from './targets.ts';

export type Outcome =
  | { ok: true; result: AnalyzerResult }
  | { ok: false; kind: FailureKind; signature: string; message: string };

/**
 * crash: analyze() threw; invariant: a result the engine cannot use; timeout: did not stop when aborted;
 * slow: stopped when aborted, but needed the whole budget (a cost worth a look, e.g. a parser loop that only
 * the time limit ends).
 */
export type FailureKind = 'crash' | 'timeout' | 'invariant' | 'slow';

const config = defaultConfig();

export function artifactFor(target: FuzzTarget, data: Uint8Array): Artifact {
  return {
    id: 'a1',
    parent: null,
    relation: 'root',
    kind: target.kindOf(data),
    name: target.fileName,
    sha256: createHash('sha256').update(data).digest('hex'),
    size: data.length,
    depth: 0,
    data,
    meta: {},
  };
}

function contextFor(target: FuzzTarget, signal: AbortSignal): AnalysisContext {
  const passwords = (target.passwords ?? []).map((value) => ({ value, source: 'email body after "Password:"', stated: true }));
  return {
    limits: config.limits,
    passwordCandidates: () => passwords,
    email: {},
    fetchMode: 'off',
    signal,
    services: {},
    config,
    claimFetch: () => false,
    scratch: new Map(),
  };
}

/**
 * Runs `data` through the target. An asynchronous analyzer is aborted after `budgetMs` and must settle
 * within `graceMs` after that; a synchronous one that never returns is the caller's to catch (a watchdog).
 */
export async function execute(target: FuzzTarget, data: Uint8Array, budgetMs: number, graceMs = budgetMs): Promise<Outcome> {
  const controller = new AbortController();
  const abort = setTimeout(() => controller.abort(new Error('fuzz budget')), budgetMs);
  let late: NodeJS.Timeout | undefined;
  try {
    const running = Promise.resolve().then(() => target.analyzer.analyze(artifactFor(target, data), contextFor(target, controller.signal)));
    const hung = new Promise<'hung'>((resolve) => {
      late = setTimeout(() => resolve('hung'), budgetMs + graceMs);
    });
    const result = await Promise.race([running, hung]);
    if (result === 'hung') {
      return { ok: false, kind: 'timeout', signature: `${target.name}: did not settle ${graceMs} ms after its signal aborted`, message: 'ignored the abort signal' };
    }
    if (controller.signal.aborted) return slow(target.name, budgetMs);
    const unknown = (result.findings ?? []).map((f) => f.id).filter((id) => !target.analyzer.findings[id]);
    if (unknown.length > 0) {
      return { ok: false, kind: 'invariant', signature: `${target.name}: finding not in catalogue: ${unknown[0]}`, message: `finding ids not in the catalogue: ${unknown.join(', ')}` };
    }
    for (const child of result.children ?? []) {
      if (!(child.data instanceof Uint8Array)) return { ok: false, kind: 'invariant', signature: `${target.name}: child without bytes`, message: `child ${child.name} has no Uint8Array data` };
    }
    return { ok: true, result };
  } catch (err) {
    // Stopping on the abort we asked for is the analyzer behaving; that it needed the whole budget is noted.
    if (controller.signal.aborted) return slow(target.name, budgetMs);
    return { ok: false, kind: 'crash', signature: crashSignature(target.name, err), message: describe(err) };
  } finally {
    clearTimeout(abort);
    clearTimeout(late);
  }
}

function slow(target: string, budgetMs: number): Outcome {
  return { ok: false, kind: 'slow', signature: `${target}: ran until aborted at ${budgetMs} ms`, message: `the analyzer needed the whole ${budgetMs} ms budget and stopped on the abort signal` };
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}\n${(err.stack ?? '').split('\n').slice(1, 8).join('\n')}`;
  return String(err);
}

/** The error's type and message with numbers blurred, and the first frame in tacklebox's own code. */
export function crashSignature(target: string, err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const message = e.message.split('\n')[0]!.replace(/\d+/g, 'N').slice(0, 120);
  const frame = (e.stack ?? '').split('\n').find((l) => l.includes('/src/'));
  const where = frame ? (/\/(src\/[^):]+:\d+)/.exec(frame)?.[1] ?? '') : '';
  return `${target}: ${e.name}: ${message}${where ? ` at ${where}` : ''}`;
}
