// ZIP through zip.js: ZipCrypto and AES, streamed into a capped sink so no member is ever unpacked whole
// before its size is known to be acceptable.

import { configure, ZipReader, Uint8ArrayReader, type Entry, type FileEntry } from '@zip.js/zip.js';
import { CappedSink, CapReached } from './capped-sink.ts';
import { passesCheckByte, zipCryptoHeader } from './zipcrypto.ts';
import { declaresBomb, memberCap, RATIO_FLOOR_BYTES, type ArchiveHandle, type ArchiveListing, type Extraction, type ExtractBudget } from './types.ts';

// No web workers (they would outlive the analysis); native streams when the runtime has them.
configure({ useWebWorkers: false });

/** Compression methods zip.js unpacks: stored and deflate (AES-wrapped entries report their inner method). */
const SUPPORTED_METHODS = new Set([0, 8]);

const isFile = (e: Entry): e is FileEntry => !e.directory;

/** Opens a ZIP, or returns undefined when zip.js cannot unpack it (another reader may). */
export async function openZip(data: Uint8Array): Promise<ArchiveHandle | undefined> {
  const reader = new ZipReader(new Uint8ArrayReader(data), { useWebWorkers: false });
  let entries: Entry[];
  try {
    entries = await reader.getEntries();
  } catch {
    return undefined;
  }
  const files = entries.filter(isFile);
  if (files.some((e) => !SUPPORTED_METHODS.has(e.compressionMethod))) return undefined;
  const listing: ArchiveListing = {
    format: 'zip',
    members: entries.map((e) => ({ name: e.filename, size: e.uncompressedSize, packed: e.compressedSize, encrypted: e.encrypted, directory: e.directory })),
    encrypted: entries.some((e) => e.encrypted),
    namesEncrypted: false,
  };
  // The smallest encrypted member is the cheapest full decrypt that proves a password, but not an empty one:
  // the CRC of nothing is 0 whatever the password, so it would prove nothing.
  const encrypted = files.filter((e) => e.encrypted).sort((a, b) => a.compressedSize - b.compressedSize);
  const probe = encrypted.find((e) => e.uncompressedSize > 0) ?? encrypted[0];

  return {
    listing,
    async findPassword(candidates, signal) {
      if (!probe) return undefined;
      const quick = probe.zipCrypto ? zipCryptoHeader(data, probe.offset) : undefined;
      for (const password of candidates) {
        if (signal.aborted) return undefined;
        if (quick && !passesCheckByte(password, quick)) continue;
        if ((await unpack(probe, password, Number.MAX_SAFE_INTEGER, signal)).ok) return password;
      }
      return undefined;
    },
    async extract(password, budget) {
      return extractAll(files, password, budget, data.length);
    },
  };
}

type Unpacked = { ok: true; sink: CappedSink } | { ok: false; capped: boolean; sink: CappedSink; error: string };

async function unpack(entry: FileEntry, password: string | undefined, cap: number, signal: AbortSignal): Promise<Unpacked> {
  const sink = new CappedSink(cap);
  try {
    // checkSignature: compare the CRC-32 of the unpacked bytes. ZipCrypto's one-byte password check lets about
    // one wrong password in 256 through; only the CRC over the whole member tells a wrong one from the right one.
    await entry.getData(sink.writable, { password: entry.encrypted ? password : undefined, checkSignature: true, signal, useWebWorkers: false });
    return { ok: true, sink };
  } catch (err) {
    const capped = err instanceof CapReached || sink.reached;
    return { ok: false, capped, sink, error: (err as Error).message };
  }
}

/**
 * Entries whose data ranges overlap another's: many directory entries pointing at one compressed kernel is how
 * overlapping-file ZIP bombs reach huge sizes without a high per-member ratio. Each range is unpacked once.
 */
function overlapping(files: readonly FileEntry[]): Set<FileEntry> {
  const sorted = [...files].sort((a, b) => a.offset - b.offset);
  const repeats = new Set<FileEntry>();
  let end = -1;
  for (const e of sorted) {
    if (e.offset < end) repeats.add(e);
    end = Math.max(end, e.offset + 30 + e.compressedSize);
  }
  return repeats;
}

async function extractAll(files: FileEntry[], password: string | undefined, budget: ExtractBudget, archiveBytes: number): Promise<Extraction> {
  const out: Extraction = { members: [], limits: [], bombs: [], failures: [] };
  const repeats = overlapping(files);
  if (repeats.size > 0) {
    out.bombs.push(`${repeats.size} of ${files.length} directory entries overlap the data of another entry (an overlapping-file ZIP bomb); each range unpacked once`);
  }
  // The whole archive, not just each member, may unpack to at most the ratio times its own size.
  const ratioBudget = Math.max(archiveBytes * budget.maxCompressionRatio, RATIO_FLOOR_BYTES);
  let total = 0;
  for (const [index, entry] of files.entries()) {
    if (budget.signal.aborted) break;
    if (index >= budget.maxMembers) {
      out.limits.push({ limit: 'maxArchiveMembers', detail: `read ${budget.maxMembers} of ${files.length} members` });
      break;
    }
    if (repeats.has(entry)) continue;
    const left = Math.min(budget.maxArchiveBytes, ratioBudget) - total;
    if (left <= 0) {
      const by = ratioBudget < budget.maxArchiveBytes ? 'maxCompressionRatio' : 'maxArchiveBytes';
      out.limits.push({ limit: by, detail: `stopped after ${total} unpacked bytes of a ${archiveBytes}-byte archive; ${files.length - index} members not read` });
      if (by === 'maxCompressionRatio') out.bombs.push(`the archive unpacks to more than ${budget.maxCompressionRatio}× its ${archiveBytes} bytes`);
      break;
    }
    if (entry.encrypted && password === undefined) {
      out.failures.push(`${entry.filename}: encrypted`);
      continue;
    }
    const { cap, by } = memberCap(budget, entry.compressedSize, left);
    const result = await unpack(entry, password, cap, budget.signal);
    if (!result.ok && !result.capped) {
      out.failures.push(`${entry.filename}: ${result.error}`);
      continue;
    }
    const data = result.sink.bytes();
    total += data.length;
    if (result.ok) {
      out.members.push({ name: entry.filename, data });
      continue;
    }
    const detail = `"${entry.filename}" unpacks past ${cap} bytes (${entry.compressedSize} packed, ${entry.uncompressedSize} declared); kept the first ${data.length}`;
    out.limits.push({ limit: by, detail });
    if (by === 'maxCompressionRatio' || declaresBomb(entry.uncompressedSize, entry.compressedSize, budget)) out.bombs.push(detail);
    out.members.push({ name: entry.filename, data, truncatedBy: by });
  }
  return out;
}
