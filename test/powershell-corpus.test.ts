// Acceptance over the Unit42 corpus (corpora/powershell-encoded/dev.zip, 300 real encoded command lines with
// the decoded text the corpus authors published). Read in place and unzipped in memory.
//
// How "the decoded layer matches `decoded`" is checked, per record (the authors' own decoder explains the
// three kinds of difference we found; each record must fall in exactly the class the test expects):
//  - exact: the text of the cmdline analyzer's `decoded` child (base64 → UTF-16LE, as powershell.exe reads
//    -EncodedCommand) is identical to `decoded`;
//  - trimmed: identical once leading/trailing whitespace is removed (the authors stripped the text; the
//    child keeps the script byte for byte, e.g. its final CRLF);
//  - byte-rendered: the script holds non-ASCII characters (U+201D, a Word quote). The authors did not decode
//    UTF-16LE: they dropped the NUL bytes and read the rest as single bytes, so U+201D became "\x1d ".
//    Applying that same rendering to our child text must give `decoded` exactly;
//  - 4 records are `powershell.exe powershell -window hidden -enc …`: the outer host is given a command that
//    is itself a powershell launcher, so the published text is the inner one. The cmdline analyzer reads that
//    command as a nested command line (as it does `cmd /c`), and its decoded child is compared as above;
//  - cut short: the base64 decodes to an odd number of bytes. .NET (and the child) turn the dangling byte
//    into U+FFFD and we raise `cmdline.launcher.encoded-malformed`; the authors rendered the lone byte as
//    a character. Everything before it must match exactly.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import { TextWriter, Uint8ArrayReader, ZipReader, configure } from '@zip.js/zip.js';
import { cmdlineAnalyzer } from '../src/analyzers/cmdline/index.ts';
import { powershellAnalyzer } from '../src/analyzers/powershell/index.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import type { AnalysisContext, Artifact } from '../src/engine/types.ts';
import { buildReport } from '../src/verdict/report.ts';
import { analysisContext } from './generators/context.ts';

configure({ useWebWorkers: false });

const CORPUS = new URL('../../shared/corpora/powershell-encoded/dev.zip', import.meta.url);

interface Record {
  original: string;
  decoded: string;
  family: string;
}

let records: Record[] = [];

before(async () => {
  const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(CORPUS))), { password: 'infected' });
  const entries = await reader.getEntries();
  const entry = entries.find((e) => e.filename.endsWith('dev.jsonl'));
  assert.ok(entry && !entry.directory, 'dev.jsonl is in the corpus');
  const text = await entry.getData!(new TextWriter());
  await reader.close();
  records = text.trim().split('\n').map((line) => JSON.parse(line) as Record);
});

const context = (): AnalysisContext => analysisContext();

function artifact(text: string): Artifact {
  const data = new TextEncoder().encode(text);
  return { id: 'a1', parent: null, relation: 'root', kind: 'cmdline', name: 'command.txt', sha256: '', size: data.length, depth: 0, data, meta: {} };
}

/** The corpus authors' rendering: UTF-16LE code units as bytes, NUL bytes dropped, each byte one character. */
function authorsRendering(text: string): string {
  return Array.from(Buffer.from(text, 'utf16le'))
    .filter((b) => b !== 0)
    .map((b) => String.fromCharCode(b))
    .join('');
}

test('the corpus is all there: 300 records', () => {
  assert.equal(records.length, 300);
});

