// The dead-letter view: analysis jobs the shared queue gave up on after their retries, with the report each
// belongs to, and a way for an analyst to give one another run. The in-process queue has none.

import type { FastifyInstance } from 'fastify';
import { allow, type ApiContext } from './context.ts';

export function registerDeadLetterRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/jobs/dead', async (request, reply) => {
    if (!allow(request, reply, 'analyst')) return reply;
    const limit = Math.min(Math.max(Number((request.query as { limit?: string }).limit ?? 100) || 100, 1), 1000);
    const dead = (await ctx.queue.deadJobs?.(limit)) ?? [];
    const jobs = [];
    for (const job of dead) {
      const report = await ctx.store.getReport(job.reportId);
      jobs.push({ ...job, status: report?.status ?? null, subject: report?.subject ?? null, reportError: report?.error ?? null });
    }
    return { retries: ctx.queue.deadJobs !== undefined, jobs };
  });

  app.post('/api/jobs/dead/:id/retry', async (request, reply) => {
    if (!allow(request, reply, 'analyst')) return reply;
    const { id } = request.params as { id: string };
    if (!ctx.queue.retryDead) return reply.code(404).send({ error: 'this queue keeps no dead jobs' });
    // a dead job's report was failed: queue it again first, so the retried job can claim it
    await ctx.store.reanalyse(id);
    if (!(await ctx.queue.retryDead(id))) return reply.code(404).send({ error: `no dead job for report ${id}` });
    return reply.code(202).send({ id, status: 'queued' });
  });
}
