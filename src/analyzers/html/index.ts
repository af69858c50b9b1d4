// The html analyzer: HTML bodies and attachments. Renders the HTML to text and runs the same lure, password
// and link logic as plain text, then looks at what only markup can do: anchors that show another domain than
// they lead to, forms that collect passwords, meta refresh, text hidden from the reader. Smuggled blobs and
// scripts are left to the smuggling analyzer: nothing here runs.

import type { Analyzer, AnalyzerResult, FindingHit, LimitHit } from '../../engine/types.ts';
import { BODY_FINDINGS, analyzeBodyText, decodeText, describeWhere, subjectFor } from '../text/body.ts';
import { type FoundLink, normaliseLink } from '../text/links.ts';
import { readAnchors } from './anchors.ts';
import { passwordFormFindings } from './forms.ts';
import { absolute, hostOf } from './urls.ts';
import { MAX_NESTING, renderHtml } from './render.ts';

/** Hidden text shorter than this is a newsletter's preview line, not filler meant for spam filters. */
const HIDDEN_TEXT_MIN_CHARS = 200;

export const HTML_FINDINGS = {
  'html.anchor-mismatch': {
    title: 'A link shows one domain but leads to another',
    score: 120,
    attack: ['T1566.002', 'T1036'],
    description: 'The reader trusts the address they see; the link goes elsewhere. Newsletters do this for click tracking.',
  },
  'html.anchor-impersonation': {
    title: "A link shows a brand's or our own address but leads elsewhere",
    score: 300,
    attack: ['T1566.002', 'T1036'],
    description: 'Showing a trusted address over a foreign link is how credential phishing gets its click.',
  },
  'html.form.credentials-external': {
    title: 'A form sends a password to another site',
    score: 400,
    attack: ['T1566.001', 'T1056.003'],
    description: 'An HTML attachment or body with a password field posting off-site is a credential-harvesting page.',
  },
  'html.form.password': {
    title: 'A password field in mail content',
    score: 150,
    attack: ['T1056.003'],
    description: 'Legitimate mail never asks for a password inside the message or its attachments.',
  },
  'html.meta-refresh': {
    title: 'The page redirects itself to another address',
    score: 150,
    attack: ['T1566.001'],
    description: 'An HTML attachment that redirects at once is a hop to a phishing or download page.',
  },
  'html.hidden-text': {
    title: 'Text hidden from the reader',
    score: 50,
    attack: ['T1027'],
    description: 'Large blocks of invisible text are used to sway spam filters.',
  },
};

export const htmlAnalyzer: Analyzer = {
  name: 'html',
  findings: { ...BODY_FINDINGS, ...HTML_FINDINGS },
  analyze(artifact, ctx): AnalyzerResult {
    const where = describeWhere(artifact);
    const page = renderHtml(decodeText(artifact.data), {
      maxChars: ctx.limits.htmlBytes,
      maxElements: ctx.limits.htmlElements,
      signal: ctx.signal,
    });
    // A page a link served resolves its relative links against where it ended up, after redirects.
    const served = artifact.meta.finalUrl ?? artifact.meta.url;
    const pageUrl = typeof served === 'string' ? served : undefined;
    const base = absolute(page.baseHref ?? '', pageUrl) ?? pageUrl;
    const findings: FindingHit[] = [];
    const limits: LimitHit[] = [];
    const errors: string[] = [];
    if (page.truncated?.limit === 'time') errors.push(`HTML only partly read: ${page.truncated.detail}`);
    else if (page.truncated) limits.push({ limit: page.truncated.limit, detail: page.truncated.detail });
    if (page.nestingResets) errors.push(`HTML nested deeper than ${MAX_NESTING} elements: read on with the structure reset`);

    const links: FoundLink[] = [];
    for (const { url, via } of page.urls) {
      const abs = absolute(url, base);
      const link = abs && normaliseLink(abs, via);
      if (link) links.push(link);
    }
    const anchors = readAnchors(page.anchors, (href) => {
      const abs = absolute(href, base);
      return abs ? normaliseLink(abs, 'href')?.url : undefined;
    }, ctx.config.ownDomains);
    findings.push(...anchors.findings);
    for (const link of links) {
      const text = anchors.textByUrl.get(link.url);
      if (text) link.anchorText = text;
    }

    const pageHost = hostOf(pageUrl);
    findings.push(...passwordFormFindings(page.forms, (action) => absolute(action, base), pageHost, where));

    for (const link of links) {
      if (link.via !== 'meta refresh') continue;
      if (hostOf(link.url) !== pageHost) findings.push({ id: 'html.meta-refresh', evidence: `meta refresh to ${link.url}` });
    }

    if (page.hiddenText.length >= HIDDEN_TEXT_MIN_CHARS) {
      findings.push({ id: 'html.hidden-text', evidence: `${page.hiddenText.length} characters hidden: "${page.hiddenText.slice(0, 160)}…"` });
    }

    // An HTML attachment's title is part of what the reader sees ("Sign in to your account").
    const text = artifact.relation !== 'body' && page.title ? `${page.title}\n${page.text}` : page.text;
    for (const link of links) anchors.shownOnly.delete(link.url);
    const body = analyzeBodyText(text, where, ctx, links, { subject: subjectFor(artifact, ctx), notLinks: anchors.shownOnly });
    return {
      findings: [...body.findings, ...findings],
      children: body.children,
      context: { passwords: body.passwords },
      limits: [...body.limits, ...limits],
      errors,
      facts: { ...body.facts, ...(page.title ? { title: page.title.slice(0, 200) } : {}), ...(page.forms.length ? { forms: page.forms.length } : {}) },
    };
  },
};
