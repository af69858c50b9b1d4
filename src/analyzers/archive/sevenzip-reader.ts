// 7z (also with encrypted headers), RAR, ISO/IMG, UDF, VHD/VHDX and CAB through 7-Zip compiled to
// WebAssembly, run in a worker thread with an in-memory file system. Sizes are checked from the listing
// before anything is unpacked; the worker is terminated when the analysis time runs out.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { declaresBomb, RATIO_FLOOR_BYTES, type ArchiveHandle, type ArchiveListing, type Extraction, type ExtractBudget, type MemberEntry } from './types.ts';

const WORKER = new URL('./sevenzip-worker.mjs', import.meta.url);
const WASM_PATH = join(dirname(createRequire(import.meta.url).resolve('7z-wasm')), '7zz.wasm');

let compiled: Promise<WebAssembly.Module | undefined> | undefined;

/** 7-Zip compiled once per process and handed to every worker (a compiled module crosses threads). */
function sevenZipModule(): Promise<WebAssembly.Module | undefined> {
  compiled ??= readFile(WASM_PATH)
    .then((bytes) => WebAssembly.compile(bytes))
    .catch(() => undefined); // the worker then loads 7-Zip its own way
  return compiled;
}

/** 7-Zip asks for a password on the terminal when none is given; a placeholder keeps it from waiting. */
const NO_PASSWORD = '-ptacklebox-no-password';
/** Worker heap cap: 7-Zip's own memory is WebAssembly (max 2 GiB); this bounds the JavaScript side. */
const WORKER_HEAP_MB = 512;

interface RunResult {
  code: number;
  lines: string[];
}

interface WorkerAnswer {
  results: RunResult[];
  files: { path: string; data: Uint8Array }[];
  /** The first write the worker refused because of a cap. */
  capped?: { path: string; limit: 'maxMemberBytes' | 'maxArchiveBytes' };
}

export interface RunOptions {
  stopOnSuccess?: boolean;
  collect?: boolean;
  /** Caps on what 7-Zip may write, enforced inside the worker on every write. */
  maxFileBytes?: number;
  maxOutputBytes?: number;
}

export async function runSevenZip(data: Uint8Array, ext: string, runs: string[][], options: RunOptions, signal: AbortSignal): Promise<WorkerAnswer> {
  const wasmModule = await sevenZipModule();
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const worker = new Worker(WORKER, {
      workerData: { data, ext, runs, stopOnSuccess: options.stopOnSuccess ?? false, collect: options.collect ?? false, wasmModule, maxFileBytes: options.maxFileBytes, maxOutputBytes: options.maxOutputBytes },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      execArgv: [],
    });
    const stop = () => void worker.terminate();
    signal.addEventListener('abort', stop, { once: true });
    let answered = false;
    worker.once('message', (answer: WorkerAnswer) => {
      answered = true;
      resolve(answer);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      signal.removeEventListener('abort', stop);
      if (!answered) reject(signal.aborted ? signal.reason : new Error(`the unpacker exited (${code}) without an answer`));
    });
  });
}

/** Parses `7zz l -slt`: a block about the archive, a dashed line, then one block per member. */
export function parseListing(lines: string[]): { type?: string; members: MemberEntry[] } {
  const text = lines.join('\n');
  const dash = text.indexOf('\n----------\n');
  const head = dash >= 0 ? text.slice(0, dash) : text;
  const type = /^Type = (.*)$/m.exec(head)?.[1]?.trim();
  if (dash < 0) return { type, members: [] };
  const members: MemberEntry[] = [];
  for (const block of text.slice(dash + 12).split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const eq = line.indexOf(' = ');
      if (eq > 0) fields.set(line.slice(0, eq), line.slice(eq + 3));
    }
    const path = fields.get('Path');
    if (path === undefined) continue;
    const num = (key: string) => {
      const v = fields.get(key);
      return v && /^\d+$/.test(v) ? Number(v) : undefined;
    };
    members.push({
      name: path,
      size: num('Size'),
      packed: num('Packed Size'),
      encrypted: fields.get('Encrypted') === '+',
      directory: fields.get('Folder') === '+' || (fields.get('Attributes') ?? '').startsWith('D'),
    });
  }
  return { type, members };
}

const WRONG_PASSWORD = /wrong password|cannot open encrypted archive/i;
const AES_CODER = Buffer.from([0x06, 0xf1, 0x07, 0x01]);

/**
 * True when a 7z file's header is itself encrypted (7z -mhe): the start header points to an "encoded header"
 * (property id 0x17) whose coder is 7zAES. Read from the structure, because 7-Zip's WebAssembly build stops
 * with an uncaught exception instead of a message when it cannot decrypt a header.
 */
export function sevenZipHeaderEncrypted(data: Uint8Array): boolean {
  if (data.length < 32) return false;
  const view = Buffer.from(data.buffer, data.byteOffset, data.length);
  const offset = Number(view.readBigUInt64LE(12));
  const size = Number(view.readBigUInt64LE(20));
  const start = 32 + offset;
  if (!Number.isSafeInteger(start) || size <= 0 || start + size > data.length) return false;
  return view[start] === 0x17 && view.subarray(start, start + Math.min(size, 4096)).includes(AES_CODER);
}

