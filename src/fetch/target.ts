// Resolve first, check every answer, then connect only to the checked address: the name is never
// resolved a second time between the check and the connection (no DNS-rebinding window).

import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { bareHost, refusalReason } from './address-policy.ts';

/** Resolves a host name to every address it has (the test suite swaps this for canned answers). */
export type Resolver = (host: string) => Promise<string[]>;

export const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

export interface TargetPolicy {
  /** Host names or IP addresses the analyst lets the downloader reach even when private. */
  allowHosts: readonly string[];
  /** host → IP pins, like curl --resolve. */
  resolve: Readonly<Record<string, string>>;
  resolver: Resolver;
}

/** The downloader will not connect: an analyst reads `detail` in the report. */
export class FetchRefused extends Error {
  constructor(
    readonly detail: string,
    readonly address?: string,
  ) {
    super(detail);
  }
}

export interface CheckedTarget {
  host: string;
  address: string;
  family: 4 | 6;
  /** How the address was found: 'literal', 'pinned' or 'dns'. */
  via: 'literal' | 'pinned' | 'dns';
}

/** Resolves `hostname` (as the URL parser canonicalised it) and returns an address it is safe to connect to. */
export async function checkTarget(hostname: string, policy: TargetPolicy): Promise<CheckedTarget> {
  const host = bareHost(hostname).toLowerCase();
  if (!host) throw new FetchRefused('the URL has no host');
  const allowed = new Set(policy.allowHosts.map((h) => bareHost(h).toLowerCase()));
  let addresses: string[];
  let via: CheckedTarget['via'];
  if (isIP(host)) {
    addresses = [host];
    via = 'literal';
  } else if (policy.resolve[host] !== undefined) {
    addresses = [policy.resolve[host]];
    via = 'pinned';
  } else {
    try {
      addresses = await policy.resolver(host);
    } catch (err) {
      // Not a refusal: the name simply has no answer (a taken-down payload host, usually).
      throw new Error(`${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    via = 'dns';
  }
  if (addresses.length === 0) throw new FetchRefused(`${host} has no address`);
  // Every answer is checked, not only the first: a name that answers with one public and one private
  // address is a rebinding attempt, and the connection could land on either.
  for (const address of addresses) {
    if (isIP(address) === 0) throw new FetchRefused(`${host} resolves to "${address}", which is not an IP address`);
    if (allowed.has(host) || allowed.has(address)) continue;
    const why = refusalReason(address);
    if (why) {
      const shown = address === host ? address : `${host} → ${address}`;
      throw new FetchRefused(`refused ${shown}: ${why} address`, address);
    }
  }
  const address = addresses[0]!;
  return { host, address, family: isIP(address) === 6 ? 6 : 4, via };
}
