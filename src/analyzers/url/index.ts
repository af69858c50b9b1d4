// The url analyzer: a link as written (kind url; the artifact's bytes are the URL in UTF-8). Static only —
// fetching is the download analyzer's job on the same kind. Gives the url and its domain or IP as IOCs and
// what the URL alone reveals (see signals.ts).

import type { Analyzer, AnalyzerResult, IocHit } from '../../engine/types.ts';
import { isIpHost, registeredDomainOf, urlSignals } from './signals.ts';

export const URL_FINDINGS = {
  'url.shortener': {
    title: 'Link through a URL shortener',
    score: 100,
    attack: ['T1566.002'],
    description: 'The destination is hidden until the link is followed.',
  },
  'url.ip-host': {
    title: 'Link to a bare IP address',
    score: 200,
    attack: ['T1566.002', 'T1105'],
    description: 'Legitimate senders link to names; droppers and quick phishing kits use raw addresses.',
  },
  'url.lookalike.own': {
    title: "Link to a domain imitating our own",
    score: 500,
    attack: ['T1566.002', 'T1583.001'],
    description: 'A domain registered to look like ours exists only to deceive our staff.',
  },
  'url.lookalike.brand': {
    title: 'Link to a domain imitating a well-known brand',
    score: 300,
    attack: ['T1566.002', 'T1583.001'],
    description: 'Look-alike spellings, homoglyphs or a brand name placed in a foreign domain.',
  },
  'url.punycode': {
    title: 'Link to an internationalised (punycode) domain',
    score: 100,
    attack: ['T1566.002'],
    description: 'Non-Latin letters can render like a familiar name.',
  },
  'url.download.archive': {
    title: 'Link to an archive or disk image',
    score: 150,
    attack: ['T1566.002', 'T1204.001'],
    description: 'Qakbot and its peers send links to ZIP, ISO or IMG files that carry a script.',
  },
  'url.download.executable': {
    title: 'Link to a script or executable file',
    score: 250,
    attack: ['T1566.002', 'T1204.002'],
    description: 'A link straight to .js, .exe, .hta, .lnk, .one and the like runs code when opened.',
  },
  'url.free-hosting': {
    title: 'Link to free hosting',
    score: 100,
    attack: ['T1583.006'],
    description: 'Free site builders, tunnels and object storage host phishing pages at no cost.',
  },
  'url.dynamic-dns': {
    title: 'Link to a dynamic DNS name',
    score: 200,
    attack: ['T1568', 'T1583.001'],
    description: 'Dynamic DNS names are cheap and disposable; malware infrastructure favours them.',
  },
  'url.credentials-in-url': {
    title: 'Link with a user name before the host',
    score: 250,
    attack: ['T1566.002', 'T1036'],
    description: '"https://trusted.com@evil.example/" shows a trusted name but goes to the host after "@".',
  },
};

/** A URL artifact longer than this is not a link anyone clicks. */
const MAX_URL_BYTES = 8192;

export const urlAnalyzer: Analyzer = {
  name: 'url',
  findings: URL_FINDINGS,
  analyze(artifact, ctx): AnalyzerResult {
    const written = Buffer.from(artifact.data.subarray(0, MAX_URL_BYTES)).toString('utf8').trim();
    let url: URL;
    try {
      url = new URL(written);
    } catch {
      return { errors: [`not a URL: ${written.slice(0, 200)}`], label: 'link' };
    }
    const host = url.hostname.toLowerCase();
    const wrappedDomain = typeof artifact.meta.wrappedDomain === 'string' ? artifact.meta.wrappedDomain : undefined;
    const iocs: IocHit[] = [{ type: 'url', value: url.href, role: 'link' }];
    if (isIpHost(host)) iocs.push({ type: 'ip', value: host.replace(/^\[|\]$/g, ''), role: 'link-host' });
    else if (host) iocs.push({ type: 'domain', value: host, role: 'link-host' });
    if (wrappedDomain) iocs.push({ type: 'domain', value: wrappedDomain, role: 'link-host' });

    const facts: Record<string, unknown> = { host };
    if (host && !isIpHost(host)) facts.domain = registeredDomainOf(host);
    if (Array.isArray(artifact.meta.wrappers)) facts.unwrappedFrom = artifact.meta.wrappers;
    if (typeof artifact.meta.written === 'string') facts.written = artifact.meta.written.slice(0, 500);
    if (wrappedDomain) facts.wrappedDomain = wrappedDomain;
    if (typeof artifact.meta.anchorText === 'string') facts.anchorText = artifact.meta.anchorText;

    return {
      findings: urlSignals(url, ctx.config.ownDomains, wrappedDomain),
      iocs,
      facts,
      label: 'link',
    };
  },
};
