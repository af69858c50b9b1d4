// What sits after the last section (the overlay), and whether an Authenticode signature is attached.
// Droppers append payloads or padding here; a signature lives here too and is not suspicious by itself.

import { DIR, type PeHeaders } from './headers.ts';
import { type ByteView, entropy, round2 } from './view.ts';

export interface Overlay {
  offset: number;
  size: number;
  entropy: number;
  /** Bytes of the overlay that are the Authenticode certificate table. */
  signatureBytes: number;
}

export interface Signature {
  offset: number;
  size: number;
  /** WIN_CERT_TYPE_PKCS_SIGNED_DATA is Authenticode; other types are rare and worth a look. */
  type: string;
}

export function findSignature(view: ByteView, h: PeHeaders): Signature | undefined {
  const dir = h.directories[DIR.security];
  if (!dir || dir.rva === 0 || dir.size < 8) return undefined;
  // This directory holds a file offset, not an RVA.
  const length = view.u32(dir.rva);
  const revision = view.u16(dir.rva + 4);
  const certType = view.u16(dir.rva + 6);
  if (length === undefined || revision === undefined || certType === undefined) return undefined;
  const type = certType === 2 ? 'Authenticode (PKCS#7)' : certType === 1 ? 'X.509' : `type ${certType}`;
  return { offset: dir.rva, size: Math.min(dir.size, view.length - dir.rva), type };
}

export function findOverlay(view: ByteView, h: PeHeaders, signature: Signature | undefined): Overlay | undefined {
  let end = h.sizeOfHeaders;
  for (const s of h.sections) {
    if (s.rawSize > 0 && s.rawOffset < view.length) end = Math.max(end, Math.min(view.length, s.rawOffset + s.rawSize));
  }
  if (end >= view.length) return undefined;
  const data = view.data.subarray(end);
  const signatureBytes = signature && signature.offset >= end ? Math.min(signature.size, view.length - signature.offset) : 0;
  return { offset: end, size: data.length, entropy: round2(entropy(data)), signatureBytes };
}
