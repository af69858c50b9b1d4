// Tells what an artifact is, by content first and by name second, from the table in rules/kinds.yaml.

import { loadRules } from './rules.ts';

interface MagicRule {
  kind: string;
  at: number;
  hex?: string;
  text?: string;
}
interface TextPattern {
  re: string;
  weight: number;
  multiline?: boolean;
}
interface RefineRule {
  kind: string;
  utf16?: string;
  text?: string;
}
interface KindsFile {
  magic: MagicRule[];
  text: Record<string, { threshold: number; patterns: TextPattern[] }>;
  extensions: Record<string, string>;
  refine: Record<string, RefineRule[]>;
}

interface CompiledKinds {
  magic: { kind: string; at: number; bytes: Uint8Array }[];
  text: { kind: string; threshold: number; patterns: { re: RegExp; weight: number }[] }[];
  extensions: Map<string, string>;
  refine: Map<string, { kind: string; needle: Uint8Array }[]>;
}

const SNIFF_BYTES = 64 * 1024;
const REFINE_BYTES = 8 * 1024 * 1024;

let compiled: CompiledKinds | undefined;

function compile(): CompiledKinds {
  const file = loadRules<KindsFile>('kinds.yaml');
  return {
    magic: file.magic.map((m) => ({
      kind: m.kind,
      at: m.at,
      bytes: m.hex ? Buffer.from(m.hex, 'hex') : Buffer.from(m.text ?? '', 'latin1'),
    })),
    text: Object.entries(file.text).map(([kind, spec]) => ({
      kind,
      threshold: spec.threshold,
      patterns: spec.patterns.map((p) => ({ re: new RegExp(p.re, p.multiline ? 'im' : 'i'), weight: p.weight })),
    })),
    extensions: new Map(Object.entries(file.extensions)),
    refine: new Map(
      Object.entries(file.refine).map(([kind, rules]) => [
        kind,
        rules.map((r) => ({
          kind: r.kind,
          needle: r.utf16 ? Buffer.from(r.utf16, 'utf16le') : Buffer.from(r.text ?? '', 'latin1'),
        })),
      ]),
    ),
  };
}

function startsWithAt(data: Uint8Array, at: number, bytes: Uint8Array): boolean {
  if (data.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (data[at + i] !== bytes[i]) return false;
  return true;
}

/** True when the bytes look like text a person or an interpreter reads (no NULs, few control bytes). */
export function looksLikeText(data: Uint8Array): boolean {
  const n = Math.min(data.length, SNIFF_BYTES);
  if (n === 0) return true;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = data[i]!;
    if (b === 0) return false;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control / n < 0.02;
}

function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

function decodeHead(data: Uint8Array): string {
  const head = data.subarray(0, SNIFF_BYTES);
  // UTF-16LE text (PowerShell and .reg exports) shows as NUL every other byte.
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return Buffer.from(head.subarray(2)).toString('utf16le');
  let start = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3;
  return Buffer.from(head.subarray(start)).toString('latin1');
}

function bestTextKind(kinds: CompiledKinds, text: string): string | undefined {
  let best: { kind: string; score: number } | undefined;
  for (const spec of kinds.text) {
    let score = 0;
    for (const p of spec.patterns) if (p.re.test(text)) score += p.weight;
    if (score >= spec.threshold && (!best || score - spec.threshold > best.score)) {
      best = { kind: spec.kind, score: score - spec.threshold };
    }
  }
  return best?.kind;
}

function refine(kinds: CompiledKinds, kind: string, data: Uint8Array): string {
  const rules = kinds.refine.get(kind);
  if (!rules) return kind;
  const hay = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, REFINE_BYTES));
  for (const r of rules) if (hay.indexOf(r.needle) >= 0) return r.kind;
  return kind;
}

/**
 * The kind of an artifact. Binary signatures decide first; text is scored against the text kinds;
 * the name's extension decides only when content alone says "text" or nothing.
 */
export function identify(data: Uint8Array, name = ''): string {
  compiled ??= compile();
  for (const m of compiled.magic) {
    if (startsWithAt(data, m.at, m.bytes)) return refine(compiled, m.kind, data);
  }
  const byName = compiled.extensions.get(extensionOf(name));
  if (!looksLikeText(data)) {
    const isUtf16 = data[0] === 0xff && data[1] === 0xfe;
    if (!isUtf16) return 'binary';
  }
  const byContent = bestTextKind(compiled, decodeHead(data));
  if (byContent) {
    // A script whose name says which script language it is: the name settles JScript vs VBScript vs PowerShell.
    if (byName && SCRIPT_KINDS.has(byName) && SCRIPT_KINDS.has(byContent)) return byName;
    return byContent;
  }
  return byName ?? 'text';
}

const SCRIPT_KINDS = new Set(['jscript', 'vbscript', 'powershell', 'cmdline']);
