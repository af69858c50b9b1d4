// The PE analyzer (kind `pe`, everything that starts with MZ): the static facts an analyst wants about the
// DLL a dropper fetched, packer signs, and — when the file is an unpacked Qakbot core — its campaign id and
// C2 list. Hostile files are the normal case: every table is bounded and every inconsistency is a finding.

import type { Analyzer, AnalysisContext, AnalyzerResult, Artifact, ChildArtifact, FindingHit, IocHit } from '../../engine/types.ts';
import { exportLabel } from './label.ts';
import { parseExports } from './exports.ts';
import { PE_FINDINGS } from './findings.ts';
import { describeTimestamp, isDotNet, type Malformation, parseHeaders } from './headers.ts';
import { parseImports } from './imports.ts';
import { findOverlay, findSignature } from './overlay.ts';
import { packerSigns } from './packer.ts';
import { extractQakbot, type QakbotResult } from './qakbot/extract.ts';
import { parseResources } from './resources.ts';
import { parseRichHeader } from './rich.ts';
import { parseVersionInfo } from './version.ts';
import { ByteView, hex } from './view.ts';

/** Evidence lines kept per malformation id: one hostile file can produce thousands. */
const MAX_MALFORMATIONS_PER_ID = 5;
/** How much of each list the report shows; the counts are always complete. */
const SHOWN = { sections: 32, importsPerDll: 40, dlls: 64, exports: 64, resources: 64, richEntries: 24 };
const PACKED_MESSAGE = 'packed: configuration not reachable statically';
/** Embedded PE files extracted as children from one file's resources. */
const MAX_EMBEDDED_CHILDREN = 16;

