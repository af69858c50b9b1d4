// Which addresses the downloader may connect to. A link in a reported email is attacker-chosen: without this
// check it could make tacklebox read the cloud metadata service, an admin panel or anything on the SOC's network.

import { BlockList, isIP } from 'node:net';
import { loadRules } from '../engine/rules.ts';

interface FetchRules {
  blocked: { cidr: string; why: string }[];
  profiles: Record<string, string>;
}

interface BlockedRange {
  why: string;
  family: 'ipv4' | 'ipv6';
  list: BlockList;
}

let ranges: BlockedRange[] | undefined;

function blockedRanges(): BlockedRange[] {
  ranges ??= loadRules<FetchRules>('fetch.yaml').blocked.map(({ cidr, why }) => {
    const slash = cidr.lastIndexOf('/');
    const address = cidr.slice(0, slash);
    const prefix = Number(cidr.slice(slash + 1));
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    const list = new BlockList();
    list.addSubnet(address, prefix, family);
    return { why, family, list };
  });
  return ranges;
}

/** The browser User-Agent for a profile name, or the value itself when it is a literal User-Agent. */
export function userAgentFor(profileOrValue: string): string {
  return loadRules<FetchRules>('fetch.yaml').profiles[profileOrValue] ?? profileOrValue;
}

/** Strips the brackets a URL puts around an IPv6 literal. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Why an IP address must not be fetched from, or undefined when it is a public unicast address.
 * IPv4-mapped IPv6 addresses are refused as a class, whatever IPv4 address they carry.
 */
export function refusalReason(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  const type = family === 6 ? 'ipv6' : 'ipv4';
  for (const range of blockedRanges()) {
    // BlockList also matches an IPv4 address against IPv4-mapped IPv6 subnets and the reverse, so each
    // address is checked against the ranges of its own family only.
    if (range.family === type && range.list.check(ip, type)) return range.why;
  }
  return undefined;
}
