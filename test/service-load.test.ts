// 200 reports submitted at once, a quarter of them repeats of others (the same original from another
// employee, wrapped or bare): every one is accepted, every analysis ends done, repeats are merged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, reportWrapper, rfc822, startTestService, submitWave, waitFor } from './helpers/service.ts';

test('200 concurrent reports: all accepted, all done, nothing lost, duplicates merged', { timeout: 120_000 }, async () => {
  const svc = await startTestService();
  try {
    const analyst = await svc.addUser('sam', 'analyst');
    const reporters = await Promise.all(Array.from({ length: 5 }, (_, i) => svc.addUser(`emp${i}`, 'reporter', `emp${i}@corp.example`)));
    const originals = Array.from({ length: 150 }, (_, i) =>
      rfc822({ from: `Billing <billing${i % 7}@pay-portal.example>`, subject: `Invoice ${1000 + i} overdue`, messageId: `<load-${i}@pay-portal.example>`, text: `Pay invoice ${1000 + i} today: https://pay-portal.example/i/${i}` }),
    );
    // 50 repeats of originals 0..49, reported by someone else, half of them inside a report wrapper.
    const submissions = [
      ...originals.map((raw, i) => ({ token: reporters[i % 5]!, raw, original: i })),
      ...originals.slice(0, 50).map((raw, i) => ({ token: reporters[(i + 1) % 5]!, raw: i % 2 ? reportWrapper(`emp${(i + 1) % 5} <emp${(i + 1) % 5}@corp.example>`, raw) : raw, original: i })),
    ];
    const idOf = await submitWave(svc.url, submissions);
    assert.equal(idOf.size, 150);

    for (const id of idOf.values()) {
      const r = await waitFor(svc.url, analyst, id, ['done', 'failed'], 100_000);
      assert.equal(r.json.status, 'done', `${id}: ${r.json.error}`);
    }
    const merged = await call(svc.url, 'GET', `/api/reports/${idOf.get(3)}`, { token: analyst });
    assert.deepEqual(merged.json.reporters.map((r: { name: string }) => r.name).sort(), ['emp3', 'emp4']);
    assert.equal(merged.json.attempts, 1);
    const stats = await call(svc.url, 'GET', '/api/stats', { token: analyst });
    assert.deepEqual(stats.json.reports, { queued: 0, analyzing: 0, done: 150, failed: 0 });
  } finally {
    await svc.stop();
  }
});
