// What the email and msg analyzers share: one model of a parsed message, and the judgement made on it —
// report wrapper or original, header findings, authentication, simulation, facts and children. The two
// analyzers differ only in how they read their format into this model.

import { clip } from '../../engine/submission.ts';
import type { AnalysisContext, AnalyzerResult, Artifact, ChildArtifact, FindingHit, IocHit } from '../../engine/types.ts';
import { passwordCandidates } from '../text/passwords.ts';
import { findInlineForward, hasForwardPrefix, mayHoldForward, rebuildForwarded, type InlineForward } from './forward.ts';
import { headerFindings } from './header-checks.ts';
import {
  authenticationResults,
  domainOf,
  entryHop,
  firstHeader,
  headerValues,
  originatingIp,
  parseReceived,
  type AuthVerdicts,
  type HeaderField,
} from './headers.ts';
import { htmlToText } from './html-text.ts';
import { configuredSimulationHeaders, detectSimulation } from './simulation.ts';
import type { Envelope, Verification } from './verify.ts';

export interface Mailbox {
  name: string;
  address: string;
}

export interface MailAttachment {
  name: string;
  data: Uint8Array;
  mimeType: string;
  /** An attached message (message/rfc822, an .eml or an Outlook item): judged as an email of its own. */
  forwarded: boolean;
}

export interface MailMessage {
  headers: HeaderField[];
  subject?: string;
  from?: Mailbox;
  sender?: Mailbox;
  replyTo: Mailbox[];
  returnPath?: string;
  to: Mailbox[];
  cc: Mailbox[];
  messageId?: string;
  date?: string;
  text?: string;
  html?: string;
  attachments: MailAttachment[];
  /** A delivery or read report (bounce): it carries the returned mail but is no employee's report. */
  deliveryReport?: boolean;
}

export interface JudgeInput {
  message: MailMessage;
  artifact: Artifact;
  ctx: AnalysisContext;
  /** The chain-line label of an original ("email", "Outlook message"). */
  label: string;
  /** DKIM/SPF/DMARC/ARC verification, when the format allows it (.eml); only run for an original. */
  verify?: (envelope: Envelope) => Promise<Verification>;
  /** Findings and limits the reader already raised (malformed MIME, limits hit). */
  findings?: FindingHit[];
  limits?: AnalyzerResult['limits'];
  /** MIME nesting so far, handed to attached messages so a chain of them shares maxMimeDepth. */
  mimeDepth: number;
}

/** Meta an attached message carries from its parent. */
interface MailMeta {
  /** Set on the original inside a report wrapper: who reported it. */
  reportedBy?: string;
  mimeDepth?: number;
  rebuilt?: boolean;
}

const TEXT = new TextEncoder();
const MAX_COMMENT_CHARS = 500;
/** Hostile headers can list thousands of hops or addresses; a real mail has a few dozen at most. */
const MAX_HOPS = 200;
const MAX_ADDRESSES = 200;

