// HTML smuggling: an HTML attachment whose script turns a base64 blob into a ZIP/ISO/script in the browser
// and offers it as a download, so the gateway never sees a file. The blob is found and decoded statically
// (nothing runs); a blob that decodes to a file the chains use becomes a `decoded` child.

import { identify } from '../../engine/identify.ts';
import type { Analyzer, AnalyzerResult, ChildArtifact, FindingHit } from '../../engine/types.ts';
import { artifactText } from '../wsf/script-blocks.ts';
import { decodeBase64, findBlobs } from './blobs.ts';

/** What a smuggled blob must decode to for it to count: containers, scripts, programs, documents. */
const PAYLOAD_KINDS = new Set(['zip', '7z', 'rar', 'iso', 'udf', 'vhd', 'vhdx', 'gzip', 'cab', 'pe', 'onenote', 'lnk', 'jscript', 'jse', 'vbscript', 'wsf', 'hta', 'powershell', 'ole', 'doc', 'xls', 'ppt', 'ooxml', 'pdf', 'rtf', 'msg']);
const EXTENSION: Record<string, string> = { zip: 'zip', '7z': '7z', rar: 'rar', iso: 'iso', udf: 'iso', vhd: 'vhd', vhdx: 'vhdx', gzip: 'gz', cab: 'cab', pe: 'exe', onenote: 'one', lnk: 'lnk', jscript: 'js', jse: 'jse', vbscript: 'vbs', wsf: 'wsf', hta: 'hta', powershell: 'ps1', pdf: 'pdf', rtf: 'rtf' };
/** The browser side of smuggling: building a file in memory and saving it. */
const SAVE_TRIGGER = /\b(msSaveOrOpenBlob|msSaveBlob|URL\.createObjectURL|navigator\.msSaveOrOpenBlob)\b|\.download\s*=|new\s+(window\.)?Blob\s*\(/g;

export const smugglingAnalyzer: Analyzer = {
  name: 'smuggling',
  findings: {
    'smuggling.embedded-payload': {
      title: 'HTML carries a file hidden as base64 (HTML smuggling)',
      score: 600,
      attack: ['T1027.006'],
      description: 'The page assembles the file in the browser, so mail and web gateways never see it.',
    },
    'smuggling.save-trigger': {
      title: 'HTML builds a file in the browser and saves it',
      score: 200,
      attack: ['T1027.006'],
    },
  },
  analyze(artifact, ctx): AnalyzerResult {
    const html = artifactText(artifact.data);
    const { blobs, byteBlobs, more } = findBlobs(html, ctx.limits.maxDecodedLayers, ctx.limits.maxDecodedBytes);
    const findings: FindingHit[] = [];
    const children: ChildArtifact[] = [];
    /** Keeps a decoded blob when it is a file the chains use; true when kept. */
    const keep = (bytes: Uint8Array, where: string, sample: string): boolean => {
      const kind = identify(bytes);
      if (!PAYLOAD_KINDS.has(kind)) return false;
      const name = `${artifact.name}#smuggled${children.length + 1}.${EXTENSION[kind] ?? 'bin'}`;
      findings.push({ id: 'smuggling.embedded-payload', evidence: `${where} decodes to ${kind} (${bytes.length} bytes): ${sample.slice(0, 60)}…` });
      children.push({ relation: 'decoded', name, data: bytes });
      return true;
    };
    for (const blob of blobs) {
      // Pages also reverse the string before decoding it, so both directions are tried.
      for (const [variant, text] of [['', blob.base64], [' (reversed)', [...blob.base64].reverse().join('')]] as const) {
        const bytes = decodeBase64(text, ctx.limits.maxDecodedBytes);
        if (bytes && keep(bytes, `${blob.where}${variant}`, blob.base64)) break;
      }
    }
    for (const blob of byteBlobs) keep(blob.bytes, blob.where, [...blob.bytes.subarray(0, 16)].join(','));
    const triggers = [...new Set([...html.matchAll(SAVE_TRIGGER)].map((m) => m[0]))].slice(0, 5);
    if (triggers.length > 0 && children.length > 0) findings.push({ id: 'smuggling.save-trigger', evidence: triggers.join(', ') });
    return {
      findings,
      children,
      limits: more ? [{ limit: 'maxDecodedLayers', detail: `looked at the first ${blobs.length} base64 blobs` }] : [],
      label: children.length > 0 ? `HTML smuggling (${children.length} file${children.length > 1 ? 's' : ''})` : undefined,
    };
  },
};
