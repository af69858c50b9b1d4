// Tries the key derivations of rules/qakbot-keys.yaml, in order, on one resource blob. A result counts only
// when its leading SHA1 matches the rest: that is what makes a decrypted configuration a fact, not a guess.

import { createHash } from 'node:crypto';
import { loadRules } from '../../../engine/rules.ts';
import { rc4 } from './rc4.ts';

export type KeyLayer = { key: 'prefix'; skip: number } | { key: 'sha1'; of: string };

export interface KeyVariant {
  name: string;
  seen: string;
  layers: KeyLayer[];
  c2Record: number;
}

export interface QakbotKeyFile {
  resources: { config: string[]; c2: string[]; loader: string[] };
  variants: KeyVariant[];
  c2RecordTypes: number[];
  configKeys: Record<string, string>;
}

export function qakbotKeys(): QakbotKeyFile {
  return loadRules<QakbotKeyFile>('qakbot-keys.yaml');
}

const SHA1_BYTES = 20;

export function sha1(data: Uint8Array): Uint8Array {
  return createHash('sha1').update(data).digest();
}

/** One variant's layers applied to a blob; undefined when a layer has nothing to work on. */
export function applyLayers(blob: Uint8Array, layers: readonly KeyLayer[]): Uint8Array | undefined {
  let data = blob;
  for (const layer of layers) {
    if (layer.key === 'prefix') {
      const keyEnd = layer.skip + SHA1_BYTES;
      if (data.length <= keyEnd) return undefined;
      data = rc4(data.subarray(layer.skip, keyEnd), data.subarray(keyEnd));
    } else {
      data = rc4(sha1(new TextEncoder().encode(layer.of)), data);
    }
  }
  return data;
}

/** The payload after the leading SHA1, when the SHA1 verifies. */
export function verifiedPayload(decrypted: Uint8Array): Uint8Array | undefined {
  if (decrypted.length <= SHA1_BYTES) return undefined;
  const payload = decrypted.subarray(SHA1_BYTES);
  const expected = decrypted.subarray(0, SHA1_BYTES);
  const actual = sha1(payload);
  for (let i = 0; i < SHA1_BYTES; i++) if (actual[i] !== expected[i]) return undefined;
  return payload;
}

/** Input bytes a variant needs to produce the first `outBytes` of its output (RC4 is a stream cipher). */
function inputBytesFor(layers: readonly KeyLayer[], outBytes: number): number {
  let n = outBytes;
  for (const layer of [...layers].reverse()) if (layer.key === 'prefix') n += layer.skip + SHA1_BYTES;
  return n;
}

/**
 * A cheap first test: decrypt only the SHA1 and the payload's first byte, which must be one a Qakbot blob
 * can start with (`firstBytes`). Most wrong keys stop here, so trying every variant on every resource costs
 * a key schedule and a few bytes, not a full pass.
 */
function plausible(blob: Uint8Array, variant: KeyVariant, firstBytes: ReadonlySet<number>): boolean {
  const head = applyLayers(blob.subarray(0, inputBytesFor(variant.layers, SHA1_BYTES + 1)), variant.layers);
  return head !== undefined && head.length > SHA1_BYTES && firstBytes.has(head[SHA1_BYTES]!);
}

export function decryptBlob(
  blob: Uint8Array,
  variants: readonly KeyVariant[],
  firstBytes?: ReadonlySet<number>,
): { variant: KeyVariant; payload: Uint8Array } | undefined {
  for (const variant of variants) {
    if (firstBytes && !plausible(blob, variant, firstBytes)) continue;
    const decrypted = applyLayers(blob, variant.layers);
    const payload = decrypted && verifiedPayload(decrypted);
    if (payload) return { variant, payload };
  }
  return undefined;
}
