// Takes the real URL out of gateway and redirect wrappers (Safe Links, Proofpoint v1/v2/v3, Mimecast, Google,
// …), repeatedly, since a link can be wrapped by the sender's gateway and again by the recipient's.
// The table of wrappers is data: rules/url-wrappers.yaml.

import { loadRules } from '../../engine/rules.ts';

type Decode = 'plain' | 'proofpoint-v2' | 'proofpoint-v3' | 'base64' | 'domain-only';

interface WrapperRule {
  name: string;
  hosts: string[];
  path?: string;
  param?: string[];
  decode: Decode;
}

export interface Unwrapped {
  /** The innermost URL that could be recovered (the input when nothing was wrapped). */
  url: string;
  /** Wrappers peeled, outermost first. */
  wrappers: string[];
  /** The outermost URL as written, when it was a wrapper. */
  wrapped?: string;
  /** Mimecast keeps the URL on its side and shows only its domain. */
  domainOnly?: string;
}

/** Wrappers peeled from one link at most; more is a loop or a deliberate puzzle. */
export const MAX_WRAPPER_LAYERS = 5;

let rules: (WrapperRule & { pathRe?: RegExp })[] | undefined;

function wrappers() {
  rules ??= loadRules<{ wrappers: WrapperRule[] }>('url-wrappers.yaml').wrappers.map((w) => ({
    ...w,
    pathRe: w.path ? new RegExp(w.path, 'i') : undefined,
  }));
  return rules;
}

function hostMatches(host: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p));
}

/** Proofpoint v2 writes "%" as "-" and "/" as "_": "https-3A__example.com_x" → "https://example.com/x". */
export function decodeProofpointV2(value: string): string {
  return decodeURIComponent(value.replace(/-/g, '%').replace(/_/g, '/'));
}

const V3_RUN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Proofpoint v3: "https://urldefense.com/v3/__<url>__;<base64url of replaced characters>!!<token>". Each "*" in
 * the URL stands for the next replaced character; "**X" for a run whose length X encodes (A = 2, B = 3, …).
 */
export function decodeProofpointV3(wrapped: string): string | undefined {
  const m = /\/v3\/__(.+?)__;([A-Za-z0-9_-]*)!/.exec(wrapped);
  if (!m) return undefined;
  let url: string;
  try {
    url = decodeURIComponent(m[1]!);
  } catch {
    url = m[1]!;
  }
  const replaced = [...Buffer.from(m[2]!, 'base64url').toString('utf8')];
  let at = 0;
  let broken = false;
  const out = url.replace(/\*(\*.)?/g, (token: string, run?: string) => {
    if (!run) {
      const ch = replaced[at++];
      if (ch === undefined) broken = true;
      return ch ?? '';
    }
    const length = V3_RUN_ALPHABET.indexOf(run.charAt(1)) + 2;
    const chars = replaced.slice(at, at + length);
    at += length;
    if (length < 2 || chars.length < length) broken = true;
    return chars.join('');
  });
  return broken ? undefined : out;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function peel(url: URL, rule: WrapperRule): { inner?: string; domainOnly?: string } {
  if (rule.decode === 'proofpoint-v3') return { inner: decodeProofpointV3(url.href) };
  for (const name of rule.param ?? []) {
    const value = url.searchParams.get(name);
    if (!value) continue;
    try {
      switch (rule.decode) {
        case 'plain':
          return { inner: value };
        case 'proofpoint-v2':
          return { inner: decodeProofpointV2(value) };
        case 'base64':
          return { inner: Buffer.from(value, 'base64').toString('utf8') };
        case 'domain-only':
          return { domainOnly: value.toLowerCase() };
      }
    } catch {
      return {};
    }
  }
  return {};
}

/** Peels every known wrapper off `url`. Unknown or undecodable wrappers leave the URL as it is. */
export function unwrapUrl(url: string): Unwrapped {
  const result: Unwrapped = { url, wrappers: [] };
  let current = url;
  for (let layer = 0; layer < MAX_WRAPPER_LAYERS; layer++) {
    const parsed = parse(current);
    if (!parsed) break;
    const host = parsed.hostname.toLowerCase();
    const rule = wrappers().find((w) => hostMatches(host, w.hosts) && (!w.pathRe || w.pathRe.test(parsed.pathname)));
    if (!rule) break;
    const { inner, domainOnly } = peel(parsed, rule);
    if (domainOnly) {
      result.wrappers.push(rule.name);
      result.domainOnly = domainOnly;
      break;
    }
    const innerUrl = inner && parse(inner.trim());
    if (!innerUrl || !/^(https?|ftp):$/.test(innerUrl.protocol)) break;
    result.wrappers.push(rule.name);
    current = innerUrl.href;
  }
  if (result.wrappers.length > 0) {
    result.wrapped = url;
    result.url = current;
  }
  return result;
}
