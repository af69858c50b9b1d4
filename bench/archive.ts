// Containers and downloads speed, each against a baseline measured in the same run:
//   ZIP member unpack (zip.js through the capped sink) vs node's native zlib inflating the same deflate stream;
//   password search (ZipCrypto, CRC-confirmed) in tries per second vs one plain open of the same ZIP;
//   7-Zip listing in a worker thread vs the same listing in the main thread (the worker's price);
//   the safe downloader (resolve, check, pinned connect, caps) vs node's built-in fetch of the same URL.
// Run: npx tsx bench/archive.ts
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import SevenZipImport, { type SevenZipModuleFactory } from '7z-wasm';
import { archiveAnalyzer } from '../src/analyzers/archive/index.ts';
import { openSevenZip } from '../src/analyzers/archive/sevenzip-reader.ts';
import { defaultConfig } from '../src/config.ts';
import type { AnalysisContext, Artifact, PasswordCandidate } from '../src/engine/types.ts';
import { createFetcher } from '../src/fetch/service.ts';
import { make7z } from '../test/generators/archive.ts';
import { startPayloadServer } from '../test/generators/payload-server.ts';
import { makeZip } from '../test/generators/zip.ts';
import { analysisContext } from '../test/generators/context.ts';

const SevenZip = SevenZipImport as unknown as SevenZipModuleFactory;
const config = defaultConfig();

function ctxWith(candidates: PasswordCandidate[]): AnalysisContext {
  return analysisContext({ config, passwords: candidates });
}

function artifact(kind: string, data: Uint8Array, name: string): Artifact {
  return { id: 'a2', parent: 'a1', relation: 'attachment', kind, name, sha256: '', size: data.length, depth: 1, data, meta: {} };
}

async function time(runs: number, fn: () => unknown): Promise<number> {
  await fn(); // warm-up
  const started = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - started) / runs;
}

function textLike(bytes: number): Uint8Array {
  const words = ['invoice', 'payment', 'account', 'the', 'of', 'and', 'report', 'due', '4411', 'EUR'];
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const w = words[(i * 7919) % words.length]!;
    out.push(w);
    size += w.length + 1;
  }
  return new TextEncoder().encode(out.join(' ').slice(0, bytes));
}

const line = (label: string, ms: number, baseMs: number, extra = '') =>
  console.log(`${label.padEnd(44)} ${ms.toFixed(2).padStart(9)} ms   baseline ${baseMs.toFixed(2).padStart(8)} ms   ratio ${(ms / baseMs).toFixed(2)}×${extra}`);

// 1. Unpacking a 16 MiB member.
const member = textLike(16 * 1024 * 1024);
const zip = await makeZip([{ name: 'big.txt', data: member }]);
// The baseline inflates a deflate stream of the same member (zip.js streams its sizes in a data descriptor,
// so the ZIP's own stream is not at a fixed place).
const deflated = deflateRawSync(member);
const unpackMs = await time(5, () => archiveAnalyzer.analyze(artifact('zip', zip, 'big.zip'), ctxWith([])));
const inflateMs = await time(5, () => inflateRawSync(deflated));
line('ZIP unpack, 16 MiB member', unpackMs, inflateMs, `   (${((member.length / 1024 / 1024) / (unpackMs / 1000)).toFixed(0)} MiB/s)`);

// 2. Password search: 199 wrong candidates, then the right one.
const locked = await makeZip([{ name: 'Invoice_4411.js', data: 'var s = new ActiveXObject("WScript.Shell");'.repeat(50) }], { password: 'Inv4411' });
const plain = await makeZip([{ name: 'Invoice_4411.js', data: 'var s = new ActiveXObject("WScript.Shell");'.repeat(50) }]);
const candidates = [...Array.from({ length: 199 }, (_, i) => ({ value: `guess${i}`, source: 'email body word', stated: false })), { value: 'Inv4411', source: 'email body', stated: true }];
const searchMs = await time(5, () => archiveAnalyzer.analyze(artifact('zip', locked, 'a.zip'), ctxWith(candidates)));
const openMs = await time(5, () => archiveAnalyzer.analyze(artifact('zip', plain, 'a.zip'), ctxWith([])));
line('ZipCrypto search, 200 candidates', searchMs, openMs, `   (${(200 / (searchMs / 1000)).toFixed(0)} tries/s)`);

// 3. 7-Zip in a worker vs in the main thread.
const sevenZ = await make7z([{ name: 'a.txt', data: 'hello' }, { name: 'b.js', data: 'WScript.Echo(1)' }]);
const signal = new AbortController().signal;
const workerMs = await time(10, () => openSevenZip(sevenZ, '7z', signal));
const inThreadMs = await time(10, async () => {
  const m = await SevenZip({ print: () => {}, printErr: () => {} });
  m.FS.mkdir('/in');
  m.FS.writeFile('/in/a.7z', sevenZ);
  m.callMain(['l', '-slt', '-px', '/in/a.7z']);
});
line('7-Zip listing in a worker thread', workerMs, inThreadMs);

// 4. The safe downloader vs node's fetch, 8 MiB from 127.0.0.1.
const body = textLike(8 * 1024 * 1024);
const server = await startPayloadServer({ '/payload.bin': { body } });
const fetchConfig = defaultConfig();
fetchConfig.fetch = { ...fetchConfig.fetch, mode: 'live', allowHosts: ['127.0.0.1'] };
const fetcher = createFetcher(fetchConfig);
const safeMs = await time(10, async () => {
  const r = await fetcher.fetch(server.url('/payload.bin'));
  if (!r.ok || r.body.length !== body.length) throw new Error('download failed');
});
const nativeMs = await time(10, async () => {
  const r = await fetch(server.url('/payload.bin'));
  await r.arrayBuffer();
});
line('safe download, 8 MiB', safeMs, nativeMs);
await server.close();
