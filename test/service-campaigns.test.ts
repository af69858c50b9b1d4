// Campaigns in the service, through HTTP on the embedded defaults: three variants of one Qakbot-style lure
// (different recipients, passwords, URL paths and sending IPs on one drop domain) become one campaign, the
// legitimate mail stays apart; analysts see the campaign on each report's page, reporters never do; the
// campaigns are clustered again only when the finished reports changed.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CampaignIndex } from '../src/service/campaigns.ts';
import type { Store } from '../src/service/store/types.ts';
import { calendarInvite, invoiceNotice, newsletter, qakbotLure } from './generators/email.ts';
import { call, submitEmail, startTestService, waitFor, type TestService } from './helpers/service.ts';

let svc: TestService;
let base: string;
let analyst: string;
let anna: string;
let ben: string;

const DROP = 'cheapfurniture-outlet.example';
const SENDER = { name: 'Laura Becker', address: 'l.becker@hoffmann-logistik.example' };

function variant(n: number, to: string, password: string, path: string, ip: string): string {
  return qakbotLure({
    url: `http://${DROP}${path}`,
    password,
    from: SENDER,
    to: { name: to, address: `${to.toLowerCase()}@corp.example` },
    subject: `RE: Invoice #${4400 + n * 7} past due`,
    sendingIp: ip,
    messageId: `<20230314.${n}.${password}@hoffmann-logistik.example>`,
  });
}

const lures = [
  variant(1, 'Anna', 'Inv4411', '/wp-content/uploads/Invoice_4411.zip', '203.0.113.77'),
  variant(2, 'Ben', 'Inv5120', '/wp-content/uploads/2023/03/Invoice_5120.zip', '203.0.113.78'),
  variant(3, 'Carla', 'Pay7781', '/docs/inv/Invoice_7781.zip', '198.51.100.99'),
];
const legitimate = [invoiceNotice(), newsletter(8), calendarInvite()];

const lureIds: string[] = [];
const legitIds: string[] = [];

async function submitAndFinish(token: string, mail: string): Promise<string> {
  const res = await submitEmail(base, token, mail);
  assert.equal(res.status, 202);
  const done = await waitFor(base, token, res.json.id);
  assert.equal(done.json.status, 'done', `report ${res.json.id}: ${done.json.error}`);
  return res.json.id as string;
}

before(async () => {
  svc = await startTestService();
  base = svc.url;
  analyst = await svc.addUser('sam', 'analyst');
  anna = await svc.addUser('anna', 'reporter', 'anna@corp.example');
  ben = await svc.addUser('ben', 'reporter', 'ben@corp.example');
  lureIds.push(await submitAndFinish(anna, lures[0]!), await submitAndFinish(ben, lures[1]!), await submitAndFinish(anna, lures[2]!));
  for (const mail of legitimate) legitIds.push(await submitAndFinish(ben, mail));
});
after(() => svc?.stop());

type CampaignJson = { id: string; size: number; members: string[]; verdict: string; ties: { key: string; defanged: string }[]; sharedIocs: { type: string; value: string; defanged: string }[]; reporters: string[] };

