// CIDR membership for the `|cidr` modifier, IPv4 and IPv6, without a dependency.

import { isIP } from 'node:net';

export interface Network {
  version: 4 | 6;
  base: bigint;
  mask: bigint;
}

function toBigInt(ip: string): { version: 4 | 6; value: bigint } | null {
  const version = isIP(ip);
  if (version === 4) {
    return { version: 4, value: ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n) };
  }
  if (version === 6) {
    let text = ip.toLowerCase();
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    if (v4) {
      const n = toBigInt(v4[1]!)!.value;
      text = text.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    return { version: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n) };
  }
  return null;
}

export function parseCidr(cidr: string): Network | null {
  const [ip, bits] = cidr.trim().split('/');
  const parsed = toBigInt(ip ?? '');
  if (!parsed) return null;
  const width = parsed.version === 4 ? 32 : 128;
  const prefix = bits === undefined ? width : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) return null;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  return { version: parsed.version, base: parsed.value & mask, mask };
}

export function inNetwork(ip: string, net: Network): boolean {
  const parsed = toBigInt(ip.trim());
  return !!parsed && parsed.version === net.version && (parsed.value & net.mask) === net.base;
}