/** Opens an archive with 7-Zip, or undefined when 7-Zip does not recognise it. */
export async function openSevenZip(data: Uint8Array, kind: string, signal: AbortSignal): Promise<ArchiveHandle | undefined> {
  const ext = kind === 'udf' ? 'iso' : kind;
  const list = (password: string) => ['l', '-slt', password, '{archive}'];
  const first = (await runSevenZip(data, ext, [list(NO_PASSWORD)], {}, signal)).results[0]!;
  const namesEncrypted = first.code !== 0 && (first.lines.some((l) => WRONG_PASSWORD.test(l)) || (kind === '7z' && sevenZipHeaderEncrypted(data)));
  if (first.code !== 0 && !namesEncrypted) return undefined;
  const parsed = parseListing(first.lines);
  const listing: ArchiveListing = {
    format: parsed.type?.toLowerCase() ?? kind,
    members: parsed.members,
    encrypted: namesEncrypted || parsed.members.some((m) => m.encrypted),
    namesEncrypted,
  };
  const probe = parsed.members.filter((m) => m.encrypted && !m.directory).sort((a, b) => (a.size ?? 0) - (b.size ?? 0))[0];

  return {
    listing,
    async findPassword(candidates, sig) {
      if (candidates.length === 0 || (!listing.namesEncrypted && !probe)) return undefined;
      // One worker tries the candidates in turn and stops at the first that works.
      // Encrypted header: listing it checks the header's CRC, which proves the password and reveals the names.
      // Otherwise `t` unpacks the smallest encrypted member in memory and checks its CRC, writing nothing.
      const runs = candidates.map((p) => (listing.namesEncrypted ? list(`-p${p}`) : ['t', `-p${p}`, '-spd', '{archive}', probe!.name]));
      const { results } = await runSevenZip(data, ext, runs, { stopOnSuccess: true }, sig);
      const hit = results.findIndex((r) => r.code === 0);
      if (hit < 0) return undefined;
      if (listing.namesEncrypted) {
        const reread = parseListing(results[hit]!.lines);
        listing.members = reread.members;
        listing.format = reread.type?.toLowerCase() ?? listing.format;
      }
      return candidates[hit];
    },
    async extract(password, budget) {
      return extract(data, ext, listing, password, budget);
    },
  };
}

async function extract(data: Uint8Array, ext: string, listing: ArchiveListing, password: string | undefined, budget: ExtractBudget): Promise<Extraction> {
  const out: Extraction = { members: [], limits: [], bombs: [], failures: [] };
  const files = listing.members.filter((m) => !m.directory);
  // The listing's sizes decide what is unpacked at all: 7-Zip's decoders stop at the declared size.
  const ratioBudget = Math.max(data.length * budget.maxCompressionRatio, RATIO_FLOOR_BYTES);
  const chosen: MemberEntry[] = [];
  let total = 0;
  for (const [index, m] of files.entries()) {
    if (index >= budget.maxMembers) {
      out.limits.push({ limit: 'maxArchiveMembers', detail: `read ${budget.maxMembers} of ${files.length} members` });
      break;
    }
    const size = m.size ?? 0;
    if (size > budget.maxMemberBytes) {
      out.limits.push({ limit: 'maxMemberBytes', detail: `"${m.name}" declares ${size} bytes; not unpacked` });
      if (declaresBomb(m.size, m.packed, budget)) out.bombs.push(`"${m.name}": ${size} bytes from ${m.packed} packed`);
      continue;
    }
    if (total + size > budget.maxArchiveBytes) {
      out.limits.push({ limit: 'maxArchiveBytes', detail: `stopped at ${total} bytes; ${files.length - index} members not unpacked` });
      break;
    }
    if (total + size > ratioBudget) {
      const detail = `members unpack to more than ${budget.maxCompressionRatio}× the ${data.length}-byte archive; stopped at "${m.name}"`;
      out.limits.push({ limit: 'maxCompressionRatio', detail });
      out.bombs.push(detail);
      break;
    }
    total += size;
    chosen.push(m);
  }
  if (chosen.length === 0) return out;
  const names = chosen.length === files.length ? [] : chosen.map((m) => m.name);
  const args = ['x', '-y', password === undefined ? NO_PASSWORD : `-p${password}`, '-spd', '-o/out', '{archive}', ...names];
  // The declared sizes decided what to unpack; the worker enforces the caps on what is really written, in
  // case the headers lie.
  const answer = await runSevenZip(data, ext, [args], { collect: true, maxFileBytes: budget.maxMemberBytes, maxOutputBytes: Math.min(budget.maxArchiveBytes, ratioBudget) }, budget.signal);
  const result = answer.results[0]!;
  if (answer.capped) {
    const detail = `"${answer.capped.path}" unpacked past its declared size; writing stopped at the ${answer.capped.limit} cap`;
    out.limits.push({ limit: answer.capped.limit, detail });
    out.bombs.push(detail);
  }
  if (result.code !== 0 && !answer.capped) {
    for (const line of result.lines.filter((l) => /^ERROR|error/i.test(l)).slice(0, 20)) out.failures.push(line.trim());
  }
  for (const file of answer.files) {
    if (file.data.length > budget.maxMemberBytes) {
      out.limits.push({ limit: 'maxMemberBytes', detail: `"${file.path}" unpacked to ${file.data.length} bytes; kept the first ${budget.maxMemberBytes}` });
      out.members.push({ name: file.path, data: file.data.subarray(0, budget.maxMemberBytes), truncatedBy: 'maxMemberBytes' });
    } else {
      out.members.push({ name: file.path, data: file.data });
    }
  }
  return out;
}
