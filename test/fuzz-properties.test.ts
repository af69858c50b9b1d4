// Property-based fuzzing (fast-check) of the parsers: MIME, Outlook msg, ZIP and the other archives, PE,
// LNK, command lines and PowerShell. Inputs are valid samples from the generators with random edits (bit
// flips, interesting integers, truncations, splices), structures built field by field where that is cheap
// (MIME trees, ZIP and PE headers, shortcut flags) and token grammars (cmd metacharacters, PowerShell).
// Every input must give a result: no exception, no finding outside the catalogue, no ignored abort.
// A failing case prints its input in base64; shrinking keeps it small.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyzers } from '../src/analyzers/index.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import { openServices } from '../src/services.ts';
import { makeShortcut } from './generators/lnk.ts';
import { buildPe, codeLikeBytes, peLayout } from './generators/pe.ts';
import { rawZip, storedEntry } from './generators/zip.ts';
import { assertBehaves, mutatedSample } from './fuzz/properties.ts';
import { targetByName } from './fuzz/targets.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
/**
 * Fixed seeds: CI runs the same cases every time. For a wider search, TACKLEBOX_FUZZ_SCALE multiplies the runs
 * and TACKLEBOX_FUZZ_SEED moves every seed: `TACKLEBOX_FUZZ_SCALE=20 TACKLEBOX_FUZZ_SEED=7 npm run unit -- fuzz-prop`.
 */
const SCALE = Number(process.env.TACKLEBOX_FUZZ_SCALE) || 1;
const SEED_SHIFT = Number(process.env.TACKLEBOX_FUZZ_SEED) || 0;
const runs = <T,>(numRuns: number, seed: number): fc.Parameters<T> => ({ numRuns: Math.ceil(numRuns * SCALE), seed: seed + SEED_SHIFT, asyncReporter: shortReport<T> });

/** fast-check's own report prints the whole counterexample (a msg is 5 KB of numbers): keep our message. */
async function shortReport<T>(details: fc.RunDetails<T>): Promise<void> {
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`property failed after ${details.numRuns} runs (seed ${details.seed}, path "${details.counterexamplePath}", shrunk ${details.numShrinks} times)\n${cause}`);
}

async function samplesOf(name: string) {
  const target = targetByName(name);
  return { target, samples: await target.seeds() };
}

// ---- MIME ----

const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('=?utf-8?B?SW52b2ljZQ==?=', '=?iso-8859-1?Q?R=E9sum=E9?=', '=?x-unknown?B?@@@?=', '=?utf-8?Q?', '"Bob" <bob@example.com>', '<>', 'a@b, "c, d" <e@f>, (comment) g@h', 'undisclosed-recipients:;'),
);
const contentType = fc.constantFrom('text/plain', 'text/html', 'application/octet-stream', 'application/zip', 'message/rfc822', 'text/calendar', 'image/png', 'application/ms-tnef', 'x/x', '');
const encoding = fc.constantFrom('7bit', '8bit', 'base64', 'quoted-printable', 'binary', 'x-uuencode', 'BASE64 ', 'bogus');
const boundaryText = fc.oneof(fc.constantFrom('b1', 'b1-inner', '', ' ', '--', '"quoted"', 'a'.repeat(80)), fc.string({ minLength: 0, maxLength: 12 }));
const bodyText = fc.oneof(fc.string({ maxLength: 200 }), fc.base64String({ maxLength: 200 }), fc.constantFrom('=3D=\r\n=ZZ', 'PGEgaHJlZj0iaHR0cDovL2EuZXhhbXBsZS94Ij54PC9hPg==', 'Password: Inv4411\r\nhttp://a.example/x.zip'));

type MimePart = { headers: [string, string][]; body: string } | { headers: [string, string][]; boundary: string; parts: MimePart[]; close: boolean; preamble: string };

