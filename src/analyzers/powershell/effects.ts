// What a script would do, as the evaluator sees it: downloads, new code layers, programs run, files
// written, techniques used. The analyzer turns these into findings, IOCs and children.

import type { LimitHit } from '../../engine/types.ts';

export interface Download {
  url: string;
  /** Where the response is saved, when it is. */
  path?: string;
  /** The API or cmdlet: "Net.WebClient.DownloadFile", "Invoke-WebRequest", … */
  via: string;
  evidence: string;
}

export interface Layer {
  text: string;
  /** What runs it: "Invoke-Expression", "[ScriptBlock]::Create", "powershell -EncodedCommand", … */
  via: string;
  evidence: string;
}

export interface Run {
  /** A program's command line (handed to the command-line analyzer). */
  command?: string;
  /** A file started directly (Start-Process / Invoke-Item of a path). */
  file?: string;
  via: string;
  evidence: string;
}

export class Effects {
  readonly downloads: Download[] = [];
  readonly layers: Layer[] = [];
  readonly runs: Run[] = [];
  readonly files: { path: string; via: string; evidence: string }[] = [];
  readonly connections: { host: string; port?: number; evidence: string }[] = [];
  /** Technique tags (finding ids) with the first evidence seen, and how often. */
  readonly techniques = new Map<string, { evidence: string; count: number }>();
  readonly limits: LimitHit[] = [];
  /** Code run whose text cannot be known here (downloaded, decrypted with an unknown key). */
  readonly opaqueExecutions: { from: string; via: string; evidence: string }[] = [];
  /** URL lists the script splits and walks (the fallback list droppers use). */
  urlLists = 0;
  /** The URLs of those lists. */
  readonly urlCandidates: string[] = [];

  technique(id: string, evidence: string): void {
    const seen = this.techniques.get(id);
    if (seen) seen.count++;
    else this.techniques.set(id, { evidence: evidence.slice(0, 400), count: 1 });
  }

  limit(limit: string, detail: string): void {
    if (!this.limits.some((l) => l.limit === limit)) this.limits.push({ limit, detail });
  }
}
