// Opens archives and disk images (ZIP, 7z, RAR, ISO/IMG, UDF, VHD/VHDX, FAT/NTFS images, gzip, CAB): tries the submission's
// password candidates on encrypted ones, records which password opened which archive, guards every member,
// and hands the members to the engine as `extracted` children. Nothing is written to the host's disk.

import type { AnalysisContext, Analyzer, AnalyzerResult, Artifact, FindingHit, PasswordCandidate } from '../../engine/types.ts';
import { ARCHIVE_FINDINGS } from './findings.ts';
import { openGzip } from './gzip-reader.ts';
import { displayName, isScriptOrShortcutName, unsafeNameReason } from './member-names.ts';
import { openSevenZip } from './sevenzip-reader.ts';
import type { ArchiveHandle, ArchiveListing } from './types.ts';
import { openZip } from './zip-reader.ts';

const DISK_IMAGES = new Set(['iso', 'udf', 'vhd', 'vhdx', 'img']);
/** Sources of candidates that did not come from the email (see src/engine/passwords.ts). */
const NOT_FROM_EMAIL = /analyst|default|file name/i;
const MAX_NAMES_IN_EVIDENCE = 30;

const LABELS: Record<string, string> = { zip: 'ZIP', ooxml: 'Office file', '7z': '7z', rar: 'RAR', iso: 'ISO image', udf: 'UDF image', vhd: 'VHD image', vhdx: 'VHDX image', img: 'disk image', gzip: 'gzip', cab: 'CAB' };

async function open(artifact: Artifact, signal: AbortSignal): Promise<ArchiveHandle | undefined> {
  if (artifact.kind === 'gzip') return openGzip(artifact.data, artifact.name);
  if (artifact.kind === 'zip' || artifact.kind === 'ooxml') {
    // zip.js first (streams with a cap); 7-Zip for methods zip.js lacks (Deflate64, BZip2, LZMA…).
    const zip = await openZip(artifact.data);
    if (zip) return zip;
  }
  return openSevenZip(artifact.data, artifact.kind === 'ooxml' ? 'zip' : artifact.kind, signal);
}

function memberNames(listing: ArchiveListing): string {
  const names = listing.members.filter((m) => !m.directory).map((m) => m.name);
  const shown = names.slice(0, MAX_NAMES_IN_EVIDENCE).join(', ');
  return names.length > MAX_NAMES_IN_EVIDENCE ? `${shown}, … (${names.length} members)` : shown;
}

export const archiveAnalyzer: Analyzer = {
  name: 'archive',
  findings: ARCHIVE_FINDINGS,
  async analyze(artifact: Artifact, ctx: AnalysisContext): Promise<AnalyzerResult> {
    const kindLabel = LABELS[artifact.kind] ?? artifact.kind;
    let handle: ArchiveHandle | undefined;
    try {
      handle = await open(artifact, ctx.signal);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      handle = undefined;
    }
    if (!handle) {
      return { findings: [{ id: 'archive.unreadable', evidence: `${artifact.name}: not readable as ${kindLabel}` }], label: `${kindLabel} (unreadable)` };
    }
    const { listing } = handle;
    const findings: FindingHit[] = [];
    const result: AnalyzerResult = { findings, facts: {} };
    if (DISK_IMAGES.has(artifact.kind)) findings.push({ id: 'archive.disk-image', evidence: `${artifact.name} (${kindLabel})` });

    // Member names are evidence even when the contents stay locked.
    const unsafe = listing.members.flatMap((m) => {
      const why = unsafeNameReason(m.name);
      return why ? [`${why}: ${JSON.stringify(m.name)}`] : [];
    });
    for (const evidence of unsafe.slice(0, MAX_NAMES_IN_EVIDENCE)) findings.push({ id: 'archive.unsafe-member-name', evidence });
    if (unsafe.length > MAX_NAMES_IN_EVIDENCE) findings.push({ id: 'archive.unsafe-member-name', evidence: `… and ${unsafe.length - MAX_NAMES_IN_EVIDENCE} more such names` });
    const scripts = listing.members.filter((m) => !m.directory && isScriptOrShortcutName(m.name)).map((m) => m.name);
    if (scripts.length > 0) findings.push({ id: 'archive.script-member', evidence: scripts.slice(0, MAX_NAMES_IN_EVIDENCE).join(', ') });

    let password: PasswordCandidate | undefined;
    if (listing.encrypted) {
      findings.push({ id: 'archive.encrypted', evidence: listing.namesEncrypted ? `${artifact.name}: contents and member names encrypted` : `${artifact.name}: ${memberNames(listing)}` });
      const all = ctx.passwordCandidates(artifact.name);
      const candidates = all.slice(0, ctx.limits.maxPasswordTries);
      const found = await handle.findPassword(candidates.map((c) => c.value), ctx.signal);
      password = candidates.find((c) => c.value === found);
      if (!password) {
        if (all.length > candidates.length) {
          result.limits = [{ limit: 'maxPasswordTries', detail: `tried ${candidates.length} of ${all.length} candidate passwords` }];
        }
        findings.push({
          id: 'archive.encrypted.unopened',
          evidence: listing.namesEncrypted ? `${artifact.name}: member names are encrypted too; ${candidates.length} passwords tried` : `${artifact.name}: ${memberNames(listing)}`,
        });
        result.facts = { format: listing.format, members: listing.members.length, encrypted: true, opened: false, triedPasswords: candidates.length };
        result.label = `${kindLabel} (encrypted, not opened)`;
        // Members stored without encryption beside the encrypted ones are still read.
        if (listing.namesEncrypted || listing.members.every((m) => m.encrypted || m.directory)) return result;
      } else {
        result.opened = [password];
        const fromEmail = !NOT_FROM_EMAIL.test(password.source);
        if (fromEmail) findings.push({ id: 'archive.encrypted.password-in-body', evidence: `"${password.value}" (${password.source}) opened ${artifact.name}` });
        result.label = `${kindLabel} (password ${fromEmail ? 'from the email' : `"${password.value}"`})`;
      }
    }

    const extraction = await handle.extract(password?.value, {
      maxMembers: ctx.limits.maxArchiveMembers,
      maxMemberBytes: ctx.limits.maxMemberBytes,
      maxArchiveBytes: ctx.limits.maxArchiveBytes,
      maxCompressionRatio: ctx.limits.maxCompressionRatio,
      signal: ctx.signal,
    });
    for (const bomb of extraction.bombs) findings.push({ id: 'archive.compression-bomb', evidence: bomb });
    result.limits = [...(result.limits ?? []), ...extraction.limits];
    // An encrypted member without its password is already a finding, not an unpacking error.
    const failures = extraction.failures.filter((f) => !(password === undefined && f.endsWith(': encrypted')));
    if (failures.length > 0) result.errors = failures.slice(0, 20).map((f) => `could not unpack ${f}`);
    result.children = extraction.members.map((m) => ({
      relation: 'extracted' as const,
      name: displayName(m.name),
      data: m.data,
      meta: m.truncatedBy ? { truncatedBy: m.truncatedBy } : {},
    }));
    result.facts = {
      format: listing.format,
      members: listing.members.filter((m) => !m.directory).length,
      unpacked: extraction.members.length,
      ...(listing.encrypted ? { encrypted: true, opened: password !== undefined } : {}),
    };
    result.label ??= `${kindLabel} (${extraction.members.length} member${extraction.members.length === 1 ? '' : 's'})`;
    return result;
  },
};
