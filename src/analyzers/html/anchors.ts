// Anchors whose visible text shows one domain while the link goes to another: "https://www.paypal.com" that
// leads to a credential page elsewhere. Click-tracking in newsletters does the same harmlessly, so the finding
// is weak unless the shown domain is a brand or one of ours (and the link is not that brand's other domain).

import { parse } from 'tldts';
import type { FindingHit } from '../../engine/types.ts';
import { brandsOwning } from '../../intel/lookalike.ts';
import { normaliseLink } from '../text/links.ts';
import type { Anchor } from './render.ts';

/** Mismatched anchors quoted in one finding; the rest are counted. */
const MAX_EVIDENCE_ITEMS = 3;

export interface AnchorMismatch {
  shown: string;
  shownDomain: string;
  href: string;
  hrefDomain: string;
  /** The shown domain is a well-known brand's or the organisation's own. */
  impersonates?: string;
}

// A domain or URL written in anchor text: "www.paypal.com", "https://portal.example.com/x".
const SHOWN_DOMAIN = /(?:https?:\/\/)?((?:[\p{L}\p{N}-]+\.)+[\p{L}]{2,63})(?=[/:?#\s]|$)/iu;

// Reserved names (RFC 2606/6761) are not on the public suffix list but are domains all the same.
const RESERVED_TLDS = new Set(['example', 'test', 'invalid', 'localhost']);

/** The registered domain of a host, only when its suffix is real: "invoice.pdf" in anchor text is a file name. */
function registeredDomain(hostOrUrl: string): string | undefined {
  const p = parse(hostOrUrl);
  if (p.isIp) return p.hostname ?? undefined;
  if (!p.domain || !p.publicSuffix) return undefined;
  return p.isIcann || RESERVED_TLDS.has(p.publicSuffix) ? p.domain : undefined;
}

/** The mismatch an anchor shows, if any. `href` must already be absolute and unwrapped. */
export function anchorMismatch(text: string, href: string, ownDomains: readonly string[]): AnchorMismatch | undefined {
  const m = SHOWN_DOMAIN.exec(text);
  if (!m) return undefined;
  // "mail@example.com" shows an address, not a link target.
  if (m.index > 0 && text.charAt(m.index - 1) === '@') return undefined;
  const shownDomain = registeredDomain(m[1]!.toLowerCase());
  let hrefHost: string;
  try {
    hrefHost = new URL(href).hostname;
  } catch {
    return undefined;
  }
  const hrefDomain = registeredDomain(hrefHost.replace(/^\[|\]$/g, ''));
  if (!shownDomain || !hrefDomain || shownDomain === hrefDomain) return undefined;
  const shownBrands = brandsOwning(shownDomain);
  const hrefBrands = new Set(brandsOwning(hrefDomain));
  // microsoft.com shown, sharepoint.com linked: the same company.
  if (shownBrands.some((b) => hrefBrands.has(b))) return undefined;
  const own = ownDomains.map((d) => registeredDomain(d.toLowerCase())).filter(Boolean);
  const impersonates = own.includes(shownDomain) ? `own domain ${shownDomain}` : shownBrands[0];
  return { shown: m[0], shownDomain, href, hrefDomain, ...(impersonates ? { impersonates } : {}) };
}

export interface AnchorReading {
  /** One finding per kind of mismatch: a newsletter with thirty tracked links is one fact, not thirty. */
  findings: FindingHit[];
  /** The text each link shows, by resolved URL. */
  textByUrl: Map<string, string>;
  /**
   * URLs that appear only as the visible text of a link to somewhere else: what the reader is shown, not where
   * the link goes. They must not become link artifacts or IOCs (nobody should block login.microsoftonline.com).
   */
  shownOnly: Set<string>;
}

/** Reads every anchor: what it shows, where it goes (`resolve` gives the absolute, unwrapped URL). */
export function readAnchors(anchors: readonly Anchor[], resolve: (href: string) => string | undefined, ownDomains: readonly string[]): AnchorReading {
  const textByUrl = new Map<string, string>();
  const shownOnly = new Set<string>();
  const evidence = new Map<string, string[]>(); // finding id → evidence lines
  for (const anchor of anchors) {
    const url = resolve(anchor.href);
    if (!url) continue;
    if (anchor.text && !textByUrl.has(url)) textByUrl.set(url, anchor.text.slice(0, 200));
    const shown = /^\S+$/.test(anchor.text) ? normaliseLink(anchor.text, 'text') : undefined;
    if (shown && shown.url !== url) shownOnly.add(shown.url);
    const mismatch = anchorMismatch(anchor.text, url, ownDomains);
    if (!mismatch) continue;
    const id = mismatch.impersonates ? 'html.anchor-impersonation' : 'html.anchor-mismatch';
    const list = evidence.get(id) ?? [];
    list.push(`link text shows "${mismatch.shown}" but goes to ${url}${mismatch.impersonates ? ` (shown: ${mismatch.impersonates})` : ''}`);
    evidence.set(id, list);
  }
  const findings = [...evidence].map(([id, list]) => ({
    id,
    evidence: list.slice(0, MAX_EVIDENCE_ITEMS).join('; ') + (list.length > MAX_EVIDENCE_ITEMS ? `; and ${list.length - MAX_EVIDENCE_ITEMS} more` : ''),
  }));
  return { findings, textByUrl, shownOnly };
}
