// Body analysis speed: the text and html analyzers (lures, passwords, links, rendering) on generated bodies,
// against baselines measured in the same run — for text, one URL regex over the decoded body (the least a link
// extractor does); for HTML, htmlparser2 parsing the same bytes with empty callbacks (the parser's own floor).
// Run: npx tsx bench/bodies.ts
import { Parser } from 'htmlparser2';
import { htmlAnalyzer } from '../src/analyzers/html/index.ts';
import { textAnalyzer } from '../src/analyzers/text/index.ts';
import { defaultConfig } from '../src/config.ts';
import type { AnalysisContext, Artifact } from '../src/engine/types.ts';
import { analysisContext } from '../test/generators/context.ts';

const config = defaultConfig();
const ctx: AnalysisContext = analysisContext({ config });

function artifact(kind: string, text: string): Artifact {
  const data = new TextEncoder().encode(text);
  return { id: 'a2', parent: 'a1', relation: 'body', kind, name: 'body', sha256: '', size: data.length, depth: 1, data, meta: {} };
}

const lure = [
  'Hello,',
  'Please see the overdue invoice below. Payment is required within 24 hours to avoid late fees.',
  'Download the document: http://cheapfurniture-outlet.example/wp-content/uploads/Invoice_4411.zip',
  'Password: Inv4411',
  'Kind regards, Accounts',
].join('\n');
const letter = Array.from({ length: 60 }, (_, i) => `Paragraph ${i}: our quarterly report covers sales, hiring and plans; details at https://intranet.example/q${i}.`).join('\n');
const newsletterHtml = `<html><head><style>.x{color:red}</style></head><body><div style="display:none">Spring news preview</div><table>${Array.from(
  { length: 100 },
  (_, i) => `<tr><td><img src="https://cdn.example/i${i}.png" alt="item ${i}"></td><td><a href="https://click.esp.example/t/${i}?u=abc">www.shop.example/item${i}</a><p>Item ${i} is &eacute;l&eacute;gant &amp; cheap.</p></td></tr>`,
).join('')}</table></body></html>`;
const bigHtml = `<html><body>${'<div><p>Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing elit. <a href="https://a.example/x">link</a></p></div>'.repeat(8_000)}</body></html>`;

function time(fn: () => void, minMs = 400): number {
  for (let i = 0; i < 3; i++) fn();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    runs++;
  }
  return (performance.now() - start) / runs;
}

const urlRegex = /https?:\/\/[^\s<>"']+/g;
function textBaseline(a: Artifact): number {
  return (new TextDecoder().decode(a.data).match(urlRegex) ?? []).length;
}
function htmlBaseline(a: Artifact): void {
  const p = new Parser({ onopentag() {}, ontext() {}, onclosetag() {} }, { decodeEntities: true });
  p.write(new TextDecoder().decode(a.data));
  p.end();
}

console.log('body                        bytes  baseline ms  analyzer ms  ratio  analyzer MB/s');
const row = (name: string, a: Artifact, base: () => unknown, run: () => unknown) => {
  const b = time(() => void base());
  const r = time(() => void run());
  const mbps = a.size / 1e6 / (r / 1000);
  console.log(
    `${name.padEnd(24)} ${String(a.size).padStart(8)}  ${b.toFixed(3).padStart(11)}  ${r.toFixed(3).padStart(11)}  ${(r / b).toFixed(1).padStart(5)}x  ${mbps.toFixed(1).padStart(13)}`,
  );
};
for (const [name, kind, text] of [
  ['qakbot lure (text)', 'text', lure],
  ['long letter (text)', 'text', letter],
  ['newsletter (html)', 'html', newsletterHtml],
  ['1 MB page (html)', 'html', bigHtml],
] as const) {
  const a = artifact(kind, text);
  const analyzer = kind === 'html' ? htmlAnalyzer : textAnalyzer;
  row(name, a, () => (kind === 'html' ? htmlBaseline(a) : textBaseline(a)), () => analyzer.analyze(a, ctx));
}
