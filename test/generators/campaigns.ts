// Generates campaign fingerprints the way a reporting mailbox sees them: a few campaigns whose lures vary in
// names, amounts, links and senders, mixed with unrelated legitimate mail. Deterministic for a seed.

import { bodySignature } from '../../src/campaign/minhash.ts';
import type { Fingerprint } from '../../src/campaign/fingerprint.ts';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['Anna', 'Marco', 'Lena', 'Tom', 'Sofia', 'Jonas', 'Clara', 'Omar', 'Ines', 'Paul'];

const LURE_TEMPLATES = [
  (r: () => number, name: string) =>
    `Hello ${name}, please find the overdue invoice ${Math.floor(r() * 9000 + 1000)} for your account. The payment of ${Math.floor(r() * 900 + 100)} EUR was due last week and our accounting department asks you to review the document today to avoid late fees. Download the document from the secure portal below. The archive password is ${Math.floor(r() * 9000 + 1000)}. Kind regards, accounts receivable`,
  (r: () => number, name: string) =>
    `Dear ${name}, we detected an unusual sign-in attempt on your mailbox from a new device at ${Math.floor(r() * 12 + 1)}:${Math.floor(r() * 50 + 10)}. If this was not you, verify your identity within 24 hours or your account will be suspended. Use the security check link to confirm your details. Thank you, the IT security team`,
  (r: () => number, name: string) =>
    `Hi ${name}, as discussed I am sending the signed contract documents number ${Math.floor(r() * 90000)} for your review. Please open the shared file and send me your comments before Friday so that we can close the agreement with the legal department this month. Best wishes`,
];

const LEGIT = [
  'Team lunch moved to Thursday at noon in the big meeting room, bring your ideas for the summer party',
  'The quarterly all hands meeting will take place next Monday; the agenda covers product roadmap hiring plans and office moves across the three sites we run',
  'Your parcel has been delivered to the reception desk on the ground floor and can be collected until six in the evening today',
  'Reminder that the expense reports for this month must be submitted in the finance tool before the twentieth so that reimbursements go out with payroll',
];

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'sur', 'ta', 'vel', 'dor', 'pri', 'zu', 'an', 'bel', 'cor', 'fin', 'gar', 'hop'];

/** `count` pseudo-words; two calls with different generators share almost none. */
function words(r: () => number, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = 2 + Math.floor(r() * 3);
    let w = '';
    for (let k = 0; k < n; k++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    out.push(w);
  }
  return out.join(' ');
}

export interface GeneratedSet {
  fingerprints: Fingerprint[];
  /** campaign index → member ids, the ground truth; -1 for legitimate one-offs */
  truth: Map<number, string[]>;
}

/** `campaigns` lure campaigns of `perCampaign` reports each, plus `legit` unrelated mails. */
export function generateFingerprints(campaigns: number, perCampaign: number, legit: number, seed = 1, withSignatures = true): GeneratedSet {
  const r = rng(seed);
  const fingerprints: Fingerprint[] = [];
  const truth = new Map<number, string[]>();
  const start = Date.UTC(2026, 10, 1);
  for (let c = 0; c < campaigns; c++) {
    const template = LURE_TEMPLATES[c % LURE_TEMPLATES.length]!;
    const domain = `drop${c}-${Math.floor(r() * 1e6)}.example`;
    const ids: string[] = [];
    // What makes one campaign's wording its own: a passage every member repeats.
    const campaignText = words(rng(seed * 1000 + c), 45);
    for (let m = 0; m < perCampaign; m++) {
      const id = `r${c}-${m}`;
      ids.push(id);
      // Each report varies its sender, the URL path and the wording details; the campaign shares a drop domain
      // or a body template. The template number is mixed with c so that campaigns with the same template still
      // differ in their text.
      const body = `${template(r, NAMES[Math.floor(r() * NAMES.length)]!)} ${campaignText}`;
      const url = `https://${domain}/${Math.floor(r() * 1e9).toString(36)}/doc.zip`;
      fingerprints.push({
        id,
        receivedAt: start + c * 3_600_000 + m * 60_000,
        reporters: [`user${Math.floor(r() * 500)}@corp.example`],
        verdict: 'malicious',
        score: 1500,
        sender: `billing${Math.floor(r() * 1e6)}@mail${Math.floor(r() * 1e6)}.example`,
        subject: `Invoice ${Math.floor(r() * 9000)} overdue`,
        subjectKey: 'invoice 0 overdue',
        urls: [url],
        linkDomains: [domain],
        payloadHashes: [],
        sendingIps: [],
        signature: withSignatures ? bodySignature([body]) : undefined,
      });
    }
    truth.set(c, ids);
  }
  for (let l = 0; l < legit; l++) {
    const body = `${LEGIT[l % LEGIT.length]} ${words(r, 40)}`;
    fingerprints.push({
      id: `legit-${l}`,
      receivedAt: start + l * 1000,
      reporters: [],
      verdict: 'benign',
      score: 0,
      sender: `colleague${l}@corp.example`,
      subject: `Note ${l}`,
      subjectKey: `note ${l}`,
      urls: [],
      linkDomains: [],
      payloadHashes: [],
      sendingIps: [],
      signature: withSignatures ? bodySignature([body]) : undefined,
    });
  }
  return { fingerprints, truth };
}
