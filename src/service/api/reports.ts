// The reports API: submit (raw email, Outlook .msg or multipart upload), list, read, download the raw sample
// as a password-protected ZIP, show the reported email for the sandboxed frame, and the analyst's decision.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasRole, type Caller } from '../auth.ts';
import { emailDocument } from '../email-document.ts';
import { protectedZip } from '../raw-zip.ts';
import { REPORT_STATUSES, type ReportStatus, type StoredReport } from '../store/types.ts';
import { defang } from '../../intel/defang.ts';
import type { Verdict } from '../../verdict/verdict.ts';
import { reportCampaign } from './campaigns.ts';
import { allow, type ApiContext } from './context.ts';

const VERDICTS: readonly Verdict[] = ['malicious', 'suspicious', 'benign'];
const RAW_TYPES = ['message/rfc822', 'application/vnd.ms-outlook', 'application/octet-stream'];

export function registerReportRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post('/api/reports', async (request, reply) => {
    const caller = allow(request, reply, 'reporter');
    if (!caller) return reply;
    const reporter = {
      name: caller.user.name,
      email: caller.user.email,
      userId: caller.user.id,
      via: caller.via === 'session' ? ('upload' as const) : ('api' as const),
    };
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const results: { id: string; created: boolean; name?: string }[] = [];
    if (request.isMultipart()) {
      for await (const part of request.files()) {
        const data = await part.toBuffer();
        if (data.length === 0) continue;
        const r = await ctx.intake.submit({ data, name: part.filename, contentType: part.mimetype, reporter });
        results.push({ ...r, name: part.filename });
      }
    } else if (RAW_TYPES.includes(type)) {
      const data = request.body as Buffer | undefined;
      if (data && data.length > 0) {
        const name = typeof request.headers['x-filename'] === 'string' ? request.headers['x-filename'] : undefined;
        results.push(await ctx.intake.submit({ data, name, contentType: type === 'application/octet-stream' ? undefined : type, reporter }));
      }
    } else {
      return reply.code(415).send({ error: 'send the email as message/rfc822, an Outlook .msg as application/vnd.ms-outlook, or a multipart upload' });
    }
    if (results.length === 0) return reply.code(400).send({ error: 'the report is empty' });
    const first = results[0]!;
    return reply.code(202).send({
      id: first.id,
      duplicate: !first.created,
      ...(results.length > 1 ? { reports: results.map((r) => ({ id: r.id, duplicate: !r.created, name: r.name })) } : {}),
    });
  });

  app.get('/api/reports', async (request, reply) => {
    const caller = allow(request, reply, 'reporter');
    if (!caller) return reply;
    const q = request.query as Record<string, string | undefined>;
    if (q.status && !REPORT_STATUSES.includes(q.status as ReportStatus)) {
      return reply.code(400).send({ error: `status: one of ${REPORT_STATUSES.join(', ')}` });
    }
    if (q.verdict && !VERDICTS.includes(q.verdict as Verdict)) return reply.code(400).send({ error: `verdict: one of ${VERDICTS.join(', ')}` });
    const reports = await ctx.store.listReports({
      status: (q.status as ReportStatus) || undefined,
      verdict: (q.verdict as Verdict) || undefined,
      reportedBy: hasRole(caller.user, 'analyst') ? undefined : caller.user.id,
      limit: q.limit ? Number(q.limit) || undefined : undefined,
      offset: q.offset ? Number(q.offset) || undefined : undefined,
    });
    return { reports: reports.map((r) => ({ ...r, identity: undefined, reporters: visibleReporters(r.reporters, caller) })) };
  });

  app.get('/api/stats', async (request, reply) => {
    if (!allow(request, reply, 'analyst')) return reply;
    return { reports: await ctx.store.countByStatus(), queue: await ctx.queue.depth() };
  });

  app.get('/api/reports/:id', async (request, reply) => {
    const found = await readable(request, reply, ctx, 'reporter');
    if (!found) return reply;
    const { caller, report: r } = found;
    return {
      id: r.id,
      status: r.status,
      report: r.report,
      reporters: visibleReporters(r.reporters, caller),
      subject: r.subject,
      verdict: r.verdict,
      score: r.score,
      error: r.error,
      decision: r.decision,
      preview: r.preview,
      /** The IOCs as people should see them: defanged, never a live link. */
      iocsDefanged: (r.report?.iocs ?? []).map((i) => ({ ...i, defanged: defang(i.type, i.value) })),
      sample: { name: r.sample.name, sha256: r.sample.sha256, size: r.sample.size, contentType: r.sample.contentType },
      attempts: r.attempts,
      reportsAhead: r.status === 'queued' ? await ctx.store.reportsAhead(r.id) : 0,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      // The campaign names other people's reports: analysts only (null until the report is finished).
      campaign: hasRole(caller.user, 'analyst') ? (r.status === 'done' ? await reportCampaign(ctx, r.id) : null) : undefined,
    };
  });

  app.get('/api/reports/:id/raw', async (request, reply) => {
    const found = await readable(request, reply, ctx, 'analyst');
    if (!found) return reply;
    const { report } = found;
    const data = await ctx.samples.read(report.sample.sha256);
    const zip = await protectedZip(report.sample.name, data);
    return reply
      .header('Content-Type', 'application/zip')
      .header('Content-Disposition', `attachment; filename="${report.id}.zip"`)
      .send(Buffer.from(zip));
  });

  app.get('/api/reports/:id/email', async (request, reply) => {
    const found = await readable(request, reply, ctx, 'reporter');
    if (!found) return reply;
    // The reported mail's own document: nothing may run, load or navigate, and only this site may frame it.
    return reply
      .header('Content-Type', 'text/html; charset=utf-8')
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox")
      .header('X-Frame-Options', 'SAMEORIGIN')
      .send(emailDocument(found.report.preview));
  });

  // Replayable verdicts: the stored raw bytes run again through today's analyzers and configuration.
  app.post('/api/reports/:id/reanalyse', async (request, reply) => {
    const found = await readable(request, reply, ctx, 'analyst');
    if (!found) return reply;
    if (!(await ctx.store.reanalyse(found.report.id))) return reply.code(409).send({ error: `report ${found.report.id} is still ${found.report.status}` });
    await ctx.queue.enqueue({ reportId: found.report.id });
    return reply.code(202).send({ id: found.report.id, status: 'queued' });
  });

  app.post('/api/reports/:id/decision', async (request, reply) => {
    const found = await readable(request, reply, ctx, 'analyst');
    if (!found) return reply;
    const body = (request.body ?? {}) as { verdict?: unknown; note?: unknown; final?: unknown };
    if (!VERDICTS.includes(body.verdict as Verdict)) return reply.code(400).send({ error: `verdict: one of ${VERDICTS.join(', ')}` });
    if (body.note !== undefined && typeof body.note !== 'string') return reply.code(400).send({ error: 'note must be text' });
    const decision = {
      verdict: body.verdict as Verdict,
      note: ((body.note as string | undefined) ?? '').slice(0, 10_000),
      final: body.final !== false,
      analyst: found.caller.user.name,
      decidedAt: new Date().toISOString(),
    };
    await ctx.store.decide(found.report.id, decision);
    let feedbackQueued = 0;
    if (decision.final) {
      feedbackQueued = await ctx.store.queueFeedback(found.report.id);
      ctx.feedback?.kick();
    }
    return { decision, feedbackQueued };
  });
}

/** A report the caller may see: analysts see all, reporters those they reported (others are "not found"). */
async function readable(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: ApiContext,
  role: 'reporter' | 'analyst',
): Promise<{ caller: Caller; report: StoredReport } | null> {
  const caller = allow(request, reply, role);
  if (!caller) return null;
  const { id } = request.params as { id: string };
  const report = await ctx.store.getReport(id);
  const mine = report && (hasRole(caller.user, 'analyst') || report.reporters.some((r) => r.userId === caller.user.id));
  if (!report || !mine) {
    void reply.code(404).send({ error: `no report ${id}` });
    return null;
  }
  return { caller, report };
}

/** Analysts see every reporter; a reporter sees only their own entry. */
function visibleReporters(reporters: StoredReport['reporters'], caller: Caller) {
  return hasRole(caller.user, 'analyst') ? reporters : reporters.filter((r) => r.userId === caller.user.id);
}
