// gzip through node's zlib, streamed into a capped sink: the size in a gzip trailer is only a hint (and modulo
// 4 GiB), so the unpacked bytes are counted as they come.

import { createGunzip } from 'node:zlib';
import { CappedSink } from './capped-sink.ts';
import { declaresBomb, memberCap, type ArchiveHandle, type Extraction } from './types.ts';

/** The file name stored in the gzip header (FNAME), if any. */
export function gzipStoredName(data: Uint8Array): string | undefined {
  if (data.length < 10 || data[0] !== 0x1f || data[1] !== 0x8b) return undefined;
  const flags = data[3]!;
  let at = 10;
  if (flags & 0x04) at += 2 + (data[10]! | (data[11]! << 8)); // FEXTRA
  if (!(flags & 0x08)) return undefined; // no FNAME
  const end = data.indexOf(0, at);
  if (end < 0 || end - at > 1024) return undefined;
  return Buffer.from(data.subarray(at, end)).toString('latin1');
}

function memberName(data: Uint8Array, archiveName: string): string {
  const stored = gzipStoredName(data);
  if (stored) return stored;
  const base = archiveName.split(/[\\/]/).pop() ?? '';
  return base.replace(/\.(t?gz|gzip)$/i, (m) => (m.toLowerCase() === '.tgz' ? '.tar' : '')) || 'unpacked';
}

export function openGzip(data: Uint8Array, archiveName: string): ArchiveHandle {
  const name = memberName(data, archiveName);
  const declared = data.length >= 18 ? Buffer.from(data.buffer, data.byteOffset, data.length).readUInt32LE(data.length - 4) : undefined;
  return {
    listing: { format: 'gzip', members: [{ name, size: declared, packed: data.length, encrypted: false, directory: false }], encrypted: false, namesEncrypted: false },
    async findPassword() {
      return undefined;
    },
    async extract(_password, budget): Promise<Extraction> {
      const out: Extraction = { members: [], limits: [], bombs: [], failures: [] };
      const { cap, by } = memberCap(budget, data.length, budget.maxArchiveBytes);
      const sink = new CappedSink(cap);
      const gunzip = createGunzip();
      const done = new Promise<void>((resolve, reject) => {
        gunzip.on('data', (chunk: Buffer) => {
          try {
            sink.push(chunk);
          } catch {
            gunzip.destroy();
            resolve();
          }
        });
        gunzip.once('end', resolve);
        gunzip.once('error', reject);
        budget.signal.addEventListener('abort', () => gunzip.destroy(), { once: true });
      });
      gunzip.end(data);
      try {
        await done;
      } catch (err) {
        out.failures.push(`${name}: ${(err as Error).message}`);
        if (sink.size === 0) return out;
      }
      const bytes = sink.bytes();
      if (sink.reached) {
        const detail = `"${name}" unpacks past ${cap} bytes from ${data.length} packed; kept the first ${bytes.length}`;
        out.limits.push({ limit: by, detail });
        if (by === 'maxCompressionRatio' || declaresBomb(declared, data.length, budget)) out.bombs.push(detail);
        out.members.push({ name, data: bytes, truncatedBy: by });
      } else {
        out.members.push({ name, data: bytes });
      }
      return out;
    },
  };
}