test('three variants of one lure are one campaign; legitimate mail is apart from it', async () => {
  const res = await call(base, 'GET', '/api/campaigns', { token: analyst });
  assert.equal(res.status, 200);
  const campaigns = res.json.campaigns as CampaignJson[];
  assert.equal(res.json.reports, 6, 'every finished report is covered');
  assert.equal(campaigns.reduce((n, c) => n + c.size, 0), 6, 'every report is in exactly one campaign');
  const holding = campaigns.filter((c) => c.members.some((m) => lureIds.includes(m)));
  assert.equal(holding.length, 1, 'the lure variants are not split');
  const lure = holding[0]!;
  assert.deepEqual([...lure.members].sort(), [...lureIds].sort(), 'only the lures, all of them');
  assert.equal(campaigns[0]!.id, lure.id, 'largest first');
  assert.notEqual(lure.verdict, 'benign');
  assert.deepEqual(lure.reporters, ['anna', 'ben']);
  // what tied them: the sender with the same (number-normalised) subject, and the drop domain
  assert.ok(lure.ties.some((t) => t.key.startsWith('sender+subject:l.becker@hoffmann-logistik.example')), JSON.stringify(lure.ties));
  assert.ok(lure.ties.some((t) => t.key === `link-domain:${DROP}`), JSON.stringify(lure.ties));
  const domain = lure.sharedIocs.find((i) => i.type === 'domain' && i.value === DROP);
  assert.equal(domain?.defanged, 'cheapfurniture-outlet[.]example');
  for (const t of lure.ties) assert.ok(!/https?:\/\//.test(t.defanged), `tie shown live: ${t.defanged}`);
  for (const id of legitIds) {
    const own = campaigns.find((c) => c.members.includes(id))!;
    assert.ok(!own.members.some((m) => lureIds.includes(m)), `legitimate ${id} joined the lures`);
    assert.equal(own.verdict, 'benign');
  }

  const paged = await call(base, 'GET', '/api/campaigns?limit=1&offset=1', { token: analyst });
  assert.equal(paged.json.campaigns.length, 1);
  assert.equal(paged.json.campaigns[0].id, campaigns[1]!.id);
  const big = await call(base, 'GET', '/api/campaigns?min=2', { token: analyst });
  assert.deepEqual(big.json.campaigns.map((c: CampaignJson) => c.id), [lure.id]);

  const one = await call(base, 'GET', `/api/campaigns/${encodeURIComponent(lure.id)}`, { token: analyst });
  assert.equal(one.status, 200);
  assert.deepEqual(one.json.reports.map((r: { id: string }) => r.id).sort(), [...lureIds].sort());
  assert.ok(one.json.reports.every((r: { subject: string }) => /^RE: Invoice #\d+ past due$/.test(r.subject)));
  assert.equal((await call(base, 'GET', '/api/campaigns/c-nope', { token: analyst })).status, 404);
});

test("a report's page names its campaign for analysts, and never for reporters", async () => {
  const page = await call(base, 'GET', `/api/reports/${lureIds[0]}`, { token: analyst });
  const campaign = page.json.campaign;
  assert.equal(campaign.size, 3);
  assert.equal(campaign.others, 2);
  assert.deepEqual(campaign.otherReports.map((r: { id: string }) => r.id).sort(), [lureIds[1], lureIds[2]].sort());
  assert.ok(campaign.ties.length > 0);
  const legit = await call(base, 'GET', `/api/reports/${legitIds[0]}`, { token: analyst });
  assert.equal(legit.json.campaign.others, 0, 'legitimate mail shares its campaign with nobody');

  const own = await call(base, 'GET', `/api/reports/${lureIds[0]}`, { token: anna });
  assert.equal(own.status, 200);
  assert.equal('campaign' in own.json, false, "a reporter's view carries no campaign (it would name Ben's report)");
});

test('reporters get 403 on the campaigns; no token gets 401', async () => {
  assert.equal((await call(base, 'GET', '/api/campaigns', { token: anna })).status, 403);
  assert.equal((await call(base, 'GET', '/api/campaigns/c-x', { token: ben })).status, 403);
  assert.equal((await call(base, 'GET', '/api/campaigns')).status, 401);
});

test('campaigns are clustered again only when the finished reports changed', async () => {
  const first = await call(base, 'GET', '/api/campaigns', { token: analyst });
  const again = await call(base, 'GET', '/api/campaigns', { token: analyst });
  assert.equal(again.json.computedAt, first.json.computedAt, 'nothing changed: the cached campaigns');
  // a fourth variant arrives and finishes: it joins the campaign
  const fourth = await submitAndFinish(ben, variant(4, 'Dana', 'Inv9034', '/wp-content/uploads/Invoice_9034.zip', '192.0.2.200'));
  const after = await call(base, 'GET', '/api/campaigns', { token: analyst });
  assert.notEqual(after.json.computedAt, first.json.computedAt);
  const lure = (after.json.campaigns as CampaignJson[]).find((c) => c.members.includes(lureIds[0]!))!;
  assert.equal(lure.size, 4);
  assert.ok(lure.members.includes(fourth));
  // another person reporting a finished report changes its reporters: clustered again
  const dup = await submitEmail(base, anna, variant(4, 'Dana', 'Inv9034', '/wp-content/uploads/Invoice_9034.zip', '192.0.2.200'));
  assert.equal(dup.json.duplicate, true);
  const withAnna = await call(base, 'GET', `/api/campaigns/${encodeURIComponent(lure.id)}`, { token: analyst });
  assert.deepEqual(withAnna.json.reports.find((r: { id: string }) => r.id === fourth).reporters, ['anna', 'ben']);
});

/** A store with only what the campaign index reads: a version token and fingerprints, read in `readMs`. */
function fakeStore(readMs: number) {
  const state = { version: 'v1', reads: 0 };
  const fp = (id: string) => ({ id, receivedAt: 0, reporters: [], verdict: 'benign' as const, score: 0, urls: [], linkDomains: [], payloadHashes: [], sendingIps: [] });
  const store = {
    finishedReportsVersion: async () => state.version,
    campaignFingerprints: async () => {
      state.reads++;
      await new Promise((r) => setTimeout(r, readMs));
      return [fp('a'), fp('b')];
    },
  } as unknown as Store;
  return { store, state };
}

test('the campaign index: one computation per change, shared by concurrent requests; a slow one is followed by a cool-down', async () => {
  const fast = fakeStore(0);
  const index = new CampaignIndex(fast.store);
  const [a, b] = await Promise.all([index.current(), index.current()]);
  assert.equal(a, b, 'concurrent requests share one computation');
  await index.current();
  assert.equal(fast.state.reads, 1, 'unchanged: nothing read again');
  fast.state.version = 'v2';
  assert.equal((await index.current()).stale, false);
  assert.equal(fast.state.reads, 2, 'changed: read and clustered again');

  // A computation that kept the event loop busy for a second is not repeated for the next ten seconds.
  const slow = fakeStore(1000);
  const busy = new CampaignIndex(slow.store);
  await busy.current();
  slow.state.version = 'v2';
  const served = await busy.current();
  assert.equal(served.stale, true, 'the last campaigns, marked stale');
  assert.equal(slow.state.reads, 1);
});