const mimeTree = fc.letrec<{ part: MimePart }>((tie) => ({
  part: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ headers: fc.array(fc.tuple(fc.constantFrom('Content-Type', 'Content-Transfer-Encoding', 'Content-Disposition', 'Content-ID', 'X-Junk'), fc.oneof(contentType, encoding, headerValue)), { maxLength: 4 }), body: bodyText }),
    fc.record({
      headers: fc.array(fc.tuple(fc.constantFrom('Content-Disposition', 'X-Junk'), headerValue), { maxLength: 2 }),
      boundary: boundaryText,
      parts: fc.array(tie('part'), { maxLength: 4 }),
      close: fc.boolean(),
      preamble: fc.string({ maxLength: 20 }),
    }),
  ),
})).part;

function renderPart(p: MimePart, eol: string): string {
  const headers = p.headers.map(([k, v]) => `${k}: ${v}`);
  if ('body' in p) return `${headers.join(eol)}${eol}${eol}${p.body}`;
  const type = `Content-Type: multipart/${p.boundary.length % 2 ? 'mixed' : 'alternative'}; boundary="${p.boundary}"`;
  const parts = p.parts.map((c) => `--${p.boundary}${eol}${renderPart(c, eol)}`).join(eol);
  return `${[type, ...headers].join(eol)}${eol}${eol}${p.preamble}${eol}${parts}${eol}${p.close ? `--${p.boundary}--${eol}` : ''}`;
}

const message = fc
  .record({
    top: fc.array(fc.tuple(fc.constantFrom('From', 'To', 'Cc', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'Received', 'Return-Path', 'Authentication-Results', 'DKIM-Signature', 'X-PHISHTEST', 'MIME-Version'), headerValue), { maxLength: 10 }),
    body: mimeTree,
    eol: fc.constantFrom('\r\n', '\n', '\r'),
    fold: fc.boolean(),
  })
  .map(({ top, body, eol, fold }) => {
    const head = top.map(([k, v]) => `${k}: ${fold ? v.replace(/ /g, `${eol}\t`) : v}`).join(eol);
    return enc(`${head}${head ? eol : ''}${renderPart(body, eol)}`);
  });

test('email: generated MIME trees and mutated samples give results', async () => {
  const { target, samples } = await samplesOf('email');
  await fc.assert(fc.asyncProperty(fc.oneof(message, mutatedSample(samples)), (data) => assertBehaves(target, data)), runs(500, 9101));
});

test('email through the engine: every analyzer the chain reaches gives a result, none throws', async () => {
  const config = defaultConfig();
  Object.assign(config.limits, { analyzerTimeMs: 10_000, submissionTimeMs: 30_000 });
  const services = await openServices(config);
  try {
    const { samples } = await samplesOf('email');
    await fc.assert(
      fc.asyncProperty(fc.oneof(message, mutatedSample(samples)), async (data) => {
        const run = await analyzeSubmission({ name: 'report.eml', data }, { config, analyzers, services: services.services });
        const thrown = run.findings.filter((f) => f.id === 'engine.analyzer-error');
        assert.deepEqual(thrown.map((f) => f.evidence), [], `input (base64): ${Buffer.from(data).toString('base64').slice(0, 2000)}`);
      }),
      runs(60, 9102),
    );
  } finally {
    await services.close();
  }
});

// ---- Outlook msg ----

test('msg: mutated Outlook items (sector tables, property streams) give results', async () => {
  const { target, samples } = await samplesOf('msg');
  // Sector numbers where the allocation tables expect them: cycles, self-links, out-of-range chains.
  const sectorLinks = fc.tuple(fc.integer({ min: 0, max: samples.length - 1 }), fc.array(fc.tuple(fc.nat(2047), fc.oneof(fc.nat(40), fc.constantFrom(0xfffffffe, 0xfffffffd, 0xffffffff, 0x7fffffff))), { minLength: 1, maxLength: 6 })).map(([i, links]) => {
    const data = samples[i]!.slice();
    const view = new DataView(data.buffer);
    for (const [slot, value] of links) if (512 + slot * 4 + 4 <= data.length) view.setUint32(512 + slot * 4, value, true);
    return data;
  });
  await fc.assert(fc.asyncProperty(fc.oneof(mutatedSample(samples), sectorLinks), (data) => assertBehaves(target, data)), runs(300, 9201));
});

