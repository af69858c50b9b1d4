// Runs one submission through the analyzers: identify → route → analyze → children, breadth-first by
// routing priority, inside the configured limits. Produces the raw material of a report; the verdict
// stage turns it into one.

import { sha256 } from './hash.ts';
import { identify } from './identify.ts';
import { LIMIT_DEFINITIONS, isLimitName } from './limits.ts';
import { PasswordBook } from './passwords.ts';
import { Router } from './routing.ts';
import type {
  Analyzer,
  AnalysisContext,
  AnalyzerResult,
  Artifact,
  ArtifactRecord,
  ChildArtifact,
  EmailFacts,
  EngineConfig,
  Finding,
  FindingCatalogue,
  Ioc,
  PasswordCandidate,
  Relation,
  Services,
} from './types.ts';

export interface SubmissionInput {
  name: string;
  data: Uint8Array;
}

export interface AnalysisRun {
  artifacts: ArtifactRecord[];
  findings: Finding[];
  iocs: Ioc[];
  passwords: { value: string; source: string; opened: string[] }[];
  limits: { limit: string; artifact: string; detail: string }[];
  errors: { analyzer: string; artifact: string; message: string }[];
  /** Chain-line labels by artifact id. */
  labels: Record<string, string>;
  email: EmailFacts;
  simulation?: { vendor: string; evidence: string };
  /** The body text of the judged email (the forwarded original, not a report wrapper), for campaign fingerprints. */
  bodies: string[];
  elapsedMs: number;
}

export interface EngineOptions {
  config: EngineConfig;
  analyzers: readonly Analyzer[];
  services?: Services;
}

/** The findings the engine itself raises: one per limit. */
export const ENGINE_FINDINGS: FindingCatalogue = Object.fromEntries([
  ...Object.entries(LIMIT_DEFINITIONS).map(([name, def]) => [
    `limit.${name}`,
    { title: `Analysis limit reached: ${def.what}`, score: 50, attack: [], description: 'Content this large or deep is unusual in legitimate mail; part of it was not analysed.' },
  ]),
  ['engine.analyzer-error', { title: 'An analyzer could not finish on this artifact', score: 0, attack: [] }],
  ['engine.empty', { title: 'Empty file: nothing to analyse', score: 0, attack: [] }],
  ['engine.unidentified', { title: 'Content of no known format (broken, encrypted, or disguised by its name)', score: 0, attack: [] }],
]);

class TimeUp extends Error {}

