// Does a domain imitate one of ours, or a brand phishing likes to wear? Compares registered domains (tldts)
// through a confusables table (IDN homoglyphs, rn → m), edit distance, TLD swaps and names embedded in
// subdomains. Tables are data: rules/confusables.yaml and rules/brands.yaml.

import { domainToUnicode } from 'node:url';
import { parse } from 'tldts';
import { loadRules } from '../engine/rules.ts';

export interface Lookalike {
  /** The domain imitated: one of ours, or the brand's main domain. */
  target: string;
  /** How: 'idn homoglyph', 'look-alike characters', 'tld swap', 'edit distance 1', 'name in subdomain', … */
  technique: string;
}

export interface BrandLookalike extends Lookalike {
  brand: string;
}

interface BrandEntry {
  label: string;
  domains: string[];
  /** An everyday word (apple, chase, zoom): only exact imitations count, not embeddings or near spellings. */
  word?: boolean;
}

interface ConfusablesFile {
  single: Record<string, string>;
  sequences: Record<string, string>;
}

interface Parsed {
  /** Registered domain in ASCII (punycode kept): "xn--pypal-4ve.com". */
  domain: string;
  /** Registered label as shown to a person: "pаypal". */
  label: string;
  asciiLabel: string;
  suffix: string;
  subdomainLabels: string[];
}

/** Names shorter than this are not looked for inside other domain names. */
const MIN_EMBEDDED_NAME = 5;

/** Domains longer than this are not names a person reads; comparing them only costs time. */
const MAX_DOMAIN_CHARS = 253;

let confusables: { single: Map<string, string>; sequences: [string, string][] } | undefined;

function table() {
  if (!confusables) {
    const file = loadRules<ConfusablesFile>('confusables.yaml');
    confusables = {
      single: new Map(Object.entries(file.single).map(([k, v]) => [String(k), String(v)])),
      sequences: Object.entries(file.sequences),
    };
  }
  return confusables;
}

/** What a label looks like to a reader, reduced to ASCII: "pаypal" (Cyrillic а) and "paypa1" → "paypal". */
export function skeleton(label: string): string {
  const { single, sequences } = table();
  let out = '';
  for (const ch of label.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase()) out += single.get(ch) ?? ch;
  for (const [from, to] of sequences) out = out.split(from).join(to);
  return out;
}

function parseDomain(input: string): Parsed | undefined {
  const host = input.trim().toLowerCase().replace(/\.$/, '');
  if (!host || host.length > MAX_DOMAIN_CHARS) return undefined;
  // tldts wants ASCII; a domain given in Unicode is converted first (new URL does IDNA for us).
  let ascii = host;
  if (/[^\x00-\x7f]/.test(host)) {
    try {
      ascii = new URL(`http://${host}/`).hostname;
    } catch {
      return undefined;
    }
  }
  const p = parse(ascii);
  if (p.isIp || !p.domain || !p.domainWithoutSuffix || !p.publicSuffix) return undefined;
  const asciiLabel = p.domainWithoutSuffix;
  return {
    domain: p.domain,
    asciiLabel,
    label: asciiLabel.startsWith('xn--') ? domainToUnicode(asciiLabel) || asciiLabel : asciiLabel,
    suffix: p.publicSuffix,
    subdomainLabels: p.subdomain ? p.subdomain.split('.') : [],
  };
}

/**
 * Edit distance with adjacent transpositions counted as one edit (optimal string alignment): "docusing" is one
 * slip from "docusign". Gives up (returning max + 1) once every alignment exceeds `max`.
 */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/** Edits tolerated for a label of this length: a typo of a short name is just another name. */
function allowedEdits(targetLabel: string, strict: boolean): number {
  const n = targetLabel.length;
  if (strict) return n >= 9 ? 2 : n >= 6 ? 1 : 0;
  return n >= 6 ? 2 : n >= 4 ? 1 : 0;
}

/** True when `name` stands in `label` as whole hyphen-separated words: "secure-paypal-login" holds "paypal". */
function holdsName(label: string, name: string): boolean {
  return `-${label.replace(/_/g, '-')}-`.includes(`-${name}-`);
}

interface CompareOptions {
  /** Brands: stricter edit distance, no TLD swap (brands own many country domains). */
  strict: boolean;
  /** Everyday words: only homoglyphs and the full domain as a subdomain. */
  word: boolean;
}