// ---- ZIP and other archives ----

const zipNames = fc.oneof(fc.string({ minLength: 0, maxLength: 30 }), fc.constantFrom('../../../etc/passwd', 'C:\\Windows\\win.ini', '/abs/path', 'a/../../b', 'dir/', 'con', 'Invoice.pdf.lnk', 'a'.repeat(300), 'x\u0000y', '\u202egpj.exe'));
const zipHeaderEdit = fc.record({ sig: fc.constantFrom('PK\x03\x04', 'PK\x01\x02', 'PK\x05\x06'), nth: fc.nat(4), field: fc.nat(45), width: fc.constantFrom(1, 2, 4), value: fc.constantFrom(0, 1, 8, 9, 12, 14, 99, 0xff, 0xffff, 0x7fffffff, 0xffffffff) });

function editZipHeader(data: Uint8Array, e: { sig: string; nth: number; field: number; width: number; value: number }): Uint8Array {
  const sig = latin1(e.sig);
  const hits: number[] = [];
  for (let i = 0; i + 4 <= data.length; i++) if (data[i] === sig[0] && data[i + 1] === sig[1] && data[i + 2] === sig[2] && data[i + 3] === sig[3]) hits.push(i);
  if (hits.length === 0) return data;
  const out = data.slice();
  const at = hits[e.nth % hits.length]! + 4 + e.field;
  for (let i = 0; i < e.width && at + i < out.length; i++) out[at + i] = (e.value >>> (8 * i)) & 0xff;
  return out;
}

test('zip: hostile names, lying headers and mutated archives give results', async () => {
  const { target, samples } = await samplesOf('zip');
  const built = fc.array(fc.tuple(zipNames, fc.string({ maxLength: 64 })), { minLength: 1, maxLength: 6 }).map((files) => rawZip(files.map(([n, d]) => storedEntry(n, d))));
  const lying = fc.tuple(fc.oneof(built, fc.constantFrom(...samples)), fc.array(zipHeaderEdit, { minLength: 1, maxLength: 4 })).map(([zip, edits]) => edits.reduce(editZipHeader, zip));
  await fc.assert(fc.asyncProperty(fc.oneof(built, lying, mutatedSample(samples)), (data) => assertBehaves(target, data)), runs(50, 9301));
});

test('7z, RAR, CAB, ISO, gzip: mutated archives give results', async () => {
  const { target, samples } = await samplesOf('archive');
  // Each case starts a 7-Zip worker: fewer runs, the long fuzzing run covers more.
  await fc.assert(fc.asyncProperty(mutatedSample(samples), (data) => assertBehaves(target, data)), runs(20, 9401));
});

// ---- PE ----

