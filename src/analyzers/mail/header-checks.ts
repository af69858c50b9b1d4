// Findings about who a mail claims to be: From against Reply-To, Return-Path and Sender; display names that
// show another address, a brand or an internal role; sender domains that imitate the organisation's own or a
// brand's. Each finding's evidence quotes the headers that disagree.

import { loadRules } from '../../engine/rules.ts';
import type { FindingHit } from '../../engine/types.ts';
import { brandLookalikeOf, lookalikeOf } from '../../intel/lookalike.ts';
import { domainOf, sameOrg } from './headers.ts';
import type { MailMessage, Mailbox } from './message.ts';

interface ImpersonationFile {
  roleWords: string[];
  freemailDomains: string[];
}
interface BrandsFile {
  brands: Record<string, { label: string; domains: string[]; word?: boolean }>;
}

let tables: { role: RegExp; freemail: Set<string>; brand: RegExp; brandDomains: Map<string, { name: string; domains: string[] }> } | undefined;

function load() {
  if (tables) return tables;
  const imp = loadRules<ImpersonationFile>('mail-impersonation.yaml');
  const brands = loadRules<BrandsFile>('brands.yaml').brands;
  // Everyday-word brands (apple, chase) are left out: in a display name they are too often just words.
  const brandDomains = new Map<string, { name: string; domains: string[] }>();
  for (const [name, b] of Object.entries(brands)) {
    if (b.word) continue;
    const label = b.label.toLowerCase();
    const entry = brandDomains.get(label) ?? { name, domains: [] };
    entry.domains.push(...b.domains.map((d) => d.toLowerCase()));
    brandDomains.set(label, entry);
  }
  tables = {
    role: wordsRegex(imp.roleWords),
    freemail: new Set(imp.freemailDomains.map((d) => d.toLowerCase())),
    // One regex for all brand names: display names are checked once, not once per brand.
    brand: wordsRegex([...brandDomains.keys()], 'g'),
    brandDomains,
  };
  return tables;
}

/** Lookalike verdicts per domain: bulk mail repeats the same few sender domains. */
const lookalikeCache = new Map<string, ReturnType<typeof brandLookalikeOf> | null>();
const MAX_CACHED_DOMAINS = 10_000;

function cachedBrandLookalike(domain: string) {
  let hit = lookalikeCache.get(domain);
  if (hit === undefined) {
    hit = brandLookalikeOf(domain) ?? null;
    if (lookalikeCache.size >= MAX_CACHED_DOMAINS) lookalikeCache.clear();
    lookalikeCache.set(domain, hit);
  }
  return hit ?? undefined;
}

function wordsRegex(words: readonly string[], flags = ''): RegExp {
  const alternatives = words.map((w) => w.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, `iu${flags}`);
}

const show = (m: Mailbox | undefined) => (m ? (m.name ? `"${m.name}" <${m.address}>` : `<${m.address}>`) : '');

export function headerFindings(msg: MailMessage, ownDomains: readonly string[]): FindingHit[] {
  const hits: FindingHit[] = [];
  const from = msg.from;
  const fromDomain = domainOf(from?.address);
  if (!from || !fromDomain) return hits;

  for (const r of msg.replyTo) {
    const d = domainOf(r.address);
    if (d && !sameOrg(d, fromDomain)) {
      hits.push({ id: 'email.header.reply-to-mismatch', evidence: `From: ${show(from)}; Reply-To: ${show(r)}` });
      break;
    }
  }
  const returnDomain = domainOf(msg.returnPath);
  if (returnDomain && !sameOrg(returnDomain, fromDomain)) {
    hits.push({ id: 'email.header.return-path-mismatch', evidence: `From: ${show(from)}; Return-Path: <${msg.returnPath}>` });
  }
  const senderDomain = domainOf(msg.sender?.address);
  if (senderDomain && !sameOrg(senderDomain, fromDomain)) {
    hits.push({ id: 'email.header.sender-mismatch', evidence: `From: ${show(from)}; Sender: ${show(msg.sender)}` });
  }

  const name = from.name.normalize('NFKC');
  for (const m of name.matchAll(/[\w.+-]+@([\w-]+(?:\.[\w-]+)+)/g)) {
    if (!sameOrg(m[1]!.toLowerCase(), fromDomain)) {
      hits.push({ id: 'email.display-name.address-mismatch', evidence: `From: ${show(from)} shows ${m[0]}` });
      break;
    }
  }
  const t = load();
  for (const m of name.matchAll(t.brand)) {
    const brand = t.brandDomains.get(m[0].toLowerCase().replace(/\s+/g, ' '));
    if (brand && !brand.domains.some((d) => fromDomain === d || fromDomain.endsWith(`.${d}`))) {
      hits.push({ id: 'email.display-name.brand', evidence: `From: ${show(from)} names ${brand.name} but is sent from ${fromDomain}` });
      break;
    }
  }
  const role = t.role.exec(name);
  if (role && t.freemail.has(fromDomain)) {
    hits.push({ id: 'email.display-name.role-freemail', evidence: `From: ${show(from)} claims "${role[0]}" from a free-mail account` });
  } else if (role && ownDomains.length > 0 && !ownDomains.some((d) => fromDomain === d || fromDomain.endsWith(`.${d}`))) {
    hits.push({ id: 'email.display-name.role-external', evidence: `From: ${show(from)} claims "${role[0]}" but is sent from ${fromDomain}, not one of ours` });
  }

  // Lookalikes: the From domain, and a Reply-To that would take the answers to a lookalike.
  const seen = new Set<string>();
  for (const [header, address] of [['From', from.address], ...msg.replyTo.slice(0, 20).map((r) => ['Reply-To', r.address] as const)] as const) {
    const d = domainOf(address);
    if (!d || seen.has(d)) continue;
    seen.add(d);
    const own = ownDomains.length > 0 ? lookalikeOf(d, ownDomains) : undefined;
    if (own) {
      hits.push({ id: 'email.sender.lookalike', evidence: `${header}: <${address}>: ${d} imitates ${own.target} (${own.technique})` });
      continue;
    }
    const brand = cachedBrandLookalike(d);
    if (brand) hits.push({ id: 'email.sender.brand-lookalike', evidence: `${header}: <${address}>: ${d} imitates ${brand.brand} (${brand.target}, ${brand.technique})` });
  }
  return hits;
}
