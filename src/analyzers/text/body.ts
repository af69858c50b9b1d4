// What any body says, whatever it was written in (plain text, HTML rendered to text, a calendar invite):
// lures, the password it states, and its links as child artifacts. Shared by the text and html analyzers.

import type { AnalysisContext, ChildArtifact, FindingCatalogue, FindingHit, LimitHit, PasswordCandidate } from '../../engine/types.ts';
import { type FoundLink, linksInText } from './links.ts';
import { lureFindingHits, lureFindings } from './lures.ts';
import { candidatesFrom, statedPasswords } from './passwords.ts';

export const BODY_FINDINGS: FindingCatalogue = {
  ...lureFindings(),
  'email.password-in-body': {
    title: 'The email states an archive password',
    score: 250,
    attack: ['T1027.013', 'T1566.002'],
    description:
      'Giving the password next to the file keeps mail gateways from scanning an encrypted archive: a strong Qakbot tell.',
  },
};

export interface BodyResult {
  findings: FindingHit[];
  children: ChildArtifact[];
  passwords: PasswordCandidate[];
  limits: LimitHit[];
  facts: Record<string, unknown>;
}

/** The link as a child artifact of kind url; how it was found rides along in meta for the url analyzer. */
export function linkChild(link: FoundLink): ChildArtifact {
  const meta: Record<string, unknown> = { via: link.via };
  if (link.written) meta.written = link.written;
  if (link.wrappers) meta.wrappers = link.wrappers;
  if (link.wrappedDomain) meta.wrappedDomain = link.wrappedDomain;
  if (link.anchorText) meta.anchorText = link.anchorText;
  return { relation: 'link', kind: 'url', name: link.url, data: new TextEncoder().encode(link.url), meta };
}

/**
 * Lures, passwords and links of one body. `extraLinks` are links the caller found in markup (href, action, …);
 * they come first, then links written in the text, each URL once, at most `maxLinks` in all.
 */
export function analyzeBodyText(
  text: string,
  where: string,
  ctx: AnalysisContext,
  extraLinks: readonly FoundLink[] = [],
  options: { archivePasswordFinding?: boolean; subject?: string; notLinks?: ReadonlySet<string> } = {},
): BodyResult {
  const findings: FindingHit[] = lureFindingHits(text, where);
  // A lure may sit in the subject alone ("Please DocuSign: Payment Remittance" over an image body).
  if (options.subject) {
    const inBody = new Set(findings.map((f) => f.id));
    findings.push(...lureFindingHits(options.subject, 'email subject').filter((f) => !inBody.has(f.id)));
  }
  const limits: LimitHit[] = [];

  const found = statedPasswords(text);
  const passwords = candidatesFrom(found, text, where);
  const strong = found.filter((s) => s.strong);
  if (strong.length > 0 && options.archivePasswordFinding !== false) {
    findings.push({
      id: 'email.password-in-body',
      evidence: `${where}: ${strong.map((s) => `${s.label} ${s.value}`).join('; ')}`,
    });
  }

  const max = ctx.limits.maxLinks;
  const fromText = linksInText(text, max);
  const seen = new Set<string>();
  const links: FoundLink[] = [];
  let dropped = fromText.more;
  const textLinks = options.notLinks ? fromText.links.filter((l) => !options.notLinks!.has(l.url)) : fromText.links;
  for (const link of [...extraLinks, ...textLinks]) {
    if (seen.has(link.url)) continue;
    seen.add(link.url);
    if (links.length < max) links.push(link);
    else dropped++;
  }
  if (dropped > 0) {
    limits.push({ limit: 'maxLinks', detail: `${where}: took the first ${max} links, left ${dropped} more` });
  }

  return {
    findings,
    children: links.map(linkChild),
    passwords,
    limits,
    facts: {
      links: links.length + dropped,
      ...(strong.length > 0 || passwords.some((p) => p.stated)
        ? { statedPasswords: passwords.filter((p) => p.stated).map((p) => p.value) }
        : {}),
    },
  };
}

/** The subject of the message a body belongs to, when the body is one (the engine publishes it before bodies run). */
export function subjectFor(artifact: { relation: string }, ctx: AnalysisContext): string | undefined {
  return artifact.relation === 'body' ? ctx.email.subject : undefined;
}

/** How a body is named in evidence and password sources: "email body", "attachment "notes.txt"". */
export function describeWhere(artifact: { relation: string; name: string; kind: string }): string {
  if (artifact.relation === 'body') return 'email body';
  if (artifact.kind === 'calendar') return `calendar invite "${artifact.name}"`;
  if (artifact.relation === 'attachment') return `attachment "${artifact.name}"`;
  return `${artifact.relation} "${artifact.name}"`;
}

/** Bytes to text: UTF-8 unless a byte-order mark says UTF-16; bad sequences become U+FFFD, never an error. */
export function decodeText(data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  return new TextDecoder('utf-8').decode(data);
}