export async function judge(input: JudgeInput): Promise<AnalyzerResult> {
  const { message, artifact, ctx } = input;
  const meta = artifact.meta as MailMeta;
  const options = ctx.config.analyzers[artifact.kind === 'msg' ? 'msg' : 'email'] ?? ctx.config.analyzers.email ?? {};
  // analyzers.email.reportWrappers: false turns wrapper recognition off (a mailbox that receives raw samples).
  // A wrapper is the submitted mail itself (or an original a wrapper carried), and, when the organisation's
  // domains are configured, it comes from one of them: external mail that carries a message is judged whole,
  // so an attacker cannot hide a lure's own body by attaching an .eml to it.
  const wrapperAllowed =
    options.reportWrappers !== false &&
    (artifact.depth === 0 || meta.reportedBy !== undefined) &&
    isInternal(message.from?.address, ctx.config.ownDomains);
  const childMeta = { mimeDepth: input.mimeDepth };

  const wrapper = wrapperAllowed ? wrapperOf(message) : undefined;
  if (wrapper) return judgeWrapper(input, wrapper);

  const findings: FindingHit[] = [...(input.findings ?? [])];
  const iocs: IocHit[] = [];
  const facts: Record<string, unknown> = {};
  const email = {
    subject: message.subject,
    from: message.from?.address || undefined,
    to: message.to.slice(0, MAX_ADDRESSES).map((m) => m.address).filter(Boolean),
    messageId: message.messageId,
    date: message.date,
  };
  Object.assign(facts, addressFacts(message));
  if (meta.reportedBy) facts.reportedBy = meta.reportedBy;
  if (meta.rebuilt) facts.rebuilt = 'from the text of an inline forward: only From, To, Cc, Subject, Date and the body are known';

  if (message.from?.address) iocs.push({ type: 'email', value: message.from.address.toLowerCase(), role: 'sender' });
  for (const r of message.replyTo.slice(0, 20)) {
    if (r.address && r.address.toLowerCase() !== message.from?.address.toLowerCase()) iocs.push({ type: 'email', value: r.address.toLowerCase(), role: 'reply-to' });
  }

  const hops = headerValues(message.headers, 'received').slice(0, MAX_HOPS).map(parseReceived);
  if (hops.length > 0) facts.received = hops.slice(0, 30);
  const origin = originatingIp(hops, message.headers);
  if (origin) {
    facts.originatingIp = origin;
    iocs.push({ type: 'ip', value: origin, role: 'sending-ip' });
  }
  const interesting = interestingHeaders(message.headers);
  if (Object.keys(interesting).length > 0) facts.headers = interesting;

  findings.push(...headerFindings(message, ctx.config.ownDomains));
  const entry = entryHop(hops);
  const envelope: Envelope = { ip: entry?.ip, helo: entry?.from, sender: message.returnPath };
  const auth = authFindings(authenticationResults(message.headers), input.verify ? await input.verify(envelope) : undefined);
  findings.push(...auth.findings);
  facts.auth = auth.facts;

  const simulation = detectSimulation(message.headers, configuredSimulationHeaders(options.simulationHeaders));
  if (simulation) facts.simulation = simulation.vendor;

  const children: ChildArtifact[] = [];
  if (message.text?.trim()) children.push({ relation: 'body', name: 'body.txt', data: TEXT.encode(message.text), kind: 'text' });
  if (message.html?.trim()) children.push({ relation: 'body', name: 'body.html', data: TEXT.encode(message.html), kind: 'html' });
  children.push(...attachmentChildren(message.attachments, childMeta));

  return {
    findings,
    iocs,
    children,
    context: { email, passwords: message.subject ? passwordCandidates(message.subject, 'email subject') : [] },
    limits: input.limits,
    facts,
    label: input.label,
    simulation,
  };
}

interface Wrapper {
  forwardedAs: 'attachment' | 'inline';
  inline?: InlineForward;
  /** What the reporter wrote (shown as a fact, never judged). */
  comment: string;
}

/**
 * A report wrapper carries the suspicious mail it reports: attached as a message, or forwarded inline under
 * a forward marker. "Original Message" markers also start quoted replies (hijacked threads), so they count
 * only with a forward prefix in the subject.
 */
function wrapperOf(message: MailMessage): Wrapper | undefined {
  if (message.deliveryReport || /^(mailer-daemon|postmaster)@/i.test(message.from?.address ?? '')) return undefined;
  if (message.attachments.some((a) => a.forwarded)) {
    return { forwardedAs: 'attachment', comment: message.text?.trim() ? message.text : message.html ? htmlToText(message.html) : '' };
  }
  const forwardSubject = hasForwardPrefix(message.subject);
  // The text body first; then the HTML (postal-mime derives a text body from HTML-only mail, but that
  // rendering drops the rule Outlook puts above a forwarded original, and the link targets).
  const sources: { raw: string; toText: (raw: string) => string }[] = [];
  if (message.text?.trim()) sources.push({ raw: message.text, toText: (raw) => raw });
  if (message.html?.trim()) sources.push({ raw: message.html, toText: htmlToText });
  for (const { raw, toText } of sources) {
    if (!mayHoldForward(raw, forwardSubject)) continue;
    const text = toText(raw);
    const inline = findInlineForward(text);
    if (inline && (inline.markerKind === 'forward' || forwardSubject)) {
      return { forwardedAs: 'inline', inline, comment: text.slice(0, Math.max(0, text.indexOf(inline.marker))) };
    }
  }
  return undefined;
}

function judgeWrapper(input: JudgeInput, wrapper: Wrapper): AnalyzerResult {
  const { message } = input;
  const reporter = message.from?.address || undefined;
  const childMeta = { mimeDepth: input.mimeDepth, reportedBy: reporter ?? 'unknown' };
  const comment = wrapper.comment;
  const facts: Record<string, unknown> = {
    wrapper: true,
    forwardedAs: wrapper.forwardedAs,
    reporter,
    subject: message.subject,
    ...(comment.trim() ? { reporterComment: clip(comment.trim(), MAX_COMMENT_CHARS) } : {}),
  };
  const children: ChildArtifact[] = [];
  if (wrapper.inline) {
    const subject = wrapper.inline.headers.subject ?? 'forwarded';
    children.push({ relation: 'forwarded', name: `${safeName(subject)}.eml`, data: rebuildForwarded(wrapper.inline), kind: 'email', meta: { ...childMeta, rebuilt: true } });
  }
  // The reporter's own words are not judged (a wrapper raises no findings about the reporter's mail); what
  // it carries is: forwarded originals first, then any other attachment (inline forwards bring them along).
  children.push(...attachmentChildren(message.attachments, childMeta));
  return {
    children,
    context: { email: { reporter } },
    limits: input.limits,
    findings: (input.findings ?? []).filter((f) => f.id.startsWith('email.mime.')),
    facts,
    label: 'report',
  };
}