export async function analyzeSubmission(input: SubmissionInput, options: EngineOptions): Promise<AnalysisRun> {
  const started = performance.now();
  const { config } = options;
  const limits = config.limits;
  const router = new Router(options.analyzers);
  const catalogue = router.catalogue();
  const passwords = new PasswordBook(config.passwords);
  const opened = new Map<string, { candidate: PasswordCandidate; artifacts: string[] }>();
  const email: EmailFacts = {};
  const claimedUrls = new Set<string>();
  const scratch = new Map<string, unknown>();
  const seen = new Map<string, string>(); // kind:sha256 → artifact id
  const records = new Map<string, ArtifactRecord>();

  const run: AnalysisRun = {
    artifacts: [],
    findings: [],
    iocs: [],
    passwords: [],
    limits: [],
    errors: [],
    labels: {},
    email,
    bodies: [],
    elapsedMs: 0,
  };
  let judgedEmail: string | undefined; // the artifact that published the email facts
  const iocKeys = new Set<string>();
  let totalBytes = 0;
  let seq = 0;
  const queue: { artifact: Artifact; priority: number; order: number }[] = [];
  const submissionDeadline = started + limits.submissionTimeMs;

  const limitHit = (limit: string, artifact: string, detail: string) => {
    run.limits.push({ limit, artifact, detail });
    const id = isLimitName(limit) ? `limit.${limit}` : 'limit.maxArtifacts';
    addFinding(artifact, { id, evidence: detail });
  };

  const addFinding = (artifact: string, hit: { id: string; evidence: string; score?: number; title?: string }) => {
    const def = catalogue[hit.id] ?? ENGINE_FINDINGS[hit.id];
    if (!def) {
      run.errors.push({ analyzer: 'engine', artifact, message: `finding ${hit.id} is not in any catalogue` });
      return;
    }
    run.findings.push({
      id: hit.id,
      title: hit.title ?? def.title,
      score: hit.score ?? def.score,
      attack: def.attack,
      artifact,
      evidence: clip(hit.evidence, 2000),
    });
  };

  const enqueue = (artifact: Artifact) => {
    queue.push({ artifact, priority: router.priority(artifact.kind), order: seq });
  };

  const createArtifact = (
    parent: Artifact | null,
    relation: Relation,
    name: string,
    data: Uint8Array,
    kind: string | undefined,
    meta: Record<string, unknown>,
  ): Artifact | undefined => {
    const depth = parent ? parent.depth + 1 : 0;
    const parentId = parent?.id ?? null;
    if (parent && depth > limits.maxDepth) {
      limitHit('maxDepth', parent.id, `not analysed: ${relation} "${clip(name, 120)}" at depth ${depth}`);
      return undefined;
    }
    if (run.artifacts.length >= limits.maxArtifacts) {
      if (!run.limits.some((l) => l.limit === 'maxArtifacts')) {
        limitHit('maxArtifacts', parentId ?? 'a1', `stopped at ${limits.maxArtifacts} artifacts`);
      }
      return undefined;
    }
    if (data.length > limits.maxArtifactBytes) {
      limitHit('maxArtifactBytes', parentId ?? 'a1', `"${clip(name, 120)}" is ${data.length} bytes; analysed the first ${limits.maxArtifactBytes}`);
      data = data.subarray(0, limits.maxArtifactBytes);
    }
    if (totalBytes + data.length > limits.maxSubmissionBytes) {
      limitHit('maxSubmissionBytes', parentId ?? 'a1', `not analysed: "${clip(name, 120)}" would exceed ${limits.maxSubmissionBytes} bytes in this submission`);
      return undefined;
    }
    const finalKind = kind ?? identify(data, name);
    const hash = sha256(data);
    const key = `${finalKind}:${hash}`;
    if (parent && seen.has(key)) return undefined; // the same content again: analysed once
    totalBytes += data.length;
    seq++;
    const artifact: Artifact = {
      id: `a${seq}`,
      parent: parentId,
      relation,
      kind: finalKind,
      name,
      sha256: hash,
      size: data.length,
      depth,
      data,
      meta,
    };
    seen.set(key, artifact.id);
    const record = toRecord(artifact);
    records.set(artifact.id, record);
    run.artifacts.push(record);
    return artifact;
  };

  const root = createArtifact(null, 'root', input.name, input.data, undefined, {});
  if (!root) throw new Error('the submission could not be read');
  enqueue(root);

  while (queue.length > 0) {
    queue.sort((a, b) => a.priority - b.priority || a.order - b.order);
    const { artifact } = queue.shift()!;
    if (performance.now() > submissionDeadline) {
      limitHit('submissionTimeMs', artifact.id, `stopped after ${limits.submissionTimeMs} ms; ${queue.length + 1} artifacts left unanalysed`);
      break;
    }
    if (artifact.relation === 'body' && artifact.parent === judgedEmail && run.bodies.length < MAX_BODIES) {
      run.bodies.push(Buffer.from(artifact.data.subarray(0, MAX_BODY_BYTES)).toString('utf8'));
    }
    noteUnanalysable(artifact);
    let rerouted = false;
    // The analyzers of one artifact work at once (a script sandbox, the YARA worker, a download); what they
    // return is taken in routing order, so the report is the one they would give one after another.
    const routed = router.analyzersFor(artifact.kind);
    const outcomes = await Promise.all(routed.map((analyzer) => runAnalyzer(analyzer, artifact)));
    for (const [i, analyzer] of routed.entries()) {
      const outcome = outcomes[i]!;
      if ('failed' in outcome) {
        outcome.failed();
        continue;
      }
      const { result } = outcome;
      absorb(artifact, analyzer, result);
      if (result.kind && result.kind !== artifact.kind) {
        // The analyzer looked closer and knows better: route again under the new kind.
        artifact.kind = result.kind;
        records.get(artifact.id)!.kind = result.kind;
        enqueue(artifact);
        rerouted = true;
        break;
      }
    }
    // Bytes are no longer needed once analysed (keeps memory flat on big trees), unless routed again.
    if (!rerouted) artifact.data = EMPTY;
  }

  for (const [value, entry] of opened) {
    run.passwords.push({ value, source: entry.candidate.source, opened: entry.artifacts });
  }
  for (const stated of passwords.statedPasswords()) {
    if (!opened.has(stated.value)) run.passwords.push({ value: stated.value, source: stated.source, opened: [] });
  }
  run.elapsedMs = Math.round(performance.now() - started);
  return run;

  /** Say so when there is nothing to analyse, rather than return a silent, empty report. */
  function noteUnanalysable(artifact: Artifact): void {
    if (artifact.size === 0) addFinding(artifact.id, { id: 'engine.empty', evidence: `"${clip(artifact.name, 200)}" has 0 bytes` });
    else if (artifact.kind === 'binary') {
      const head = Buffer.from(artifact.data.subarray(0, 16)).toString('hex').replace(/(..)/g, '$1 ').trim();
      addFinding(artifact.id, { id: 'engine.unidentified', evidence: `"${clip(artifact.name, 200)}" (${artifact.size} bytes) starts with ${head}` });
    }
  }

  /** One analyzer on one artifact, within its time; a failure is returned as what to record, in order. */
  async function runAnalyzer(analyzer: Analyzer, artifact: Artifact): Promise<{ result: AnalyzerResult } | { failed: () => void }> {
    const controller = new AbortController();
    const budget = Math.max(0, Math.min(limits.analyzerTimeMs, submissionDeadline - performance.now()));
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new TimeUp());
        reject(new TimeUp());
      }, budget);
    });
    const ctx: AnalysisContext = {
      limits,
      email,
      fetchMode: config.fetch.mode,
      signal: controller.signal,
      services: options.services ?? {},
      config,
      passwordCandidates: (name?: string) => passwords.candidates(name ?? artifact.name),
      scratch,
      claimFetch: (url: string) => {
        if (claimedUrls.has(url)) return false;
        claimedUrls.add(url);
        return true;
      },
    };
    try {
      return { result: await Promise.race([Promise.resolve().then(() => analyzer.analyze(artifact, ctx)), timeUp]) };
    } catch (err) {
      if (err instanceof TimeUp || controller.signal.aborted) {
        const which = budget < limits.analyzerTimeMs ? 'submissionTimeMs' : 'analyzerTimeMs';
        return { failed: () => limitHit(which, artifact.id, `${analyzer.name} stopped after ${Math.round(budget)} ms`) };
      }
      const message = err instanceof Error ? err.message : String(err);
      return {
        failed: () => {
          run.errors.push({ analyzer: analyzer.name, artifact: artifact.id, message: clip(message, 500) });
          addFinding(artifact.id, { id: 'engine.analyzer-error', evidence: `${analyzer.name}: ${clip(message, 300)}` });
        },
      };
    } finally {
      clearTimeout(timer);
    }
  }

  function absorb(artifact: Artifact, analyzer: Analyzer, result: AnalyzerResult): void {
    for (const hit of result.findings ?? []) addFinding(artifact.id, hit);
    for (const ioc of result.iocs ?? []) {
      const value = ioc.value.trim();
      if (!value) continue;
      const key = `${ioc.type}\u0000${value}\u0000${ioc.port ?? ''}`;
      if (iocKeys.has(key)) continue;
      iocKeys.add(key);
      run.iocs.push({ ...ioc, value, artifact: artifact.id });
    }
    for (const l of result.limits ?? []) limitHit(l.limit, artifact.id, l.detail);
    for (const message of result.errors ?? []) {
      run.errors.push({ analyzer: analyzer.name, artifact: artifact.id, message: clip(message, 500) });
    }
    if (result.context?.passwords) passwords.add(result.context.passwords);
    if (result.context?.email?.subject !== undefined && email.subject === undefined) judgedEmail = artifact.id;
    if (result.context?.email) {
      for (const [k, v] of Object.entries(result.context.email)) {
        const key = k as keyof EmailFacts;
        if (v !== undefined && email[key] === undefined) (email as Record<string, unknown>)[key] = v;
      }
    }
    if (result.simulation && !run.simulation) run.simulation = result.simulation;
    for (const candidate of result.opened ?? []) {
      const entry = opened.get(candidate.value) ?? { candidate, artifacts: [] };
      entry.artifacts.push(artifact.id);
      opened.set(candidate.value, entry);
    }
    // The first analyzer routed to a kind names the artifact in the chain line (url: "link", not the fetch status).
    if (result.label && run.labels[artifact.id] === undefined) run.labels[artifact.id] = result.label;
    if (result.facts) {
      const record = records.get(artifact.id)!;
      record.facts = { ...record.facts, ...result.facts };
    }
    for (const child of result.children ?? []) addChild(artifact, child);
  }

  function addChild(parent: Artifact, child: ChildArtifact): void {
    const created = createArtifact(parent, child.relation, child.name, child.data, child.kind, child.meta ?? {});
    if (created) enqueue(created);
  }
}

const EMPTY = new Uint8Array(0);
const MAX_BODIES = 4;
const MAX_BODY_BYTES = 256 * 1024;

function toRecord(a: Artifact): ArtifactRecord {
  return { id: a.id, parent: a.parent, relation: a.relation, kind: a.kind, name: a.name, sha256: a.sha256, size: a.size, depth: a.depth };
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}
