// The engine's vocabulary: artifacts, findings, IOCs, analyzers and what they return.
// Every analyzer speaks only these types; the engine does the recursion.

import type { Limits } from './limits.ts';

/** How a child came out of its parent. */
export type Relation =
  | 'root'
  | 'attachment' // a file attached to an email
  | 'forwarded' // the original message inside a report wrapper, or any message/rfc822 part
  | 'body' // an email body (text or HTML) analysed on its own
  | 'link' // a URL found in a body or document
  | 'downloaded' // what a URL served
  | 'extracted' // an archive or container member
  | 'decoded' // a deobfuscated or decoded layer (base64, -enc, eval'd code, smuggled blob)
  | 'executed-command' // a command line a script or shortcut runs
  | 'dropped-file' // a file a script writes to disk
  | 'embedded' // an object embedded in a document or PE resource
  | 'script'; // a script block inside WSF/HTA/HTML

/** An artifact as the report shows it. */
export interface ArtifactRecord {
  id: string;
  parent: string | null;
  relation: Relation;
  kind: string;
  name: string;
  sha256: string;
  size: number;
  depth: number;
  /** Short facts an analyzer wants an analyst to see (headers, PE sections, URL fetch result, …). */
  facts?: Record<string, unknown>;
}

/** An artifact under analysis: the record plus its bytes. */
export interface Artifact extends ArtifactRecord {
  data: Uint8Array;
  /** Hints from the parent for this artifact's analyzer (e.g. the URL a download came from). */
  meta: Record<string, unknown>;
}

/** A finding as declared in an analyzer's catalogue (Assemblyline's "heuristic"). */
export interface FindingDefinition {
  title: string;
  score: number;
  attack: string[];
  /** One line for an analyst on why this matters. */
  description?: string;
}

export type FindingCatalogue = Record<string, FindingDefinition>;

/** A finding an analyzer raised, before the engine attaches its catalogue entry. */
export interface FindingHit {
  id: string;
  evidence: string;
  /** Overrides the catalogue score for this hit (rare: e.g. a limit that matters more in context). */
  score?: number;
  /** Overrides the title (e.g. to name the lure language). Score and ATT&CK stay catalogued. */
  title?: string;
}

/** A finding as the report shows it. */
export interface Finding {
  id: string;
  title: string;
  score: number;
  attack: string[];
  artifact: string;
  evidence: string;
}

export type IocType = 'url' | 'domain' | 'ip' | 'sha256' | 'email' | 'filename' | 'command';

export interface IocHit {
  type: IocType;
  value: string;
  /** What the value is in the chain: 'sender', 'payload-url', 'c2', 'dropped-file', … */
  role?: string;
  /** For C2 addresses: the port the bot talks to. */
  port?: number;
}

export interface Ioc extends IocHit {
  artifact: string;
}

/** A password candidate published to the submission-wide context. */
export interface PasswordCandidate {
  value: string;
  /** Where it came from, in words an analyst reads: "email body after 'Password:'". */
  source: string;
  /** True when the email states it as a password (after a label); bare tokens are false and stay internal. */
  stated: boolean;
}

export interface ChildArtifact {
  relation: Relation;
  name: string;
  data: Uint8Array;
  /** Force the kind when the parent knows it better than content sniffing (a URL, a command line). */
  kind?: string;
  meta?: Record<string, unknown>;
}

export interface LimitHit {
  limit: keyof Limits | string;
  detail: string;
}

export interface EmailFacts {
  subject?: string;
  from?: string;
  to?: string[];
  messageId?: string;
  date?: string;
  /** The employee who forwarded the report, when the submission is a report wrapper. */
  reporter?: string;
}

/** What an analyzer adds to the submission-wide context. */
export interface ContextAdditions {
  passwords?: PasswordCandidate[];
  email?: EmailFacts;
}

export interface AnalyzerResult {
  findings?: FindingHit[];
  iocs?: IocHit[];
  children?: ChildArtifact[];
  context?: ContextAdditions;
  limits?: LimitHit[];
  /** Facts shown with the artifact in the report. Keep them short. */
  facts?: Record<string, unknown>;
  /** A few words for the chain line: "ZIP (password from body)", "powershell -enc", "DLL (rundll32 ,Run)". */
  label?: string;
  /** Passwords that opened this artifact. */
  opened?: PasswordCandidate[];
  /** Change the kind after a closer look (e.g. a text file that is really a command line). */
  kind?: string;
  /** Non-fatal problems worth reporting (the analyzer still produced a result). */
  errors?: string[];
  /** Marks the submission as a phishing simulation from a training vendor. */
  simulation?: { vendor: string; evidence: string };
}

export type FetchMode = 'off' | 'live';

/** What the analyzer sees of the submission: read-only context plus services. */
export interface AnalysisContext {
  readonly limits: Limits;
  /** Every candidate so far, in the order CHAIN.md §2 tries them (stated, tokens, analyst, defaults). */
  passwordCandidates(artifactName?: string): PasswordCandidate[];
  readonly email: EmailFacts;
  readonly fetchMode: FetchMode;
  /** Aborted when the analyzer's or the submission's time is up; long loops should check it. */
  readonly signal: AbortSignal;
  /** Services shared by the run (the downloader, the sandbox pool, YARA rules, DNS resolver for auth). */
  readonly services: Services;
  /** The configuration the run was started with (for analyzer options). */
  readonly config: Readonly<EngineConfig>;
  /** Whether a URL has already been queued for fetching in this submission (each URL is fetched once). */
  claimFetch(url: string): boolean;
  /**
   * State an analyzer keeps for the whole submission, between artifacts (e.g. the download analyzer's fetch
   * budget). Keys start with the analyzer's name. Optional so hand-built test contexts need not provide it.
   */
  readonly scratch?: Map<string, unknown>;
}

/** Services are optional and typed loosely here so that analyzers own their interfaces. */
export interface Services {
  [name: string]: unknown;
}

export interface Analyzer {
  /** Matches the names used in rules/routing.yaml. */
  name: string;
  /** The findings this analyzer can raise, declared up front. */
  findings: FindingCatalogue;
  analyze(artifact: Artifact, ctx: AnalysisContext): Promise<AnalyzerResult> | AnalyzerResult;
}

export interface EngineConfig {
  limits: Limits;
  fetch: {
    mode: FetchMode;
    allowHosts: string[];
    /** host → IP pins, like curl --resolve. */
    resolve: Record<string, string>;
    userAgent: string;
    proxy?: string;
  };
  /** Passwords the analyst supplies (--password). */
  passwords: string[];
  /** The organisation's own domains, for lookalike detection. */
  ownDomains: string[];
  /** Options per analyzer, by analyzer name. */
  analyzers: Record<string, Record<string, unknown>>;
}
