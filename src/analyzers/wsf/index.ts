// WSF (XML that wraps JScript or VBScript for Windows Script Host) and HTA (an HTML Application run by
// mshta.exe): each script block becomes a `script` child of its language; remote src= blocks become links.

import type { AnalysisContext, Analyzer, AnalyzerResult, Artifact, ChildArtifact, FindingHit } from '../../engine/types.ts';
import { HTA_FINDINGS, WSF_FINDINGS } from './findings.ts';
import { artifactText, scriptBlocks, scriptKind } from './script-blocks.ts';

const EXTENSION = { jscript: 'js', jse: 'jse', vbscript: 'vbs' } as const;

function blocksToChildren(artifact: Artifact, text: string, ctx: AnalysisContext, prefix: 'wsf' | 'hta', fallback: 'jscript' | 'vbscript'): AnalyzerResult {
  // Script blocks are the members of this container: the archive member limit bounds them too.
  const { blocks, more } = scriptBlocks(text, ctx.limits.maxArchiveMembers);
  const findings: FindingHit[] = [];
  const children: ChildArtifact[] = [];
  const languages = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    const kind = scriptKind(block.language, fallback);
    if (block.language.endsWith('.encode')) findings.push({ id: `${prefix}.encoded-script`, evidence: `<script language="${block.language}"> at offset ${block.at}` });
    if (block.src) {
      if (/^(https?|ftp):/i.test(block.src)) {
        findings.push({ id: `${prefix}.remote-script`, evidence: `<script src="${block.src}">` });
        children.push({ relation: 'link', name: block.src, data: new TextEncoder().encode(block.src), kind: 'url' });
      }
    }
    if (!kind || block.code.trim() === '') continue;
    languages.add(kind);
    children.push({ relation: 'script', name: `${artifact.name}#script${i + 1}.${EXTENSION[kind]}`, data: new TextEncoder().encode(block.code), kind });
  }
  return {
    findings,
    children,
    limits: more ? [{ limit: 'maxArchiveMembers', detail: `took the first ${blocks.length} script blocks` }] : [],
    facts: { scriptBlocks: blocks.length, languages: [...languages] },
  };
}

export const wsfAnalyzer: Analyzer = {
  name: 'wsf',
  findings: WSF_FINDINGS,
  analyze(artifact, ctx) {
    const text = artifactText(artifact.data);
    const result = blocksToChildren(artifact, text, ctx, 'wsf', 'jscript');
    const jobs = (text.match(/<job[\s>]/gi) ?? []).length;
    const objects = [...text.matchAll(/<object\b[^>]*\bprogid\s*=\s*["']?([\w.]+)/gi)].map((m) => m[1]!).slice(0, 20);
    result.findings!.unshift({ id: 'wsf.windows-script-file', evidence: `${artifact.name}: ${jobs} job(s), ${result.children!.length} script block(s)` });
    result.facts = { ...result.facts, jobs, ...(objects.length ? { objects } : {}) };
    result.label = 'WSF';
    return result;
  },
};

/** <hta:application> settings that keep the window out of the user's sight. */
const HIDING = [/\bwindowstate\s*=\s*["']?minimize/i, /\bshowintaskbar\s*=\s*["']?no/i, /\bcaption\s*=\s*["']?no/i, /\bborder\s*=\s*["']?none/i, /\bvisible\s*=\s*["']?no/i];

export const htaAnalyzer: Analyzer = {
  name: 'hta',
  findings: HTA_FINDINGS,
  analyze(artifact, ctx) {
    const text = artifactText(artifact.data);
    // mshta runs scripts without a language attribute as JScript.
    const result = blocksToChildren(artifact, text, ctx, 'hta', 'jscript');
    const app = /<hta:application\b[^>]*>/i.exec(text)?.[0];
    result.findings!.unshift({ id: 'hta.html-application', evidence: app ? app.slice(0, 300) : `${artifact.name}: ${result.children!.length} script block(s)` });
    const hiding = app ? HIDING.filter((re) => re.test(app)).map((re) => re.exec(app)![0]) : [];
    if (hiding.length > 0) result.findings!.push({ id: 'hta.hidden-window', evidence: hiding.join(', ') });
    result.label = 'HTA';
    return result;
  },
};