function isInternal(address: string | undefined, ownDomains: readonly string[]): boolean {
  if (ownDomains.length === 0) return true;
  const domain = domainOf(address);
  return domain !== '' && ownDomains.some((own) => domain === own || domain.endsWith(`.${own}`));
}

function attachmentChildren(attachments: readonly MailAttachment[], meta: MailMeta): ChildArtifact[] {
  const forwarded = attachments.filter((a) => a.forwarded);
  const others = attachments.filter((a) => !a.forwarded);
  return [
    ...forwarded.map((a): ChildArtifact => ({ relation: 'forwarded', name: a.name, data: a.data, meta: { ...meta } })),
    ...others.map((a): ChildArtifact => ({ relation: 'attachment', name: a.name, data: a.data, meta: { mimeType: a.mimeType } })),
  ];
}

function addressFacts(m: MailMessage): Record<string, unknown> {
  const fmt = (b: Mailbox) => (b.name ? `${b.name} <${b.address}>` : b.address);
  const out: Record<string, unknown> = {};
  if (m.subject !== undefined) out.subject = m.subject;
  if (m.from) out.from = fmt(m.from);
  if (m.sender) out.sender = fmt(m.sender);
  if (m.replyTo.length) out.replyTo = m.replyTo.map(fmt);
  if (m.returnPath) out.returnPath = m.returnPath;
  if (m.to.length) out.to = m.to.slice(0, 50).map(fmt);
  if (m.cc.length) out.cc = m.cc.slice(0, 50).map(fmt);
  if (m.messageId) out.messageId = m.messageId;
  if (m.date) out.date = m.date;
  if (m.attachments.length) out.attachments = m.attachments.slice(0, 100).map((a) => a.name);
  return out;
}

/** Headers an analyst looks at beyond the addresses: the client, the originating IP, list and spam marks. */
const INTERESTING = ['x-mailer', 'user-agent', 'x-originating-ip', 'x-sender-ip', 'list-unsubscribe', 'x-ms-exchange-organization-scl', 'x-spam-status', 'x-spam-flag', 'auto-submitted', 'precedence', 'thread-topic', 'in-reply-to'];

function interestingHeaders(headers: readonly HeaderField[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of INTERESTING) {
    const v = firstHeader(headers, key);
    if (v !== undefined) out[key] = clip(v.trim(), 300);
  }
  return out;
}

function authFindings(header: AuthVerdicts & { authserv?: string }, verification: Verification | undefined): { findings: FindingHit[]; facts: Record<string, unknown> } {
  const findings: FindingHit[] = [];
  const verified = verification?.status === 'verified' ? verification : undefined;
  const facts: Record<string, unknown> = {
    header: Object.keys(header).length > 0 ? header : 'none',
    verification: verification === undefined ? 'not applicable' : verification.status === 'verified' ? { spf: verification.spf, dkim: verification.dkim, dmarc: verification.dmarc, arc: verification.arc } : `unavailable: ${verification.reason}`,
  };
  // Verification done here outranks the header; the header is what the receiving server concluded.
  const verdict = (method: keyof AuthVerdicts) => {
    const mine = verified?.[method];
    if (mine && mine !== 'none' && !mine.startsWith('temp')) return { result: mine, source: 'verified by tacklebox' };
    const theirs = header[method];
    return theirs ? { result: theirs, source: `Authentication-Results${header.authserv ? ` of ${header.authserv}` : ''}` } : undefined;
  };
  const dmarc = verdict('dmarc');
  if (dmarc?.result === 'fail') findings.push({ id: 'email.auth.dmarc-fail', evidence: `dmarc=${dmarc.result} (${dmarc.source})` });
  const spf = verdict('spf');
  if (spf && (spf.result === 'fail' || spf.result === 'softfail')) findings.push({ id: 'email.auth.spf-fail', evidence: `spf=${spf.result} (${spf.source})` });
  const dkim = verdict('dkim');
  if (dkim?.result === 'fail') findings.push({ id: 'email.auth.dkim-fail', evidence: `dkim=${dkim.result} (${dkim.source})` });
  return { findings, facts };
}

function safeName(text: string): string {
  return text.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim().slice(0, 80) || 'forwarded';
}

