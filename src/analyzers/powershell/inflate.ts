// Deflate and GZip streams as PowerShell reads them ([IO.Compression.DeflateStream] → StreamReader), with a
// counting cap: input goes in small slices so no single step can outgrow the cap by more than one slice's
// worth (deflate expands at most ~1032:1), and decompression stops as soon as the cap is passed.

import { Gunzip, Inflate } from 'fflate';

const SLICE = 1024;

export interface Inflated {
  bytes: Uint8Array;
  /** True when the output reached the cap and the rest was not decompressed. */
  capped: boolean;
  /** Set when the stream is corrupt (what was decompressed before the damage is kept). */
  error?: string;
}

export function inflateCapped(input: Uint8Array, gzip: boolean, cap: number): Inflated {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let capped = false;
  const stream = gzip ? new Gunzip() : new Inflate();
  stream.ondata = (chunk: Uint8Array) => {
    if (capped) return;
    const room = cap - total;
    if (chunk.length > room) {
      chunks.push(chunk.slice(0, room));
      total = cap;
      capped = true;
      return;
    }
    chunks.push(chunk.slice());
    total += chunk.length;
  };
  try {
    for (let i = 0; i < input.length && !capped; i += SLICE) {
      const end = Math.min(input.length, i + SLICE);
      stream.push(input.subarray(i, end), end === input.length);
    }
  } catch (err) {
    return { bytes: concat(chunks, total), capped, error: err instanceof Error ? err.message : String(err) };
  }
  return { bytes: concat(chunks, total), capped };
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