test('pe: random layouts and lying header fields give results', async () => {
  const { target, samples } = await samplesOf('pe');
  const spec = fc.record({
    is64: fc.boolean(),
    dll: fc.boolean(),
    sections: fc.array(fc.record({ name: fc.string({ maxLength: 8 }), size: fc.nat(600), access: fc.constantFrom('r-x', 'rw-', 'r--', 'rwx'), virtualSize: fc.option(fc.nat(0x20000), { nil: undefined }) }), { minLength: 1, maxLength: 4 }),
    imports: fc.array(fc.record({ dll: fc.string({ minLength: 1, maxLength: 12 }), functions: fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.nat(0xffff)), { minLength: 1, maxLength: 4 }) }), { maxLength: 3 }),
    exports: fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 4 }),
    overlay: fc.nat(300),
  });
  const built = spec.map((s) =>
    buildPe({
      is64: s.is64,
      dll: s.dll,
      sections: s.sections.map((x) => ({ name: x.name, data: codeLikeBytes(x.size), access: x.access, virtualSize: x.virtualSize })),
      imports: s.imports,
      exports: s.exports.length ? { dllName: 'x.dll', names: s.exports } : undefined,
      overlay: s.overlay ? codeLikeBytes(s.overlay) : undefined,
    }),
  );
  // Fields a malformed PE lies in: e_lfanew, section count, optional header size, data directories, section table.
  const lying = fc.tuple(fc.oneof(built, fc.constantFrom(...samples)), fc.array(fc.tuple(fc.constantFrom('lfanew', 'sections', 'optsize', 'directory', 'section'), fc.nat(400), fc.constantFrom(0, 1, 0x1000, 0xffff, 0x7fffffff, 0xfffffff0, 0xffffffff)), { minLength: 1, maxLength: 5 })).map(([pe, edits]) => {
    const data = pe.slice();
    const dv = new DataView(data.buffer);
    const { peOffset, sectionCountAt, sectionTableAt } = peLayout(pe);
    const put = (at: number, v: number, width: 2 | 4) => {
      if (at < 0 || at + width > data.length) return;
      if (width === 2) dv.setUint16(at, v & 0xffff, true);
      else dv.setUint32(at, v >>> 0, true);
    };
    for (const [field, where, value] of edits) {
      if (field === 'lfanew') put(0x3c, value, 4);
      else if (field === 'sections') put(sectionCountAt, value, 2);
      else if (field === 'optsize') put(peOffset + 20, value, 2);
      else if (field === 'directory') put(sectionTableAt - 128 + (where % 32) * 4, value, 4);
      else put(sectionTableAt + (where % 160), value, 4);
    }
    return data;
  });
  await fc.assert(fc.asyncProperty(fc.oneof(built, lying, mutatedSample(samples)), (data) => assertBehaves(target, data)), runs(800, 9501));
});

// ---- LNK ----

test('lnk: shortcuts with any strings, flags and sizes give results', async () => {
  const { target, samples } = await samplesOf('lnk');
  const text = fc.option(fc.string({ maxLength: 300 }), { nil: undefined });
  const built = fc.record({ target: text, arguments: text, workingDir: text, iconLocation: text, name: text, environmentTarget: text, machineId: text, showCommand: fc.option(fc.nat(10), { nil: undefined }) }).map((s) => makeShortcut(s));
  const lying = fc.tuple(fc.oneof(built, fc.constantFrom(...samples)), fc.nat(0xffffffff), fc.nat(0xffff), fc.nat(200)).map(([lnk, flags, size, at]) => {
    const data = lnk.slice();
    const dv = new DataView(data.buffer);
    dv.setUint32(0x14, flags, true); // LinkFlags: which sections follow
    if (0x4c + at + 2 <= data.length) dv.setUint16(0x4c + at, size, true); // an IDList, LinkInfo or string size
    return data;
  });
  await fc.assert(fc.asyncProperty(fc.oneof(built, lying, mutatedSample(samples)), (data) => assertBehaves(target, data)), runs(1000, 9601));
});

// ---- command lines ----

const cmdToken = fc.oneof(
  fc.constantFrom('cmd', 'cmd.exe', '/c', '/k', '/v:on', '/r', 'set', 'call', 'start', '/b', 'powershell', '-enc', '-e', '-EncodedCommand', '-c', '-nop', '-w', 'hidden', 'rundll32', 'regsvr32', 'mshta', 'certutil', '-decode', 'wmic', 'process', 'call', 'create', 'schtasks', '/tr', 'forfiles', 'conhost', 'curl', '-o', 'bitsadmin', 'msiexec', 'echo', 'rem', 'for', '/f', '%i', 'in', 'do', 'if', 'exist', 'goto', ':label', 'http://a.example/p.dll', '%TEMP%\\x.dll', ',DllRegisterServer'),
  fc.constantFrom('^', '"', '&', '&&', '||', '|', '>', '>>', '<', '(', ')', '%', '%%', '!', '=', '%x%', '%x:~1,3%', '%x:a=b%', '%x:~-1%', '!x!', '%~dp0', '\r\n', '\n', '\t', ' ', '  '),
  fc.string({ maxLength: 6 }),
  fc.base64String({ maxLength: 40 }),
);
const commandLine = fc.array(cmdToken, { maxLength: 40 }).map((tokens) => tokens.join(''));
const spaced = fc.array(cmdToken, { maxLength: 40 }).map((tokens) => tokens.join(' '));
const nestedCmd = fc.tuple(fc.nat(40), commandLine).map(([depth, inner]) => `${'cmd /c "'.repeat(depth)}${inner}${'"'.repeat(depth)}`);

