import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterCampaigns, DEFAULT_CLUSTER_OPTIONS, matchesQuery } from '../src/campaign/cluster.ts';
import { subjectKey, normalizeUrl, type Fingerprint } from '../src/campaign/fingerprint.ts';
import { bodySignature, similarity } from '../src/campaign/minhash.ts';
import { generateFingerprints } from './generators/campaigns.ts';

const base = (id: string, over: Partial<Fingerprint>): Fingerprint => ({
  id,
  receivedAt: Date.UTC(2026, 10, 1),
  reporters: [],
  verdict: 'malicious',
  score: 1200,
  urls: [],
  linkDomains: [],
  payloadHashes: [],
  sendingIps: [],
  ...over,
});

test('lure variants are near-duplicates; unrelated mail is not', () => {
  const a = bodySignature(['Hello Anna, please find the overdue invoice 4411 for your account. The payment of 300 EUR was due last week, review the document today to avoid late fees.'])!;
  const b = bodySignature(['Hello Marco, please find the overdue invoice 9120 for your account. The payment of 815 EUR was due last week, review the document today to avoid late fees.'])!;
  const c = bodySignature(['Team lunch moved to Thursday at noon in the big meeting room, bring your ideas for the summer party and the new office plants.'])!;
  assert.ok(similarity(a, b) >= DEFAULT_CLUSTER_OPTIONS.minSimilarity + 0.2, `variants ${similarity(a, b)}`);
  assert.ok(similarity(a, c) < 0.2, `unrelated ${similarity(a, c)}`);
  assert.equal(bodySignature(['see attached']), undefined, 'too short to compare');
});

test('subjects and URLs are normalised the way campaigns vary them', () => {
  assert.equal(subjectKey('RE: Fwd: Invoice #4411 overdue'), subjectKey('Invoice #9 overdue'));
  assert.equal(normalizeUrl('HTTPS://Drop.Example/x.zip?utm_source=a&email=b@c#frag'), 'https://drop.example/x.zip');
});

test('generated campaigns come out as one campaign each, legitimate mail stays apart', () => {
  const { fingerprints, truth } = generateFingerprints(3, 20, 30, 7);
  const campaigns = clusterCampaigns(fingerprints);
  for (const [c, ids] of truth) {
    const holding = campaigns.filter((k) => k.members.some((m) => ids.includes(m)));
    assert.equal(holding.length, 1, `campaign ${c} split into ${holding.length}`);
    assert.deepEqual([...holding[0]!.members].sort(), [...ids].sort(), `campaign ${c} has foreign members`);
    assert.equal(holding[0]!.verdict, 'malicious');
    assert.ok(holding[0]!.ties.length > 0);
  }
  for (const k of campaigns) {
    const lure = k.members.filter((m) => !m.startsWith('legit-')).length;
    assert.ok(lure === 0 || lure === k.members.length, 'lures never mix with legitimate mail');
  }
});

test('exact keys join reports: Message-ID, payload hash, sender + subject within the window only', () => {
  const day = 24 * 3600 * 1000;
  const t0 = Date.UTC(2026, 10, 1);
  const fps = [
    base('a', { messageId: 'x@y', verdict: 'benign' }),
    base('b', { messageId: 'x@y', verdict: 'benign' }),
    base('c', { payloadHashes: ['f'.repeat(64)] }),
    base('d', { payloadHashes: ['f'.repeat(64)] }),
    base('e', { sender: 's@evil.example', subjectKey: 'invoice 0 due', receivedAt: t0 }),
    base('f', { sender: 's@evil.example', subjectKey: 'invoice 0 due', receivedAt: t0 + 2 * day }),
    base('g', { sender: 's@evil.example', subjectKey: 'invoice 0 due', receivedAt: t0 + 30 * day }),
  ];
  const groups = clusterCampaigns(fps).map((c) => [...c.members].sort().join(''));
  assert.deepEqual(groups.sort(), ['ab', 'cd', 'ef', 'g']);
});

test('hub domains (shared platforms, or linked by legitimate mail too) do not merge unrelated campaigns', () => {
  const fps: Fingerprint[] = [];
  for (let i = 0; i < 40; i++) {
    fps.push(base(`r${i}`, { linkDomains: ['sharepoint.com', 'portal.example', `drop${i % 2}.example`] }));
  }
  fps.push(base('newsletter', { verdict: 'benign', linkDomains: ['portal.example'] }));
  const campaigns = clusterCampaigns(fps);
  assert.deepEqual(campaigns.map((c) => c.members.length), [20, 20, 1]);
  assert.ok(campaigns.every((c) => !c.query.includes('sharepoint.com') && !c.query.includes('portal.example')));
});

test('a campaign query re-finds its members and nothing else', () => {
  const { fingerprints } = generateFingerprints(3, 10, 10, 3, false);
  const campaigns = clusterCampaigns(fingerprints);
  for (const c of campaigns.filter((k) => k.members.length > 1)) {
    const found = fingerprints.filter((fp) => matchesQuery(c.query, fp)).map((fp) => fp.id);
    assert.deepEqual(found.sort(), [...c.members].sort());
  }
});
