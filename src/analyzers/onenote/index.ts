// OneNote sections (.one): the 2023 chains hid an HTA, BAT or script behind a fake "Double click to view"
// button. Embedded files live in FileDataStoreObject records (MS-ONESTORE 2.6.13), each framed by a header
// GUID and a length, so they are carved by that frame; each becomes an `embedded` child.

import { identify } from '../../engine/identify.ts';
import type { Analyzer, AnalyzerResult, ChildArtifact, FindingHit } from '../../engine/types.ts';

/** {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC} as stored (little-endian fields). */
const FILE_DATA_HEADER = Buffer.from('e716e3bd65261145a4c48d4d0b7a9eac', 'hex');
/** guidHeader (16) + cbLength (8) + unused (4) + reserved (8). */
const DATA_OFFSET = 36;
/** The fixed header every section file starts with (MS-ONESTORE 2.3.1). */
const HEADER_BYTES = 1024;
const RUNNABLE_KINDS = new Set(['pe', 'jscript', 'jse', 'vbscript', 'wsf', 'hta', 'lnk', 'powershell', 'cmdline', 'onenote']);
const EXTENSION: Record<string, string> = { pe: 'exe', jscript: 'js', jse: 'jse', vbscript: 'vbs', wsf: 'wsf', hta: 'hta', lnk: 'lnk', powershell: 'ps1', cmdline: 'bat', zip: 'zip', iso: 'iso', png: 'png', jpeg: 'jpg', gif: 'gif', pdf: 'pdf', html: 'html', text: 'txt' };
/** File names as OneNote stores them (UTF-16LE), for the analyst: which names the section shows. */
const FILE_NAME = /[\w\- .()[\]]{1,100}\.(hta|js|jse|vbs|vbe|wsf|bat|cmd|ps1|exe|dll|lnk|scr|chm|msi|zip|iso|img|one|pdf|docx?|xlsx?|png|jpe?g|gif)\b/gi;

export interface CarvedFile {
  offset: number;
  data: Uint8Array;
  /** Kept short of its declared size by the member cap. */
  truncated: boolean;
  /** The file ends before the declared size: damage or a cut-off section, not our cap. */
  cut: boolean;
  declared: number;
}

export function carveEmbeddedFiles(data: Uint8Array, maxFiles: number, maxBytes: number): { files: CarvedFile[]; more: boolean } {
  const b = Buffer.from(data.buffer, data.byteOffset, data.length);
  const files: CarvedFile[] = [];
  let at = b.indexOf(FILE_DATA_HEADER);
  while (at >= 0) {
    if (files.length >= maxFiles) return { files, more: true };
    if (at + DATA_OFFSET > b.length) break;
    const declared = Number(b.readBigUInt64LE(at + 16));
    const available = b.length - (at + DATA_OFFSET);
    const length = Math.min(declared, available, maxBytes);
    files.push({ offset: at, data: new Uint8Array(b.subarray(at + DATA_OFFSET, at + DATA_OFFSET + length)), truncated: length < declared && length === maxBytes, cut: declared > available, declared });
    at = b.indexOf(FILE_DATA_HEADER, at + DATA_OFFSET + Math.max(length, 0));
  }
  return { files, more: false };
}

export const onenoteAnalyzer: Analyzer = {
  name: 'onenote',
  findings: {
    'onenote.embedded-runnable': {
      title: 'OneNote section embeds a script or program',
      score: 600,
      attack: ['T1204.002', 'T1027.009'],
      description: 'A double-click on the embedded file runs it; notes shared by mail have no need for one.',
    },
    'onenote.embedded-file': {
      title: 'OneNote section embeds files',
      score: 0,
      attack: [],
    },
    'onenote.malformed': {
      title: 'OneNote section is truncated or damaged',
      score: 0,
      attack: [],
      description: 'OneNote itself would refuse it; what could be carved from it was still analysed.',
    },
  },
  analyze(artifact, ctx): AnalyzerResult {
    const { files, more } = carveEmbeddedFiles(artifact.data, ctx.limits.maxArchiveMembers, ctx.limits.maxMemberBytes);
    const findings: FindingHit[] = [];
    const children: ChildArtifact[] = [];
    for (const [i, file] of files.entries()) {
      const kind = identify(file.data);
      const name = `${artifact.name}#embedded${i + 1}.${EXTENSION[kind] ?? 'bin'}`;
      if (RUNNABLE_KINDS.has(kind)) findings.push({ id: 'onenote.embedded-runnable', evidence: `${kind} at offset ${file.offset} (${file.data.length} bytes)` });
      children.push({ relation: 'embedded', name, data: file.data, meta: file.truncated ? { truncatedBy: 'maxMemberBytes' } : {} });
    }
    if (files.length > 0) findings.push({ id: 'onenote.embedded-file', evidence: `${files.length} embedded file(s)` });
    if (artifact.data.length < HEADER_BYTES) findings.push({ id: 'onenote.malformed', evidence: `${artifact.data.length} bytes: shorter than the ${HEADER_BYTES}-byte file header` });
    for (const file of files) {
      if (file.cut) findings.push({ id: 'onenote.malformed', evidence: `the file at offset ${file.offset} declares ${file.declared} bytes; only ${file.data.length} are present` });
    }
    // UTF-16 strings may start at an even or an odd offset: read both alignments.
    const head = Buffer.from(artifact.data.subarray(0, 8 * 1024 * 1024));
    const text = `${head.toString('utf16le')}\n${head.subarray(1).toString('utf16le')}`;
    const names = [...new Set([...text.matchAll(FILE_NAME)].map((m) => m[0].trim()))].slice(0, 20);
    const limits = [];
    if (more) limits.push({ limit: 'maxArchiveMembers', detail: `carved the first ${files.length} embedded files` });
    if (files.some((f) => f.truncated)) limits.push({ limit: 'maxMemberBytes', detail: `an embedded file is larger than ${ctx.limits.maxMemberBytes} bytes; kept the first part` });
    return {
      findings,
      children,
      limits,
      facts: { embeddedFiles: files.length, ...(names.length ? { fileNames: names } : {}) },
      label: `OneNote (${files.length} embedded)`,
    };
  },
};
