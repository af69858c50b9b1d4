// Lure phrases in a body: invoices, security alerts, shared documents, parcels, payroll, urgency, threats.
// The phrases are data (rules/lures.yaml); each category is one finding, `email.lure.<category>`.

import { loadRules } from '../../engine/rules.ts';
import type { FindingCatalogue, FindingHit } from '../../engine/types.ts';

interface CategorySpec {
  title: string;
  score: number;
  attack: string[];
  description?: string;
  phrases: Record<string, string[]>;
}

export interface LureHit {
  category: string;
  /** Languages whose phrases matched, in the order first seen: ['de', 'en']. */
  languages: string[];
  /** The phrases as written in the text (at most a few). */
  phrases: string[];
  /** The sentence around the first phrase. */
  context: string;
}

/** Lures sit at the top of a message; scanning more of a huge body only costs time. */
export const MAX_LURE_SCAN_CHARS = 200_000;
const MAX_PHRASES_SHOWN = 3;

const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  it: 'Italian',
  pt: 'Portuguese',
};

let compiled: { category: string; language: string; re: RegExp }[] | undefined;
let specs: Record<string, CategorySpec> | undefined;

function categories(): Record<string, CategorySpec> {
  specs ??= loadRules<{ categories: Record<string, CategorySpec> }>('lures.yaml').categories;
  return specs;
}

function phrasePattern(phrase: string): string {
  const open = phrase.endsWith('*');
  const words = (open ? phrase.slice(0, -1) : phrase)
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/-/g, '[-\\s]?'));
  return words.join('\\s+') + (open ? '[\\p{L}\\p{N}]*' : '');
}

function compile() {
  if (!compiled) {
    compiled = Object.entries(categories()).flatMap(([category, spec]) =>
      Object.entries(spec.phrases).map(([language, phrases]) => ({
        category,
        language,
        re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${phrases.map(phrasePattern).join('|')})(?![\\p{L}\\p{N}])`, 'giu'),
      })),
    );
  }
  return compiled;
}

/** The finding catalogue for lures, built from the data file so ids and scores live in one place. */
export function lureFindings(): FindingCatalogue {
  return Object.fromEntries(
    Object.entries(categories()).map(([category, spec]) => [
      `email.lure.${category}`,
      { title: spec.title, score: spec.score, attack: spec.attack, description: spec.description },
    ]),
  );
}

function sentenceAround(text: string, start: number, end: number): string {
  const from = Math.max(0, start - 60);
  const to = Math.min(text.length, end + 60);
  let s = text.slice(from, to).replace(/\s+/g, ' ').trim();
  if (from > 0) s = `…${s}`;
  if (to < text.length) s = `${s}…`;
  return s;
}

/** Every lure category the text uses, with the phrases that show it. */
export function findLures(text: string): LureHit[] {
  const scanned = text.length > MAX_LURE_SCAN_CHARS ? text.slice(0, MAX_LURE_SCAN_CHARS) : text;
  const hits = new Map<string, LureHit>();
  for (const { category, language, re } of compile()) {
    re.lastIndex = 0;
    for (let m = re.exec(scanned); m; m = re.exec(scanned)) {
      let hit = hits.get(category);
      if (!hit) {
        hit = { category, languages: [], phrases: [], context: sentenceAround(scanned, m.index, m.index + m[0].length) };
        hits.set(category, hit);
      }
      const phrase = m[0].replace(/\s+/g, ' ');
      // A phrase two languages share ("urgent") names the language that matched it first.
      if (hit.phrases.some((p) => p.toLowerCase() === phrase.toLowerCase())) continue;
      if (!hit.languages.includes(language)) hit.languages.push(language);
      hit.phrases.push(phrase);
      if (hit.phrases.length >= MAX_PHRASES_SHOWN) break;
    }
  }
  return [...hits.values()];
}

/** Lure hits as findings: the title names the language, the evidence quotes the phrases and their sentence. */
export function lureFindingHits(text: string, where: string): FindingHit[] {
  const specsByCategory = categories();
  return findLures(text).map((hit) => {
    const languages = hit.languages.map((l) => LANGUAGE_NAMES[l] ?? l).join(', ');
    return {
      id: `email.lure.${hit.category}`,
      title: `${specsByCategory[hit.category]?.title ?? hit.category} (${languages})`,
      evidence: `${where}: ${hit.phrases.map((p) => `"${p}"`).join(', ')} in "${hit.context}"`,
    };
  });
}
