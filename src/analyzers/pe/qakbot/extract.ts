// Qakbot's configuration and C2 list from a PE's resources: the named resources first, then any other small
// RCDATA blob (names change between builds). Nothing is reported unless a key variant's SHA1 verifies.

import type { Resource } from '../resources.ts';
import { depackStream, isBriefLzStream } from './brieflz.ts';
import { decryptBlob, qakbotKeys } from './decrypt.ts';
import { type C2Server, parseC2List, parseConfigText } from './parse.ts';

export interface QakbotConfig {
  resource: string;
  /** False when the blob sat in a resource whose name is not in rules/qakbot-keys.yaml. */
  listedName: boolean;
  variant: string;
  entries: Record<string, string>;
  campaign?: string;
  timestamp?: string;
}

export interface QakbotC2List {
  resource: string;
  listedName: boolean;
  variant: string;
  servers: C2Server[];
  /** Bytes after the last whole record (0 for a well-formed list). */
  leftover: number;
}

export interface QakbotCore {
  resource: string;
  variant: string;
  /** The decrypted, decompressed core DLL. */
  data: Uint8Array;
}

export interface QakbotResult {
  /** A loader's embedded core DLL, when its resource decrypted (SHA1 verified) and decompressed to a PE. */
  core?: QakbotCore;
  config?: QakbotConfig;
  c2?: QakbotC2List;
  /** Resources named as Qakbot names its blobs, whether or not they decrypted. */
  namedLikeQakbot: string[];
}

// Configuration blobs are a few hundred bytes, C2 lists a few kilobytes: larger resources are something else.
const MAX_BLOB_BYTES = 256 * 1024;
const MAX_UNLISTED_BYTES = 64 * 1024;
const MAX_CANDIDATES = 64;
// A core DLL is a few hundred kilobytes; the caps only bound the RC4 passes over hostile resources.
const MAX_LOADER_BYTES = 4 * 1024 * 1024;
const MAX_LOADER_CANDIDATES = 2;

/** maxCoreBytes bounds the decompressed core (the engine's maxDecodedBytes). */
export function extractQakbot(resources: readonly Resource[], maxCoreBytes: number): QakbotResult {
  const keys = qakbotKeys();
  const listed = new Set([...keys.resources.config, ...keys.resources.c2].map((n) => n.toUpperCase()));
  const result: QakbotResult = { namedLikeQakbot: [] };
  // What a decrypted payload can start with: a config key digit, a C2 record type, a BriefLZ chunk magic.
  const firstBytes = new Set([...'0123456789'].map((c) => c.charCodeAt(0)).concat(keys.c2RecordTypes, [0x61, 0x62]));

  const loaderNames = new Set(keys.resources.loader.map((n) => n.toUpperCase()));
  for (const r of resources.filter((x) => loaderNames.has(x.name.toUpperCase())).slice(0, MAX_LOADER_CANDIDATES)) {
    if (r.data.length < 21 || r.data.length > MAX_LOADER_BYTES) continue;
    const found = decryptBlob(r.data, keys.variants, firstBytes);
    if (!found || !isBriefLzStream(found.payload)) continue;
    const core = depackStream(found.payload, maxCoreBytes);
    if (core && core[0] === 0x4d && core[1] === 0x5a) {
      result.core = { resource: r.name, variant: found.variant.name, data: core };
      break;
    }
  }

  const named = resources.filter((r) => listed.has(r.name.toUpperCase()));
  result.namedLikeQakbot = [...new Set(named.filter((r) => r.stringName).map((r) => r.name))];
  const candidates = [
    ...named.map((r) => ({ r, listedName: true })),
    ...resources
      .filter((r) => r.type === 'RCDATA' && !listed.has(r.name.toUpperCase()) && !loaderNames.has(r.name.toUpperCase()) && r.data.length <= MAX_UNLISTED_BYTES)
      .map((r) => ({ r, listedName: false })),
  ].slice(0, MAX_CANDIDATES);

  for (const { r, listedName } of candidates) {
    if (result.config && result.c2) break;
    if (r.data.length < 21 || r.data.length > MAX_BLOB_BYTES) continue;
    const found = decryptBlob(r.data, keys.variants, firstBytes);
    if (!found) continue;
    const entries = parseConfigText(found.payload);
    if (entries && !result.config) {
      const campaign = entries.get('10');
      const ts = Number(entries.get('3'));
      result.config = {
        resource: r.name,
        listedName,
        variant: found.variant.name,
        entries: Object.fromEntries(entries),
        campaign,
        timestamp: Number.isSafeInteger(ts) && ts > 0 && ts < 2 ** 32 ? new Date(ts * 1000).toISOString().replace('.000Z', 'Z') : undefined,
      };
    } else if (!entries && !result.c2) {
      const list = parseC2List(found.payload, found.variant.c2Record, keys.c2RecordTypes);
      if (list && list.servers.length > 0) result.c2 = { resource: r.name, listedName, variant: found.variant.name, ...list };
    }
  }
  return result;
}
