// What every archive reader (zip.js, 7-Zip in WebAssembly, zlib for gzip) gives the archive analyzer.

import type { LimitHit } from '../../engine/types.ts';

export interface MemberEntry {
  /** The member's path exactly as the archive stores it (evidence: may be hostile). */
  name: string;
  /** Unpacked size as the archive declares it (may lie). */
  size?: number;
  /** Packed size as the archive declares it. */
  packed?: number;
  encrypted: boolean;
  directory: boolean;
}

export interface ArchiveListing {
  /** The format as the reader names it: "zip", "7z", "iso", … */
  format: string;
  members: MemberEntry[];
  /** At least one member (or the header) is encrypted. */
  encrypted: boolean;
  /** 7z with encrypted headers: even the member names need the password. */
  namesEncrypted: boolean;
}

export interface ExtractBudget {
  maxMembers: number;
  maxMemberBytes: number;
  maxArchiveBytes: number;
  maxCompressionRatio: number;
  signal: AbortSignal;
}

export interface ExtractedMember {
  name: string;
  data: Uint8Array;
  /** Set when only the first part of the member was kept, naming the limit that cut it. */
  truncatedBy?: 'maxMemberBytes' | 'maxArchiveBytes' | 'maxCompressionRatio';
}

export interface Extraction {
  members: ExtractedMember[];
  limits: LimitHit[];
  /** Members that unpack far beyond their packed size (evidence strings). */
  bombs: string[];
  /** Members that could not be unpacked, with the reason (evidence strings). */
  failures: string[];
}

export interface ArchiveHandle {
  listing: ArchiveListing;
  /**
   * The first candidate that opens the archive, confirmed by a full decrypt and CRC check of a member
   * (a password check byte alone lets wrong passwords through), or undefined.
   */
  findPassword(candidates: readonly string[], signal: AbortSignal): Promise<string | undefined>;
  extract(password: string | undefined, budget: ExtractBudget): Promise<Extraction>;
}

/** Tiny members compress absurdly well in legitimate archives too; the ratio guard starts above this size. */
export const RATIO_FLOOR_BYTES = 1024 * 1024;

/** The most bytes one member may unpack to, and which limit sets that bound. */
export function memberCap(budget: ExtractBudget, packed: number | undefined, archiveBytesLeft: number): { cap: number; by: NonNullable<ExtractedMember['truncatedBy']> } {
  const options: { cap: number; by: NonNullable<ExtractedMember['truncatedBy']> }[] = [
    { cap: budget.maxMemberBytes, by: 'maxMemberBytes' },
    { cap: archiveBytesLeft, by: 'maxArchiveBytes' },
  ];
  if (packed !== undefined) options.push({ cap: Math.max(packed * budget.maxCompressionRatio, RATIO_FLOOR_BYTES), by: 'maxCompressionRatio' });
  return options.reduce((a, b) => (b.cap < a.cap ? b : a));
}

/** True when the declared sizes alone say the member unpacks beyond the allowed ratio (and beyond the floor). */
export function declaresBomb(size: number | undefined, packed: number | undefined, budget: ExtractBudget): boolean {
  if (size === undefined || packed === undefined || size <= RATIO_FLOOR_BYTES) return false;
  return size > Math.max(packed, 1) * budget.maxCompressionRatio;
}
