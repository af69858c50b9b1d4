// Reading the transport headers an analyst checks first: the Received chain (where the mail really came
// from), Authentication-Results (what the receiving server concluded), and the domains of the addresses.

import { BlockList, isIP } from 'node:net';
import { getDomain } from 'tldts';

export interface HeaderField {
  /** Lower-case name. */
  key: string;
  /** Unfolded raw value. */
  value: string;
}

export function headerValues(headers: readonly HeaderField[], key: string): string[] {
  return headers.filter((h) => h.key === key).map((h) => h.value);
}

export function firstHeader(headers: readonly HeaderField[], key: string): string | undefined {
  return headers.find((h) => h.key === key)?.value;
}

/** The domain of an address, lower-case, or '' when there is none. */
export function domainOf(address: string | undefined): string {
  if (!address) return '';
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).replace(/[>\s]+$/, '').toLowerCase();
}

/** The registrable domain ("mail.example.co.uk" → "example.co.uk"); mismatches are judged on these. */
export function orgDomain(domain: string): string {
  if (!domain) return '';
  return getDomain(domain, { allowPrivateDomains: false }) ?? domain;
}

export function sameOrg(a: string, b: string): boolean {
  return orgDomain(a) === orgDomain(b);
}

export interface ReceivedHop {
  from?: string;
  ip?: string;
  by?: string;
  date?: string;
}

/** One Received header, read as servers write it: "from HELO (rDNS [IP]) by HOST …; DATE". */
export function parseReceived(value: string): ReceivedHop {
  const text = value.replace(/\s+/g, ' ').slice(0, 2000);
  const semi = text.lastIndexOf(';');
  const date = semi >= 0 ? text.slice(semi + 1).trim() : undefined;
  const head = semi >= 0 ? text.slice(0, semi) : text;
  const byAt = head.search(/\sby\s/i);
  const fromPart = byAt >= 0 ? head.slice(0, byAt) : head;
  const hop: ReceivedHop = {};
  const from = /^\s*from\s+([^\s(;]+)/i.exec(fromPart);
  if (from) hop.from = from[1];
  const by = /\sby\s+([^\s(;]+)/i.exec(head);
  if (by) hop.by = by[1];
  const ip = ipIn(fromPart);
  if (ip) hop.ip = ip;
  if (date) hop.date = date;
  return hop;
}

function ipIn(text: string): string | undefined {
  for (const m of text.matchAll(/\[(?:IPv6:)?([0-9a-fA-F:.]+)\]|\b(\d{1,3}(?:\.\d{1,3}){3})\b/g)) {
    const candidate = m[1] ?? m[2]!;
    if (isIP(candidate)) return candidate;
  }
  return undefined;
}

const NON_PUBLIC = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3]] as const) {
  NON_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) NON_PUBLIC.addSubnet(net, bits, 'ipv6');

export function isPublicIp(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return !NON_PUBLIC.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** The Received chain oldest-first is how mail travelled; the first public client IP is where it entered. */
export function originatingIp(hops: readonly ReceivedHop[], headers: readonly HeaderField[]): string | undefined {
  const declared = firstHeader(headers, 'x-originating-ip')?.replace(/[[\]\s]/g, '');
  if (declared && isPublicIp(declared)) return declared;
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = hops[i]!.ip;
    if (ip && isPublicIp(ip)) return ip;
  }
  return undefined;
}

/**
 * The hop where the mail entered the organisation: the newest Received header whose client is public. SPF is
 * judged on that client; the originating IP above may be further back (the sender's own submission hop).
 */
export function entryHop(hops: readonly ReceivedHop[]): ReceivedHop | undefined {
  return hops.find((h) => h.ip !== undefined && isPublicIp(h.ip));
}

export type AuthVerdicts = Partial<Record<'spf' | 'dkim' | 'dmarc' | 'arc', string>>;

/**
 * The verdicts of the top-most Authentication-Results header (the one the receiving server added; lower
 * ones may be forged by the sender), with Received-SPF as a fallback for SPF.
 */
export function authenticationResults(headers: readonly HeaderField[]): AuthVerdicts & { authserv?: string } {
  const out: AuthVerdicts & { authserv?: string } = {};
  const top = firstHeader(headers, 'authentication-results');
  if (top) {
    const text = stripComments(top.slice(0, 8000));
    const semi = text.indexOf(';');
    const authserv = (semi >= 0 ? text.slice(0, semi) : text).trim().split(/\s+/)[0];
    if (authserv) out.authserv = authserv;
    for (const m of text.matchAll(/(?:^|[;\s])(spf|dkim|dmarc|arc)\s*=\s*([a-z]+)/gi)) {
      const method = m[1]!.toLowerCase() as keyof AuthVerdicts;
      const result = m[2]!.toLowerCase();
      // With several DKIM signatures one passing one is enough; keep the best.
      if (out[method] === undefined || result === 'pass') out[method] = result;
    }
  }
  if (out.spf === undefined) {
    const rspf = firstHeader(headers, 'received-spf');
    const m = rspf ? /^\s*([a-z]+)/i.exec(rspf) : null;
    if (m) out.spf = m[1]!.toLowerCase();
  }
  return out;
}

function stripComments(text: string): string {
  let out = '';
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}