function compare(d: Parsed, target: Parsed, opts: CompareOptions): string | undefined {
  const targetSkeleton = skeleton(target.label);
  const sk = skeleton(d.label);
  const idn = d.asciiLabel.startsWith('xn--') || d.subdomainLabels.some((l) => l.startsWith('xn--'));
  if (d.label !== target.label && sk === targetSkeleton) return idn ? 'idn homoglyph' : 'look-alike characters';
  // "microsoft.com.account-verify.xyz": the whole real domain placed in front of another one.
  const sub = d.subdomainLabels.join('.');
  if (sub && (sub === target.domain || sub.endsWith(`.${target.domain}`) || sub.startsWith(`${target.domain}.`) || sub.includes(`.${target.domain}.`)))
    return 'name in subdomain';
  if (opts.word) return undefined;
  if (d.label === target.label) return opts.strict ? undefined : 'tld swap';
  const edits = allowedEdits(target.label, opts.strict);
  // Brand names sit next to dictionary words one letter away (binance/finance, adobe/adore); typosquats keep
  // the first letter, where the eye starts reading, so brands are only compared when it matches.
  const sameStart = !opts.strict || sk.charAt(0) === targetSkeleton.charAt(0);
  if (edits > 0 && sameStart) {
    const dist = Math.min(editDistance(d.label, target.label, edits), editDistance(sk, targetSkeleton, edits));
    if (dist <= edits) return `edit distance ${dist}`;
  }
  // A short own name ("corp", "acme") is an everyday word inside other names; only longer ones are telling.
  // Brand names are distinctive even when short (dhl); the everyday ones are marked `word` in brands.yaml.
  if (!opts.strict && targetSkeleton.length < MIN_EMBEDDED_NAME) return undefined;
  if (d.subdomainLabels.some((l) => holdsName(skeleton(l), targetSkeleton))) return 'name in subdomain';
  if (holdsName(sk, targetSkeleton)) return 'name inside another domain';
  return undefined;
}

function isSameOrSub(d: Parsed, domains: readonly Parsed[]): boolean {
  return domains.some((o) => o.domain === d.domain);
}

/**
 * The own domain `domain` imitates, and how; undefined when it is one of ours or imitates none.
 * `ownDomains` are the organisation's domains (config `ownDomains`).
 */
export function lookalikeOf(domain: string, ownDomains: readonly string[]): { target: string; technique: string } | undefined {
  const d = parseDomain(domain);
  if (!d) return undefined;
  const own = ownDomains.map(parseDomain).filter((o): o is Parsed => o !== undefined);
  if (isSameOrSub(d, own)) return undefined;
  for (const target of own) {
    const technique = compare(d, target, { strict: false, word: false });
    if (technique) return { target: target.domain, technique };
  }
  return undefined;
}

let brandTable: { name: string; main: Parsed; domains: Parsed[]; word: boolean }[] | undefined;

function brands() {
  if (!brandTable) {
    const file = loadRules<{ brands: Record<string, BrandEntry> }>('brands.yaml');
    brandTable = Object.entries(file.brands).flatMap(([name, b]) => {
      const domains = b.domains.map(parseDomain).filter((o): o is Parsed => o !== undefined);
      const main = domains.find((x) => x.label === b.label) ?? domains[0];
      return main ? [{ name, main: { ...main, label: b.label }, domains, word: b.word === true }] : [];
    });
  }
  return brandTable;
}

/** True when the domain belongs to a well-known brand (so it is never a lookalike of any brand). */
export function isBrandDomain(domain: string): boolean {
  return brandsOwning(domain).length > 0;
}

/** The brands (rules/brands.yaml) that really use this domain: "sharepoint.com" → [microsoft, onedrive, sharepoint]. */
export function brandsOwning(domain: string): string[] {
  const d = parseDomain(domain);
  return d === undefined ? [] : brands().filter((b) => isSameOrSub(d, b.domains)).map((b) => b.name);
}

/** The well-known brand (rules/brands.yaml) `domain` imitates, and how; undefined for the brand's own domains. */
export function brandLookalikeOf(domain: string): BrandLookalike | undefined {
  const d = parseDomain(domain);
  if (!d) return undefined;
  const all = brands();
  if (all.some((b) => isSameOrSub(d, b.domains))) return undefined;
  // "login.microsoftonline.com.verify.example": any of the brand's real domains placed in front of another.
  const sub = d.subdomainLabels.join('.');
  if (sub) {
    for (const b of all) {
      const shown = b.domains.find((x) => sub === x.domain || sub.endsWith(`.${x.domain}`));
      if (shown) return { brand: b.name, target: shown.domain, technique: 'name in subdomain' };
    }
  }
  for (const b of all) {
    const technique = compare(d, b.main, { strict: true, word: b.word });
    if (technique) return { brand: b.name, target: b.main.domain, technique };
  }
  return undefined;
}