test('cmdline: cmd metacharacters, variables, nesting and mutated launchers give results', async () => {
  const { target, samples } = await samplesOf('cmdline');
  await fc.assert(fc.asyncProperty(fc.oneof(commandLine.map(enc), spaced.map(enc), nestedCmd.map(enc), mutatedSample(samples)), (data) => assertBehaves(target, data)), runs(1500, 9701));
});

// ---- PowerShell ----

const psToken = fc.oneof(
  fc.constantFrom('$a', '$b', '${x}', '$env:TEMP', '$_', '$null', '$true', '@(', '@{', '(', ')', '{', '}', '[', ']', '[char]', '[string]', '[int]', '[byte[]]', '[Convert]::FromBase64String', '::', '.', '..', ',', ';', '\n', '|', '%', '?', '&', '+', '-', '*', '/', '=', '+=', '-f', '-join', '-split', '-replace', '-bxor', '-eq', '-not', '!', '`', "'", '"', '@"\n', '\n"@', '$(', '0x41', '1e9', '65', 'iex', 'Invoke-Expression', 'New-Object', 'Net.WebClient', 'DownloadString', 'DownloadFile', 'Start-Process', 'Set-Content', 'foreach', 'for', 'while', 'do', 'until', 'if', 'else', 'switch', 'function', 'param', 'return', 'break', 'continue', 'try', 'catch', 'finally', 'throw', 'exit', '-Path', '-Value', '-ArgumentList', "'http://a.example/x'"),
  // Regular expressions the script writes: the evaluator runs them (catastrophic backtracking, odd syntax).
  fc.constantFrom('-match', '-notmatch', '-creplace', '-csplit', "'(a+)+$'", "'(a|a)*b'", "'(?i)A'", "'(x)\\1'", "'(?<=a)b'", "'[\\w-]+'", "('a' * 40)", '[regex]::Matches(', '[regex]::Replace(', '-like', "'*a*a*a*a*b'"),
  fc.string({ maxLength: 5 }),
  fc.integer({ min: -5, max: 300 }).map(String),
);
const psScript = fc.array(psToken, { maxLength: 60 }).map((t) => t.join(' '));
const psDense = fc.array(psToken, { maxLength: 60 }).map((t) => t.join(''));
/** Deep nesting and long chains: recursion in the parser and evaluator. */
const psDeep = fc.tuple(fc.constantFrom(['(', ')'], ['{', '}'], ['$(', ')'], ['@(', ')'], ['"$(', ')"'], ['iex (', ')'], ['& {', '}'], ['[char[]](', ')'], ['-not ', ''], ['!', ''], [',', ''], ["'a'+", ''], ['1 + ', ''], ['$x.', 'y']), fc.integer({ min: 1, max: 3000 }), psScript).map(([[open, close], n, inner]) => `${open.repeat(n)}${inner}${close.repeat(n)}`);

test('powershell: token soup, deep nesting, long chains and mutated scripts give results', async () => {
  const { target, samples } = await samplesOf('powershell');
  await fc.assert(fc.asyncProperty(fc.oneof(psScript.map(enc), psDense.map(enc), psDeep.map(enc), mutatedSample(samples)), (data) => assertBehaves(target, data)), runs(800, 9801));
});
