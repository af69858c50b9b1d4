// The archive analyzer through the engine: passwords from the email open encrypted archives (and the report
// says which opened which), archives nothing opens still show their member names, and hostile archives end
// bounded and reported.

import assert from 'node:assert/strict';
import { TextReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { test } from 'node:test';
import { archiveAnalyzer } from '../src/analyzers/archive/index.ts';
import { runSevenZip } from '../src/analyzers/archive/sevenzip-reader.ts';
import { passesCheckByte, zipCryptoHeader } from '../src/analyzers/archive/zipcrypto.ts';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import type { Analyzer, EngineConfig } from '../src/engine/types.ts';
import { buildReport } from '../src/verdict/report.ts';
import { make7z, makeGzip } from './generators/archive.ts';
import { makeIso } from './generators/archive-iso.ts';
import { makeRar5 } from './generators/archive-rar.ts';
import { makeCab } from './generators/archive-cab.ts';
import { makeFat12, makeVhd } from './generators/archive-disk.ts';
import { makeShortcut } from './generators/lnk.ts';
import { makeZip, nestedZip, rawZip, storedEntry, zerosZip } from './generators/zip.ts';

const JS = 'var sh = new ActiveXObject("WScript.Shell"); sh.Run("powershell -enc SQBFAFgA");';

/**
 * A stand-in for the email analyzer: publishes the body's stated password (and a few body words) to the
 * shared context and hands over the attachment, as the real one does.
 */
function mailWith(attachment: { name: string; data: Uint8Array }, stated?: string, words: string[] = []): Analyzer {
  return {
    name: 'email',
    findings: {},
    analyze: () => ({
      context: {
        passwords: [
          ...(stated ? [{ value: stated, source: "email body after 'Password:'", stated: true }] : []),
          ...words.map((w) => ({ value: w, source: 'email body word', stated: false })),
        ],
      },
      children: [{ relation: 'attachment' as const, name: attachment.name, data: attachment.data }],
    }),
  };
}

async function run(attachment: { name: string; data: Uint8Array }, stated?: string, options: { words?: string[]; limits?: Partial<EngineConfig['limits']> } = {}) {
  const config = defaultConfig();
  Object.assign(config.limits, options.limits ?? {});
  const email = new TextEncoder().encode('From: billing@example.com\nSubject: invoice\n\nsee attached');
  const result = await analyzeSubmission({ name: 'report.eml', data: email }, { config, analyzers: [mailWith(attachment, stated, options.words), archiveAnalyzer] });
  return buildReport(result);
}

const ids = (report: Awaited<ReturnType<typeof run>>) => report.findings.map((f) => f.id);

for (const encryption of ['zipcrypto', 'aes256'] as const) {
  test(`a ${encryption} ZIP opens with the password stated in the body; the report says which opened which`, async () => {
    const zip = await makeZip([{ name: 'Invoice_4411.js', data: JS }], { password: 'Qx-4411', encryption });
    const report = await run({ name: 'Invoice_4411.zip', data: zip }, 'Qx-4411', { words: ['see', 'attached'] });
    const archive = report.artifacts.find((a) => a.kind === 'zip')!;
    const script = report.artifacts.find((a) => a.name === 'Invoice_4411.js')!;
    assert.equal(script.parent, archive.id);
    assert.equal(script.relation, 'extracted');
    assert.equal(script.kind, 'jscript');
    assert.deepEqual(report.passwords, [{ value: 'Qx-4411', source: "email body after 'Password:'", opened: [archive.id] }]);
    assert.ok(ids(report).includes('archive.encrypted.password-in-body'));
    assert.ok(ids(report).includes('archive.script-member'));
    assert.equal(report.verdict, 'malicious', 'password from the body + a script inside');
  });
}

test('a ZipCrypto password that passes the one-byte check is rejected by the CRC; the right one wins', async () => {
  const zip = await makeZip([{ name: 'a.js', data: JS.repeat(20) }], { password: 'right-one' });
  // Find wrong passwords that pass ZipCrypto's check byte (about 1 in 256 does) and try them first.
  const header = zipCryptoHeader(zip, 0)!;
  const impostors = Array.from({ length: 5000 }, (_, i) => `wrong${i}`).filter((p) => passesCheckByte(p, header)).slice(0, 3);
  assert.ok(impostors.length > 0, 'some wrong passwords pass the check byte');
  const report = await run({ name: 'a.zip', data: zip }, undefined, { words: [...impostors, 'right-one'] });
  assert.deepEqual(report.passwords.map((p) => [p.value, p.opened.length]), [['right-one', 1]]);
  assert.equal(report.artifacts.find((a) => a.name === 'a.js')?.size, JS.length * 20);
});

test('an encrypted ZIP that nothing opens is a finding with its member names, and alone stays benign', async () => {
  const zip = await makeZip([{ name: 'Q3 report.pdf', data: '%PDF-1.7 …' }, { name: 'notes/readme.txt', data: 'hello' }], { password: 'not-in-the-mail' });
  const report = await run({ name: 'files.zip', data: zip }, 'something-else');
  const unopened = report.findings.find((f) => f.id === 'archive.encrypted.unopened')!;
  assert.match(unopened.evidence, /Q3 report\.pdf/);
  assert.match(unopened.evidence, /notes\/readme\.txt/);
  assert.equal(report.artifacts.length, 2, 'no members extracted');
  assert.equal(report.errors.length, 0);
  assert.equal(report.verdict, 'benign', '"encrypted archive" alone must not make mail suspicious');
});

test('the default passwords open a corpus-style ZIP, without the password-in-body finding', async () => {
  const zip = await makeZip([{ name: 'sample.txt', data: 'plain' }], { password: 'infected' });
  const report = await run({ name: 'sample.zip', data: zip });
  assert.deepEqual(report.passwords.map((p) => p.value), ['infected']);
  assert.ok(!ids(report).includes('archive.encrypted.password-in-body'));
});

test('a 7z with encrypted member names opens with the body password, and the names appear', async () => {
  const sevenZip = await make7z([{ name: 'docs/invoice.wsf', data: '<job><script language="JScript">WScript.Echo(1)</script></job>' }], { password: '8812', encryptNames: true });
  const report = await run({ name: 'invoice.7z', data: sevenZip }, '8812');
  const archive = report.artifacts.find((a) => a.kind === '7z')!;
  assert.deepEqual(report.passwords[0]!.opened, [archive.id]);
  assert.ok(report.artifacts.some((a) => a.name === 'docs/invoice.wsf' && a.parent === archive.id));
  assert.ok(ids(report).includes('archive.encrypted.password-in-body'));
});

test('a 7z with encrypted names that nothing opens says the names are hidden too', async () => {
  const sevenZip = await make7z([{ name: 'x.js', data: JS }], { password: 'secret', encryptNames: true });
  const report = await run({ name: 'x.7z', data: sevenZip }, 'nope');
  assert.match(report.findings.find((f) => f.id === 'archive.encrypted.unopened')!.evidence, /names are encrypted/);
});

test('gzip unpacks to its stored name', async () => {
  const report = await run({ name: 'payload.gz', data: makeGzip('run.js', JS) });
  assert.ok(report.artifacts.some((a) => a.name === 'run.js' && a.kind === 'jscript'));
});

test('a member of 1 GiB of zeros stops at the cap, is reported, and never costs the gigabyte', async () => {
  const zip = await zerosZip('zeros.bin', 1024 ** 3);
  const before = process.memoryUsage().arrayBuffers;
  const report = await run({ name: 'bomb.zip', data: zip }, undefined, { limits: { maxMemberBytes: 8 * 1024 * 1024 } });
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(ids(report).includes('archive.compression-bomb'));
  assert.ok(report.limits.some((l) => l.limit === 'maxMemberBytes' || l.limit === 'maxCompressionRatio'));
  const member = report.artifacts.find((a) => a.name === 'zeros.bin')!;
  assert.ok(member.size <= 8 * 1024 * 1024, `kept ${member.size} bytes`);
  assert.ok(grown < 256 * 1024 * 1024, `memory grew by ${grown} bytes`);
});

test('the compression ratio guard cuts a member that unpacks beyond its ratio', async () => {
  const zip = await zerosZip('filler.bin', 64 * 1024 * 1024);
  const report = await run({ name: 'r.zip', data: zip }, undefined, { limits: { maxCompressionRatio: 50 } });
  assert.ok(report.limits.some((l) => l.limit === 'maxCompressionRatio'));
  const member = report.artifacts.find((a) => a.name === 'filler.bin')!;
  assert.ok(member.size < 64 * 1024 * 1024);
});

test('64 levels of ZIP in ZIP end at the depth limit, reported', async () => {
  const report = await run({ name: 'nest.zip', data: await nestedZip(64) });
  assert.ok(report.limits.some((l) => l.limit === 'maxDepth'));
  assert.ok(report.findings.some((f) => f.id === 'limit.maxDepth'));
  assert.equal(Math.max(...report.artifacts.map((a) => a.depth)), defaultConfig().limits.maxDepth);
});

test('traversal, absolute, drive and UNC member names are findings; children get safe relative names', async () => {
  const zip = rawZip([
    storedEntry('../../etc/cron.d/evil', 'x'),
    storedEntry('/tmp/abs.txt', 'y'),
    storedEntry('C:\\Users\\Public\\run.js', JS),
    storedEntry('..\\..\\Startup\\a.lnk', 'z'),
    storedEntry('\\\\evil\\share\\b.txt', 'w'),
    storedEntry('fine/ok.txt', 'ok'),
  ]);
  const report = await run({ name: 't.zip', data: zip });
  const evidence = report.findings.filter((f) => f.id === 'archive.unsafe-member-name').map((f) => f.evidence);
  assert.equal(evidence.length, 5);
  assert.ok(evidence.some((e) => e.startsWith('path traversal') && e.includes('../../etc/cron.d/evil')));
  assert.ok(evidence.some((e) => e.startsWith('Windows drive path')));
  assert.ok(evidence.some((e) => e.startsWith('UNC path')));
  const names = report.artifacts.filter((a) => a.relation === 'extracted').map((a) => a.name);
  assert.ok(names.includes('etc/cron.d/evil'));
  assert.ok(names.includes('Users/Public/run.js'));
  assert.ok(names.every((n) => !n.includes('..') && !n.startsWith('/')), names.join(' | '));
});

test('member count limit', async () => {
  const zip = await makeZip(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.txt`, data: `file ${i}` })));
  const report = await run({ name: 'many.zip', data: zip }, undefined, { limits: { maxArchiveMembers: 10 } });
  assert.equal(report.artifacts.filter((a) => a.relation === 'extracted').length, 10);
  assert.ok(report.limits.some((l) => l.limit === 'maxArchiveMembers'));
});

test('garbage behind a ZIP signature is a finding, not a crash', async () => {
  const junk = new Uint8Array(4096).map((_, i) => (i * 7919) & 0xff);
  junk.set([0x50, 0x4b, 0x03, 0x04]);
  const report = await run({ name: 'broken.zip', data: junk });
  assert.ok(ids(report).includes('archive.unreadable'));
  assert.equal(report.errors.length, 0);
});

test('an ISO image with a shortcut and a DLL: a disk-image finding, both files unpacked', async () => {
  const lnk = makeShortcut({ target: 'C:\\Windows\\System32\\rundll32.exe', arguments: 'data\\lib.dll,DllRegisterServer' });
  const dll = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90)]);
  const report = await run({ name: 'Invoice_0314.iso', data: makeIso([{ name: 'INVOICE.LNK', data: lnk }, { name: 'LIB.DLL', data: dll }]) });
  const iso = report.artifacts.find((a) => a.kind === 'iso')!;
  assert.ok(iso, JSON.stringify(report.artifacts));
  const members = report.artifacts.filter((a) => a.parent === iso.id);
  assert.deepEqual(members.map((a) => [a.name, a.kind]).sort(), [['INVOICE.LNK', 'lnk'], ['LIB.DLL', 'pe']]);
  assert.ok(ids(report).includes('archive.disk-image'));
  assert.ok(ids(report).includes('archive.script-member'), 'a shortcut counts as a script or shortcut member');
});

test('unencrypted members beside encrypted ones are read even when no password opens the rest', async () => {
  const writer = new ZipWriter(new Uint8ArrayWriter(), { useWebWorkers: false });
  await writer.add('readme.txt', new TextReader('open me'));
  await writer.add('payload.js', new TextReader(JS), { password: 'locked', zipCrypto: true });
  const report = await run({ name: 'mixed.zip', data: await writer.close() }, 'wrong');
  assert.ok(report.artifacts.some((a) => a.name === 'readme.txt'));
  assert.ok(!report.artifacts.some((a) => a.name === 'payload.js'));
  assert.ok(ids(report).includes('archive.encrypted.unopened'));
  assert.ok(ids(report).includes('archive.script-member'), 'a locked .js is still evidence by its name');
  assert.equal(report.errors.length, 0);
});

test('7-Zip writes are capped inside the worker, whatever the headers declare', async () => {
  const sevenZip = await make7z([{ name: 'big.txt', data: 'x'.repeat(200_000) }, { name: 'small.txt', data: 'ok' }]);
  const answer = await runSevenZip(sevenZip, '7z', [['x', '-y', '-pnone', '-o/out', '{archive}']], { collect: true, maxFileBytes: 50_000, maxOutputBytes: 1_000_000 }, new AbortController().signal);
  assert.deepEqual(answer.capped, { path: 'big.txt', limit: 'maxMemberBytes' });
  for (const f of answer.files) assert.ok(f.data.length <= 50_000, `${f.path}: ${f.data.length}`);
});

test('a RAR5 archive is opened and its members unpacked', async () => {
  const report = await run({ name: 'Invoice.rar', data: makeRar5([{ name: 'docs/Invoice.js', data: JS }, { name: 'readme.txt', data: 'hello' }]) });
  const rar = report.artifacts.find((a) => a.kind === 'rar')!;
  assert.ok(rar, JSON.stringify(report.artifacts));
  assert.deepEqual(report.artifacts.filter((a) => a.parent === rar.id).map((a) => a.name).sort(), ['docs/Invoice.js', 'readme.txt']);
  assert.ok(ids(report).includes('archive.script-member'));
});

test('a CAB is opened and its members unpacked', async () => {
  const report = await run({ name: 'update.cab', data: makeCab([{ name: 'setup.vbs', data: 'WScript.Echo "x"' }, { name: 'data/big.bin', data: new Uint8Array(70_000).fill(7) }]) });
  const cab = report.artifacts.find((a) => a.kind === 'cab')!;
  assert.ok(cab, JSON.stringify(report.artifacts));
  const members = report.artifacts.filter((a) => a.parent === cab.id);
  assert.deepEqual(members.map((a) => [a.name, a.size]).sort(), [['data/big.bin', 70_000], ['setup.vbs', 16]]);
});

test('a 7z with encrypted contents but readable names: names listed, opened by the body password', async () => {
  const sevenZip = await make7z([{ name: 'Invoice.js', data: JS }], { password: 'Pw-2231' });
  const report = await run({ name: 'Invoice.7z', data: sevenZip }, 'Pw-2231');
  const archive = report.artifacts.find((a) => a.kind === '7z')!;
  assert.deepEqual(report.passwords.find((p) => p.value === 'Pw-2231')?.opened, [archive.id]);
  assert.ok(report.artifacts.some((a) => a.parent === archive.id && a.name === 'Invoice.js' && a.size === JS.length));
});

test('a fixed VHD and a raw FAT image: disk-image finding, files unpacked from the volume', async () => {
  const lnk = makeShortcut({ target: 'C:\\Windows\\System32\\rundll32.exe', arguments: 'LIB.DLL,DllRegisterServer' });
  const dll = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(1500, 0x90)]);
  const volume = makeFat12([{ name: 'INVOICE.LNK', data: lnk }, { name: 'LIB.DLL', data: dll }]);
  for (const [name, data] of [['Invoice.vhd', makeVhd(volume)], ['Invoice.img', volume]] as const) {
    const report = await run({ name, data });
    const disk = report.artifacts.find((a) => a.relation === 'attachment')!;
    assert.equal(disk.kind, 'img', name);
    const members = report.artifacts.filter((a) => a.parent === disk.id);
    assert.deepEqual(members.map((a) => [a.name, a.kind]).sort(), [['INVOICE.LNK', 'lnk'], ['LIB.DLL', 'pe']], name);
    assert.ok(ids(report).includes('archive.disk-image'), name);
  }
});
