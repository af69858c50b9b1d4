// What a URL alone says about itself, with no network: shortener, IP host, lookalike, punycode, a download
// file type, free hosting or dynamic DNS, credentials before the host. Lists are data under rules/.

import { domainToUnicode } from 'node:url';
import { parse } from 'tldts';
import { loadRules } from '../../engine/rules.ts';
import type { FindingHit } from '../../engine/types.ts';
import { brandLookalikeOf, lookalikeOf } from '../../intel/lookalike.ts';

function hostList(file: string, key: string): Set<string> {
  const list = loadRules<Record<string, string[]>>(file)[key] ?? [];
  return new Set(list.map((h) => h.toLowerCase()));
}

let lists: { shorteners: Set<string>; freeHosting: Set<string>; dynamicDns: Set<string>; archive: Set<string>; executable: Set<string> } | undefined;

function tables() {
  lists ??= {
    shorteners: hostList('shorteners.yaml', 'shorteners'),
    freeHosting: hostList('hosting.yaml', 'free-hosting'),
    dynamicDns: hostList('hosting.yaml', 'dynamic-dns'),
    archive: hostList('download-types.yaml', 'archive'),
    executable: hostList('download-types.yaml', 'executable'),
  };
  return lists;
}

/** The entry of `set` that `host` is, or is a subdomain of. */
function matchHost(host: string, set: ReadonlySet<string>): string | undefined {
  const labels = host.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = labels.slice(i).join('.');
    if (set.has(candidate)) return candidate;
  }
  return undefined;
}

/** The file name a URL path ends in, percent-decoded: "/a/Invoice%20441.zip" → "Invoice 441.zip". */
export function fileNameOf(url: URL): string {
  const last = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

export function isIpHost(host: string): boolean {
  return host.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}

/** Findings about one parsed URL. `ownDomains` from the configuration; `alsoDomain` is a wrapper's domain hint. */
export function urlSignals(url: URL, ownDomains: readonly string[], alsoDomain?: string): FindingHit[] {
  const { shorteners, freeHosting, dynamicDns, archive, executable } = tables();
  const findings: FindingHit[] = [];
  const host = url.hostname.toLowerCase();
  const href = url.href;

  if (url.username || url.password) {
    findings.push({ id: 'url.credentials-in-url', evidence: `"${decodeURIComponent(url.username)}@" before the real host ${host} in ${href}` });
  }
  if (isIpHost(host)) {
    findings.push({ id: 'url.ip-host', evidence: `${href} names an IP address, not a domain` });
  } else {
    const shortener = matchHost(host, shorteners);
    if (shortener) findings.push({ id: 'url.shortener', evidence: `${href} (${shortener})` });
    const free = matchHost(host, freeHosting);
    if (free) findings.push({ id: 'url.free-hosting', evidence: `${host} is on ${free}` });
    const dyn = matchHost(host, dynamicDns);
    if (dyn) findings.push({ id: 'url.dynamic-dns', evidence: `${host} is a dynamic DNS name under ${dyn}` });
    if (host.split('.').some((l) => l.startsWith('xn--'))) {
      findings.push({ id: 'url.punycode', evidence: `${host} is shown to readers as ${domainToUnicode(host) || host}` });
    }
    for (const domain of alsoDomain ? [host, alsoDomain] : [host]) {
      const own = lookalikeOf(domain, ownDomains);
      if (own) {
        findings.push({ id: 'url.lookalike.own', evidence: `${domain} imitates our ${own.target} (${own.technique})` });
        continue;
      }
      const brand = brandLookalikeOf(domain);
      if (brand) {
        // The brand's name inside a longer domain ("paypal-support.net") is weaker than a look-alike spelling.
        const weak = brand.technique === 'name inside another domain';
        findings.push({
          id: 'url.lookalike.brand',
          evidence: `${domain} imitates ${brand.brand} (${brand.target}, ${brand.technique})`,
          ...(weak ? { score: 150 } : {}),
        });
      }
    }
  }

  const file = fileNameOf(url);
  const ext = /\.([a-z0-9-]{1,20})$/i.exec(file)?.[1]?.toLowerCase();
  if (ext && executable.has(ext)) {
    findings.push({ id: 'url.download.executable', evidence: `${href} ends in "${file}"` });
  } else if (ext && archive.has(ext)) {
    findings.push({ id: 'url.download.archive', evidence: `${href} ends in "${file}"` });
  }
  return findings;
}

/** The registered domain of a host (tldts), or the host itself for IPs and unknown suffixes. */
export function registeredDomainOf(host: string): string {
  return parse(host).domain ?? host;
}