export const peAnalyzer: Analyzer = {
  name: 'pe',
  findings: PE_FINDINGS,
  analyze(artifact: Artifact, ctx: AnalysisContext): AnalyzerResult {
    const view = new ByteView(artifact.data);
    const { limits } = ctx;
    const findings: FindingHit[] = [];
    const iocs: IocHit[] = [{ type: 'sha256', value: artifact.sha256, role: 'payload' }];
    const malformations: Malformation[] = [];

    const parsed = parseHeaders(view, limits.peMaxSections);
    malformations.push(...parsed.malformations);
    const h = parsed.headers;
    if (!h) {
      findings.push(...malformationFindings(malformations));
      return { findings, iocs, label: 'MZ file, not a valid PE', facts: { pe: { valid: false, problems: malformations.map((m) => m.evidence) } } };
    }

    const { imports, malformations: importProblems } = parseImports(view, h, limits.peMaxImports);
    const { exports, malformations: exportProblems } = parseExports(view, h, limits.peMaxExports);
    const { resources, malformations: resourceProblems } = parseResources(view, h, limits.peMaxResources);
    malformations.push(...importProblems, ...exportProblems, ...resourceProblems);
    const rich = parseRichHeader(view, h.peOffset);
    const signature = findSignature(view, h);
    const overlay = findOverlay(view, h, signature);
    const packer = packerSigns(h, imports, resources, view.length);
    const qakbot = extractQakbot(resources, limits.maxDecodedBytes);

    findings.push(...malformationFindings(malformations));
    findings.push(...packerFindings(packer));
    if (overlay && overlay.size - overlay.signatureBytes >= 1024 && overlay.entropy > 7) {
      findings.push({ id: 'pe.overlay.data', evidence: `${overlay.size - overlay.signatureBytes} bytes at ${hex(overlay.offset)}, entropy ${overlay.entropy}` });
    }

    const children: ChildArtifact[] = [];
    const embedded = resources.filter((r) => r.data.length >= 64 && r.data[0] === 0x4d && r.data[1] === 0x5a);
    const extracted = new Set<string>();
    for (const r of embedded) {
      // Hostile files point many entries at the same bytes: extract each region once, and only a few.
      const region = `${r.data.byteOffset}:${r.data.length}`;
      if (extracted.has(region) || extracted.size >= MAX_EMBEDDED_CHILDREN) continue;
      extracted.add(region);
      children.push({ relation: 'embedded', name: `${artifact.name}/rsrc/${r.type}/${r.name}`, data: r.data });
    }
    if (embedded.length > 0) {
      const first = embedded.slice(0, 5).map((r) => `${r.type}/${r.name} (${r.size} bytes)`);
      const rest = embedded.length > 5 ? ` and ${embedded.length - 5} more` : '';
      const skipped = embedded.length - extracted.size;
      findings.push({ id: 'pe.embedded-pe', evidence: `resources starting with MZ: ${first.join(', ')}${rest}${skipped > 0 ? `; ${skipped} not extracted (repeats or over ${MAX_EMBEDDED_CHILDREN})` : ''}` });
    }
    if (overlay && overlay.signatureBytes === 0 && overlay.size >= 64 && view.u16(overlay.offset) === 0x5a4d) {
      findings.push({ id: 'pe.embedded-pe', evidence: `overlay at ${hex(overlay.offset)} (${overlay.size} bytes) starts with MZ` });
      children.push({ relation: 'embedded', name: `${artifact.name}/overlay`, data: view.data.subarray(overlay.offset) });
    }

    findings.push(...qakbotFindings(qakbot));
    if (qakbot.core) {
      children.push({ relation: 'decoded', name: `${artifact.name}/rsrc/${qakbot.core.resource}/qakbot-core.dll`, data: qakbot.core.data });
    }
    for (const s of qakbot.c2?.servers ?? []) iocs.push({ type: 'ip', value: s.ip, port: s.port, role: 'c2' });

    const type = h.isDll ? 'DLL' : 'EXE';
    const facts = {
      pe: {
        type,
        machine: h.machine,
        timestamp: describeTimestamp(h.timestamp),
        subsystem: h.subsystem,
        dotnet: isDotNet(h) || undefined,
        entryPoint: hex(h.entryPoint),
        sections: h.sections.slice(0, SHOWN.sections).map((s) => ({
          name: s.name,
          virtualSize: s.virtualSize,
          rawSize: s.rawSize,
          access: s.access,
          entropy: s.entropy,
        })),
        sectionCount: h.declaredSections,
        imports: {
          imphash: imports.imphash,
          dlls: imports.dlls.length,
          functions: imports.functionCount,
          byDll: Object.fromEntries(imports.dlls.slice(0, SHOWN.dlls).map((d) => [d.dll, shortList(d.functions, SHOWN.importsPerDll)])),
        },
        exports: exports && {
          dllName: exports.dllName,
          count: exports.functions.length,
          names: shortList(
            exports.functions.map((f) => (f.name ?? `#${f.ordinal}`) + (f.forwarder ? ` → ${f.forwarder}` : '')),
            SHOWN.exports,
          ),
        },
        resources: {
          count: resources.length,
          list: resources.slice(0, SHOWN.resources).map((r) => ({ type: r.type, name: r.name, language: r.language, size: r.size, entropy: r.entropy })),
        },
        overlay: overlay && { offset: hex(overlay.offset), size: overlay.size, entropy: overlay.entropy, signatureBytes: overlay.signatureBytes },
        version: parseVersionInfo(resources),
        signature: signature ? `${signature.type}, ${signature.size} bytes (present; not verified)` : 'none',
        rich: rich
          ? { entries: rich.entries.length, tools: rich.entries.slice(0, SHOWN.richEntries).map((e) => `product ${e.productId} build ${e.build} ×${e.count}`) }
          : 'absent',
        packer: {
          packed: packer.packed,
          signs: packerEvidence(packer),
        },
      },
      qakbot: qakbotFacts(qakbot, packer.packed),
    };

    return { findings, iocs, children, facts, label: label(type, exports?.functions.map((f) => f.name).filter((n): n is string => !!n) ?? [], packer.packed, qakbot) };
  },
};

function shortList(items: string[], max: number): string[] {
  return items.length <= max ? items : [...items.slice(0, max), `… ${items.length - max} more`];
}

function malformationFindings(malformations: Malformation[]): FindingHit[] {
  const byId = new Map<string, string[]>();
  for (const m of malformations) {
    const list = byId.get(m.id) ?? [];
    list.push(m.evidence);
    byId.set(m.id, list);
  }
  return [...byId].map(([id, evidence]) => ({
    id,
    evidence: evidence.length <= MAX_MALFORMATIONS_PER_ID ? evidence.join('; ') : `${evidence.slice(0, MAX_MALFORMATIONS_PER_ID).join('; ')}; and ${evidence.length - MAX_MALFORMATIONS_PER_ID} more`,
  }));
}

