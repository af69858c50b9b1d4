// What a command or script says about the second stage, in the shape the engine wants: a payload URL is an
// IOC (url + its host) and a `link` child the downloader may fetch; a saved file is a filename IOC.
// Shared by the cmdline and powershell analyzers so both report a URL the same way.

import { isIP } from 'node:net';
import type { ChildArtifact, IocHit } from '../../engine/types.ts';
import { loadRules } from '../../engine/rules.ts';

const encoder = new TextEncoder();

/** A URL worth reporting: an http(s)/ftp scheme and a host; defanged forms are not produced by scripts. */
export function normaliseUrl(raw: string): string | undefined {
  const value = raw.trim().replace(/^["'`(]+|["'`),;]+$/g, '');
  // A host still holding $var or {0} is a template the evaluator could not fill: not an indicator.
  if (!/^(https?|ftp):\/\/(?:[^@\s/]*@)?(\[[0-9a-f:.]+\]|[a-z0-9._~%-]+)(:\d{1,5})?([/?#]|$)/i.test(value)) return undefined;
  return value;
}

/** The host of a URL as an IOC (domain or ip), when it can be read. */
export function hostIoc(url: string, role: string): IocHit | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    const m = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(url);
    if (!m) return undefined;
    host = m[1]!;
  }
  host = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (!host) return undefined;
  return { type: isIP(host) ? 'ip' : 'domain', value: host, role };
}

/** IOCs for a URL: the URL itself and its host. */
export function urlIocs(url: string, role: string): IocHit[] {
  const out: IocHit[] = [{ type: 'url', value: url, role }];
  const host = hostIoc(url, role);
  if (host) out.push(host);
  return out;
}

/** The `link` child that hands a payload URL to the downloader (which fetches only when fetching is on). */
export function linkChild(url: string, from: string): ChildArtifact {
  return { relation: 'link', kind: 'url', name: url, data: encoder.encode(url), meta: { from } };
}

interface LolbinsFile {
  programs: Record<string, { handler: string }>;
  stagingFolders: string[];
  runKeys: string[];
}

export function lolbins(): LolbinsFile {
  return loadRules<LolbinsFile>('lolbins.yaml');
}

/** True when a path points into a folder droppers stage payloads in (%TEMP%, ProgramData, AppData, Public). */
export function isStagingPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lolbins().stagingFolders.some((folder) => lower.includes(folder));
}

/** True when a registry key is one that starts programs at logon. */
export function isRunKey(key: string): boolean {
  const lower = key.toLowerCase();
  return lolbins().runKeys.some((k) => lower.includes(k));
}

/** Between two URLs of a fallback list written as one string ('http://a/@http://b/'). */
const LIST_SEPARATOR = /[\s,;|@*!^]+(?=(?:https?|ftp):\/\/)/i;

/** Every URL written literally in a text (quoted URLs taken whole, spaces included; lists split). */
export function urlsInText(text: string, max = 1000): string[] {
  const found = new Set<string>();
  const quoted = /(['"])((?:https?|ftp):\/\/[^'"\r\n]{1,2048}?)\1/gi;
  for (const m of text.matchAll(quoted)) {
    // 'http://a/1,http://b/2': a fallback list in one string is several URLs.
    for (const piece of m[2]!.split(LIST_SEPARATOR)) {
      const url = normaliseUrl(piece);
      if (url) found.add(url);
    }
    if (found.size >= max) return [...found];
  }
  const bare = /\b(?:https?|ftp):\/\/[^\s'"`<>(){}[\],;|]{1,2048}/gi;
  for (const m of text.matchAll(bare)) {
    for (const piece of m[0].split(LIST_SEPARATOR)) {
      const url = normaliseUrl(piece);
      if (url && ![...found].some((f) => f.startsWith(url))) found.add(url);
    }
    if (found.size >= max) break;
  }
  return [...found];
}