test('every record decodes to the published text (exact, or one of the explained renderings)', async () => {
  const classes = { exact: 0, trimmed: 0, 'byte-rendered': 0, 'cut short': 0 };
  const failures: string[] = [];
  for (const [i, r] of records.entries()) {
    const result = await cmdlineAnalyzer.analyze(artifact(r.original), context());
    const child = result.children?.find((c) => c.relation === 'decoded' && c.kind === 'powershell');
    if (!child) {
      failures.push(`#${i} (${r.family}): no decoded PowerShell layer`);
      continue;
    }
    const ours = new TextDecoder().decode(child.data);
    if (ours === r.decoded) classes.exact++;
    else if (ours.trim() === r.decoded && ours !== r.decoded) classes.trimmed++;
    else if (/[^\x00-\x7f]/.test(ours) && !ours.includes('\uFFFD') && authorsRendering(ours).trim() === r.decoded) classes['byte-rendered']++;
    else if (
      ours.endsWith('\uFFFD') &&
      result.findings?.some((f) => f.id === 'cmdline.launcher.encoded-malformed') &&
      ours.slice(0, -1) === r.decoded.slice(0, -1)
    )
      classes['cut short']++;
    else failures.push(`#${i} (${r.family}): ${JSON.stringify(ours.slice(0, 80))} ≠ ${JSON.stringify(r.decoded.slice(0, 80))}`);
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(classes, { exact: 287, trimmed: 7, 'byte-rendered': 5, 'cut short': 1 });
});

/** URLs written in a decoded text, found independently of the analyzer: quoted URLs whole, else up to a delimiter. */
function urlsWritten(text: string): string[] {
  const urls = new Set<string>();
  for (const m of text.matchAll(/(['"])((?:https?|ftp):\/\/[^'"\r\n]+)\1/gi)) urls.add(m[2]!);
  for (const m of text.matchAll(/(?:https?|ftp):\/\/[^\s'"()]+/gi)) {
    if (![...urls].some((u) => u.startsWith(m[0]))) urls.add(m[0]);
  }
  return [...urls];
}

test('every URL in a decoded text comes out as a URL IOC; fetched ones as payload URLs with a link child', async () => {
  const config = defaultConfig();
  const missing: string[] = [];
  let checked = 0;
  let payload = 0;
  for (const [i, r] of records.entries()) {
    const expected = urlsWritten(r.decoded);
    if (expected.length === 0) continue;
    const run = await analyzeSubmission(
      { name: 'command.txt', data: new TextEncoder().encode(r.original) },
      { config, analyzers: [cmdlineAnalyzer, powershellAnalyzer] },
    );
    assert.equal(run.artifacts[0]!.kind, 'cmdline', `#${i} is identified as a command line`);
    const iocUrls = new Set(run.iocs.filter((ioc) => ioc.type === 'url').map((ioc) => ioc.value));
    for (const url of expected) {
      checked++;
      if (!iocUrls.has(url)) missing.push(`#${i} (${r.family}): ${url}`);
    }
    // Downloaders: the URL they fetch is a payload URL and a link child the downloader can follow.
    if (/Download(File|String)\(\s*['"](https?|ftp):/i.test(r.decoded)) {
      const links = run.artifacts.filter((a) => a.relation === 'link' && a.kind === 'url').map((a) => a.name);
      const roles = run.iocs.filter((ioc) => ioc.type === 'url' && ioc.role === 'payload-url').map((ioc) => ioc.value);
      assert.ok(links.length > 0 && roles.length > 0, `#${i} (${r.family}) has a payload URL and a link child`);
      payload++;
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(checked >= 150, `checked ${checked} URLs`);
  assert.ok(payload >= 140, `${payload} downloaders`);
});

test('the run step and the verdict of the commodity downloaders', async () => {
  const config = defaultConfig();
  const dfsp = records.filter((r) => r.family === 'Downloader DFSP');
  assert.ok(dfsp.length > 50);
  for (const r of dfsp) {
    const run = await analyzeSubmission({ name: 'command.txt', data: new TextEncoder().encode(r.original) }, { config, analyzers: [cmdlineAnalyzer, powershellAnalyzer] });
    const ids = new Set(run.findings.map((f) => f.id));
    assert.ok(ids.has('powershell.download'), r.decoded);
    assert.ok(ids.has('powershell.run.start-process') || ids.has('powershell.run.command'), r.decoded);
    assert.ok(run.iocs.some((ioc) => ioc.type === 'filename' && /\.exe$/i.test(ioc.value)), `saved file of ${r.decoded}`);
    assert.equal(buildReport(run).verdict, 'malicious', r.decoded);
  }
});
