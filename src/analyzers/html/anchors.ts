// Anchors whose visible text shows one domain while the link goes to another: "https://www.paypal.com" that
// leads to a credential page elsewhere. Click-tracking in newsletters does the same harmlessly, so the finding
// is weak unless the shown domain is a brand or one of ours (and the link is not that brand's other domain).

import { parse } from 'tldts';
import { brandsOwning } from '../../intel/lookalike.ts';

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
