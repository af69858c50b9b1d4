// The campaigns API (analysts only: a campaign names other people's reports): every finished report's
// campaign, largest first; one campaign with its reports; and the campaign block of a report's page.
// Indicators and ties come with a defanged form, the one the UI shows.

import type { FastifyInstance } from 'fastify';
import type { Campaign } from '../../campaign/cluster.ts';
import { defang } from '../../intel/defang.ts';
import type { CampaignSnapshot } from '../campaigns.ts';
import { allow, type ApiContext } from './context.ts';

/** Members listed per campaign in the list view; the detail view lists up to MAX_DETAIL_REPORTS. */
const LIST_MEMBERS = 20;
const MAX_DETAIL_REPORTS = 1000;
/** Other reports named on a report's page (newest first); `others` gives how many there are in all. */
const REPORT_PAGE_OTHERS = 50;

export function registerCampaignRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/campaigns', async (request, reply) => {
    if (!allow(request, reply, 'analyst')) return reply;
    const q = request.query as Record<string, string | undefined>;
    const limit = Math.min(Math.max(Number(q.limit ?? 100) || 100, 1), 1000);
    const offset = Math.max(Number(q.offset ?? 0) || 0, 0);
    const min = Math.max(Number(q.min ?? 1) || 1, 1);
    const snapshot = await campaignIndex(ctx).current();
    const matching = min > 1 ? snapshot.campaigns.filter((c) => c.members.length >= min) : snapshot.campaigns;
    return {
      total: matching.length,
      reports: snapshot.reports,
      computedAt: snapshot.computedAt,
      stale: snapshot.stale,
      campaigns: matching.slice(offset, offset + limit).map((c) => campaignView(c, LIST_MEMBERS)),
    };
  });

  app.get('/api/campaigns/:id', async (request, reply) => {
    if (!allow(request, reply, 'analyst')) return reply;
    const { id } = request.params as { id: string };
    const snapshot = await campaignIndex(ctx).current();
    const campaign = snapshot.byId(id);
    if (!campaign) return reply.code(404).send({ error: `no campaign ${id}` });
    return {
      ...campaignView(campaign, MAX_DETAIL_REPORTS),
      reports: memberRows(snapshot, campaign.members, MAX_DETAIL_REPORTS),
    };
  });
}

function campaignIndex(ctx: ApiContext) {
  if (!ctx.campaigns) throw new Error('the service was built without a campaign index');
  return ctx.campaigns;
}

/** The campaign block of a report's page: how many others share it, which, and what tied them. */
export async function reportCampaign(ctx: ApiContext, reportId: string) {
  const snapshot = await campaignIndex(ctx).current();
  const campaign = snapshot.campaignOf(reportId);
  if (!campaign) return null;
  const others = campaign.members.filter((m) => m !== reportId);
  return {
    ...campaignView(campaign, REPORT_PAGE_OTHERS + 1),
    others: others.length,
    otherReports: memberRows(snapshot, others, REPORT_PAGE_OTHERS),
  };
}

function campaignView(c: Campaign, maxMembers: number) {
  return {
    id: c.id,
    size: c.members.length,
    members: c.members.slice(0, maxMembers),
    reporters: c.reporters,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    verdict: c.verdict,
    subjects: c.subjects,
    senders: c.senders,
    sharedIocs: c.sharedIocs.map((i) => ({ ...i, defanged: defang(i.type, i.value) })),
    ties: c.ties.map((t) => ({ ...t, defanged: defangTie(t.key) })),
    query: c.query,
  };
}

/** Newest first: the reports an analyst most likely wants next. */
function memberRows(snapshot: CampaignSnapshot, ids: readonly string[], max: number) {
  return ids
    .map((id) => snapshot.member(id))
    .filter((f) => f !== undefined)
    .sort((a, b) => b.receivedAt - a.receivedAt || b.id.localeCompare(a.id))
    .slice(0, max)
    .map((f) => ({
      id: f.id,
      subject: f.subject ?? null,
      sender: f.sender ?? null,
      senderDefanged: f.sender ? defang('email', f.sender) : null,
      verdict: f.verdict,
      score: f.score,
      receivedAt: new Date(f.receivedAt).toISOString(),
      reporters: f.reporters,
    }));
}

/** A tie key ("url:http://…", "link-domain:…", "sender+subject:a@b subject") as people should see it. */
export function defangTie(key: string): string {
  const colon = key.indexOf(':');
  if (colon < 0) return key;
  const kind = key.slice(0, colon);
  const value = key.slice(colon + 1);
  switch (kind) {
    case 'url':
      return `${kind}:${defang('url', value)}`;
    case 'link-domain':
      return `${kind}:${defang('domain', value)}`;
    case 'sending-ip':
      return `${kind}:${defang('ip', value)}`;
    case 'message-id':
      return `${kind}:${defang('email', value)}`;
    case 'sender+subject': {
      const space = value.indexOf(' ');
      const sender = space < 0 ? value : value.slice(0, space);
      return `${kind}:${defang('email', sender)}${space < 0 ? '' : value.slice(space)}`;
    }
    default:
      return key;
  }
}