function packerEvidence(p: ReturnType<typeof packerSigns>): string[] {
  return [
    ...p.knownPackers.map((k) => `section "${k.section}" is ${k.packer}'s`),
    ...p.highEntropySections.map((s) => `section "${s.name}" has entropy ${s.entropy}`),
    ...p.payloadResources.map((r) => `resource ${r.type}/${r.name} is ${r.size} bytes at entropy ${r.entropy}`),
    ...(p.fewImports ? [p.fewImports] : []),
    ...p.writableExecutable.map((s) => `section "${s.name}" is ${s.access}`),
    ...(p.entryPointOutsideCode ? [p.entryPointOutsideCode] : []),
  ];
}

function packerFindings(p: ReturnType<typeof packerSigns>): FindingHit[] {
  const out: FindingHit[] = [];
  if (p.packed) out.push({ id: 'pe.packed', evidence: packerEvidence(p).join('; ') });
  if (p.knownPackers.length > 0) out.push({ id: 'pe.packer.known', evidence: p.knownPackers.map((k) => `${k.packer} (section "${k.section}")`).join(', ') });
  if (p.fewImports) out.push({ id: 'pe.packed.few-imports', evidence: p.fewImports });
  if (p.writableExecutable.length > 0) out.push({ id: 'pe.section.writable-executable', evidence: p.writableExecutable.map((s) => `"${s.name}" ${s.access}`).join(', ') });
  if (p.entryPointOutsideCode) out.push({ id: 'pe.entrypoint.unusual', evidence: p.entryPointOutsideCode });
  return out;
}

function qakbotFindings(q: QakbotResult): FindingHit[] {
  const out: FindingHit[] = [];
  if (q.core) {
    out.push({
      id: 'pe.qakbot.loader',
      evidence: `resource "${q.core.resource}", key variant ${q.core.variant}, SHA1 verified, BriefLZ: a ${q.core.data.length}-byte core DLL (analysed as a child)`,
    });
  }
  if (q.config) {
    const where = q.config.listedName ? `resource "${q.config.resource}"` : `unlisted resource "${q.config.resource}"`;
    out.push({
      id: 'pe.qakbot.config',
      evidence: `${where}, key variant ${q.config.variant}, SHA1 verified: campaign ${q.config.campaign ?? '(no key 10)'}, timestamp ${q.config.timestamp ?? '(no key 3)'}`,
    });
  }
  if (q.c2) {
    const where = q.c2.listedName ? `resource "${q.c2.resource}"` : `unlisted resource "${q.c2.resource}"`;
    const list = q.c2.servers.map((s) => `${s.ip}:${s.port}`);
    out.push({ id: 'pe.qakbot.c2-list', evidence: `${where}, key variant ${q.c2.variant}, SHA1 verified: ${list.length} servers: ${shortList(list, 20).join(', ')}` });
  }
  if (!q.config && !q.c2 && !q.core && q.namedLikeQakbot.length > 0) {
    out.push({ id: 'pe.qakbot.resource-names', evidence: `resources ${q.namedLikeQakbot.map((n) => `"${n}"`).join(', ')}` });
  }
  return out;
}

function qakbotFacts(q: QakbotResult, packed: boolean): unknown {
  if (q.core && !q.config && !q.c2) return `loader: core DLL decrypted from resource "${q.core.resource}" (${q.core.variant}); see the child artifact for its configuration`;
  if (q.config || q.c2) {
    return {
      campaign: q.config?.campaign,
      timestamp: q.config?.timestamp,
      configVariant: q.config?.variant,
      configResource: q.config?.resource,
      config: q.config?.entries,
      c2Variant: q.c2?.variant,
      c2Resource: q.c2?.resource,
      c2: q.c2?.servers.map((s) => `${s.ip}:${s.port}`),
      c2TrailingBytes: q.c2?.leftover || undefined,
    };
  }
  if (packed) return PACKED_MESSAGE;
  if (q.namedLikeQakbot.length > 0) return `resources named like Qakbot's (${q.namedLikeQakbot.join(', ')}) did not decrypt with any known key variant`;
  return undefined;
}

function label(type: string, exportNames: string[], packed: boolean, q: QakbotResult): string {
  if (q.core && !q.config && !q.c2) return `Qakbot loader ${type} (core in resource ${q.core.resource})`;
  if (q.config || q.c2) {
    const parts = [q.config?.campaign ? `campaign ${q.config.campaign}` : undefined, q.c2 ? `${q.c2.servers.length} C2` : undefined].filter(Boolean);
    return `Qakbot ${type} (${parts.join(', ')})`;
  }
  const base = exportLabel(type, exportNames);
  return packed ? `${base}, packed` : base;
}
