// The campaign fingerprint as the store keeps it: only the fields that come from the report (keys, indicators,
// body signature), a few hundred bytes of JSON instead of the whole report. Which report it belongs to, when it
// was received and who reported it come from the report's row, so they stay current when reporters join.

import { fingerprintOf, type Fingerprint } from '../../campaign/fingerprint.ts';
import type { Report } from '../../verdict/report.ts';

export type StoredFingerprint = Omit<Fingerprint, 'id' | 'receivedAt' | 'reporters'>;

/** The compact JSON stored beside a finished report. */
export function storedFingerprint(report: Report): string {
  try {
    const { id: _id, receivedAt: _at, reporters: _who, ...rest } = fingerprintOf(report, '', 0, []);
    return JSON.stringify(rest);
  } catch {
    // A report too odd to fingerprint (an old or damaged stored JSON) still joins a campaign: its own.
    const none: StoredFingerprint = { verdict: report?.verdict ?? 'benign', score: report?.score ?? 0, urls: [], linkDomains: [], payloadHashes: [], sendingIps: [] };
    return JSON.stringify(none);
  }
}

/** The fingerprint of a report stored before fingerprints were (the backfill); unreadable JSON gets an empty one. */
export function storedFingerprintOfJson(reportJson: unknown): string {
  let report: Report | null = null;
  try {
    report = typeof reportJson === 'string' ? (JSON.parse(reportJson) as Report) : null;
  } catch {
    // damaged JSON: the empty fingerprint below
  }
  return storedFingerprint(report ?? ({} as Report));
}

/** A stored fingerprint joined with its row's facts. Reporters are sorted: both engines give the same list. */
export function fingerprintFromRow(json: string, id: string, receivedAt: string, reporters: readonly string[]): Fingerprint {
  const stored = JSON.parse(json) as StoredFingerprint;
  return { ...stored, id, receivedAt: Date.parse(receivedAt), reporters: [...new Set(reporters)].sort() };
}

/** How many legacy rows one backfill step reads: bounds memory however many reports predate the column. */
export const BACKFILL_BATCH = 200;
