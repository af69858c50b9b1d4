// Reports per second through the service's API to `done` (embedded defaults: SQLite, worker processes, one per
// core), against a baseline measured in the same run: the same emails through analyze() in this process,
// one after another. The ratio shows what the service's durability and process hops cost, and what its
// parallel workers win back.
//
//   npx tsx bench/service.ts [COUNT]        (default 200 distinct reports)

import { mkdtemp, rm } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../src/analyze.ts';
import { defaultConfig } from '../src/config.ts';
import { createUser } from '../src/service/auth.ts';
import { startService } from '../src/service/service.ts';
import { openServices } from '../src/services.ts';
import { invoiceNotice, newsletter, qakbotLure, reportWrapper } from '../test/generators/email.ts';

const count = Number(process.argv[2] ?? 200);

/** A realistic mix: lures (some forwarded by employees), legitimate notices and newsletters, each distinct. */
function emails(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `<bench-${i}-${Date.now()}@example.org>`;
    const kind = i % 4;
    if (kind === 0) out.push(qakbotLure({ messageId: id, subject: `RE: Invoice #${4000 + i} past due`, password: `Inv${4000 + i}` }));
    else if (kind === 1) out.push(reportWrapper(qakbotLure({ messageId: id, subject: `Payment ${i} overdue` })));
    else if (kind === 2) out.push(invoiceNotice().replace(/^Message-ID: .*$/m, `Message-ID: ${id}`));
    else out.push(newsletter(20).replace(/^Message-ID: .*$/m, `Message-ID: ${id}`));
  }
  return out;
}

async function baseline(mails: string[]): Promise<number> {
  const config = defaultConfig();
  const { services, close } = await openServices(config);
  await analyze({ name: 'warmup.eml', data: Buffer.from(emails(1)[0]!) }, config, services);
  const started = performance.now();
  for (const [i, m] of mails.entries()) await analyze({ name: `r${i}.eml`, data: Buffer.from(m) }, config, services);
  const seconds = (performance.now() - started) / 1000;
  await close();
  return mails.length / seconds;
}

async function throughService(mails: string[]): Promise<{ rps: number; acceptMs: number; loopMaxMs: number; loopP99Ms: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tacklebox-bench-'));
  const service = await startService({ dataDir, config: defaultConfig() });
  try {
    const { token } = await createUser(service.store, 'bench', 'reporter', null);
    const post = (raw: string) =>
      fetch(`${service.url}/api/reports`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'message/rfc822' }, body: raw });
    // Warm-up: start every worker process before the clock runs.
    const warm = emails(availableParallelism()).map((m) => m.replace(/bench-/g, 'warm-'));
    await Promise.all(warm.map(post));
    await until(service, warm.length);

    // The API's event loop must stay free while reports are parsed and analysed elsewhere.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    const replies = await Promise.all(mails.map(post));
    const acceptMs = performance.now() - started;
    if (replies.some((r) => r.status !== 202)) throw new Error('a report was not accepted');
    await until(service, warm.length + mails.length);
    const rps = mails.length / ((performance.now() - started) / 1000);
    loop.disable();
    return { rps, acceptMs, loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6 };
  } finally {
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function until(service: Awaited<ReturnType<typeof startService>>, done: number): Promise<void> {
  for (;;) {
    const counts = await service.store.countByStatus();
    if (counts.done + counts.failed >= done) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const mails = emails(count);
console.log(`${count} distinct reports, ${availableParallelism()} cores`);
const inProcess = await baseline(mails);
console.log(`baseline  analyze() in-process, sequential: ${inProcess.toFixed(1)} reports/s`);
const service = await throughService(mails);
console.log(`service   API → store → worker pool → done:  ${service.rps.toFixed(1)} reports/s (all ${count} accepted in ${service.acceptMs.toFixed(0)} ms)`);
console.log(`ratio     service / baseline: ${(service.rps / inProcess).toFixed(2)}`);
console.log(`API event-loop delay during the run: p99 ${service.loopP99Ms.toFixed(1)} ms, max ${service.loopMaxMs.toFixed(1)} ms (this process also runs the bench client)`);
