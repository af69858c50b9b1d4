// Gathers what one analysis finds (findings, IOCs, children, labels) without duplicates, and turns it into
// the engine's AnalyzerResult. Shared by the cmdline and powershell analyzers.

import type { AnalyzerResult, ChildArtifact, FindingHit, IocHit, LimitHit } from '../../engine/types.ts';
import { linkChild, normaliseUrl, urlIocs } from './payload.ts';

const encoder = new TextEncoder();

export class Collector {
  readonly findings: FindingHit[] = [];
  readonly iocs: IocHit[] = [];
  readonly children: ChildArtifact[] = [];
  readonly limits: LimitHit[] = [];
  readonly errors: string[] = [];
  readonly labels: string[] = [];
  readonly facts: Record<string, unknown> = {};
  readonly payloadUrls: string[] = [];
  private readonly keys = new Set<string>();

  private once(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }

  finding(id: string, evidence: string): void {
    if (this.once(`f\u0000${id}\u0000${evidence}`)) this.findings.push({ id, evidence: evidence.slice(0, 1000) });
  }

  ioc(hit: IocHit): void {
    if (this.once(`i\u0000${hit.type}\u0000${hit.value}\u0000${hit.role ?? ''}`)) this.iocs.push(hit);
  }

  /** A URL the command or script fetches: IOCs plus a link child for the downloader. Returns the clean URL. */
  payloadUrl(raw: string, from: string): string | undefined {
    const url = normaliseUrl(raw);
    if (!url) return undefined;
    for (const hit of urlIocs(url, 'payload-url')) this.ioc(hit);
    if (this.once(`u\u0000${url}`)) {
      this.payloadUrls.push(url);
      this.children.push(linkChild(url, from));
    }
    return url;
  }

  /** A URL that appears in the text without a fetch we could see: reported, not fetched. */
  mentionedUrl(raw: string): void {
    const url = normaliseUrl(raw);
    if (!url || this.payloadUrls.includes(url)) return;
    for (const hit of urlIocs(url, 'url-in-script')) this.ioc(hit);
  }

  file(path: string, role: string): void {
    const value = path.trim().replace(/^["']|["']$/g, '');
    if (value) this.ioc({ type: 'filename', value, role });
  }

  command(text: string, role = 'run-step'): void {
    this.ioc({ type: 'command', value: text.trim().slice(0, 2000), role });
  }

  label(text: string): void {
    if (!this.labels.includes(text)) this.labels.push(text);
  }

  child(relation: ChildArtifact['relation'], kind: string, name: string, text: string, meta: Record<string, unknown> = {}): void {
    if (this.once(`c\u0000${kind}\u0000${text}`)) this.children.push({ relation, kind, name, data: encoder.encode(text), meta });
  }

  result(): AnalyzerResult {
    const urls = this.payloadUrls.length;
    const labels = [...this.labels];
    if (urls > 0) labels.push(urls === 1 ? '1 URL' : `${urls} URLs`);
    return {
      findings: this.findings,
      iocs: this.iocs,
      children: this.children,
      limits: this.limits,
      errors: this.errors.length ? this.errors : undefined,
      facts: Object.keys(this.facts).length ? this.facts : undefined,
      label: labels.length ? labels.join(', ') : undefined,
    };
  }
}
