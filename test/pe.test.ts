import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { defaultConfig } from '../src/config.ts';
import { analyzeSubmission } from '../src/engine/submission.ts';
import { peAnalyzer } from '../src/analyzers/pe/index.ts';
import { buildReport } from '../src/verdict/report.ts';
import { buildPe, codeLikeBytes, noiseBytes, peLayout, versionResource } from './generators/pe.ts';
import { findingIds, runAnalyzer } from './generators/pe-run.ts';

const text = (s: string) => new TextEncoder().encode(s);
type PeFacts = {
  type: string;
  machine: string;
  timestamp: string;
  subsystem: string;
  sections: { name: string; access: string; entropy: number; rawSize: number }[];
  sectionCount: number;
  imports: { imphash?: string; dlls: number; functions: number; byDll: Record<string, string[]> };
  exports?: { dllName?: string; count: number; names: string[] };
  resources: { count: number; list: { type: string; name: string; language: number; size: number; entropy: number }[] };
  overlay?: { size: number; signatureBytes: number };
  signature: string;
  rich: { entries: number; tools: string[] } | string;
  packer: { packed: boolean; signs: string[] };
};
const peFacts = (r: { facts?: Record<string, unknown> }) => r.facts?.pe as PeFacts;

const IMPORTS = [
  { dll: 'KERNEL32.dll', functions: ['GetProcAddress', 'LoadLibraryA', 'VirtualAlloc', 'CreateThread', 'Sleep', 'GetTickCount'] },
  { dll: 'WS2_32.dll', functions: [3, 115, 23] }, // closesocket, WSAStartup, socket by ordinal
  { dll: 'USER32.dll', functions: ['MessageBoxW', 'GetCursorPos', 'wsprintfW', 'GetSystemMetrics'] },
];

/** pefile's imphash, computed here from the spec the test wrote, not from the parser's output. */
function expectedImphash(): string {
  const ws2 = { 3: 'closesocket', 115: 'wsastartup', 23: 'socket' } as Record<number, string>;
  const parts = IMPORTS.flatMap(({ dll, functions }) => {
    const lib = dll.toLowerCase().replace(/\.(dll|ocx|sys)$/, '');
    return functions.map((f) => `${lib}.${typeof f === 'number' ? ws2[f] : f.toLowerCase()}`);
  });
  return createHash('md5').update(parts.join(',')).digest('hex');
}

test('a DLL: machine, timestamp, sections, imports with imphash, exports, resources, rich header', async () => {
  const ts = Date.UTC(2023, 0, 17, 9, 30, 0) / 1000;
  const pe = buildPe({
    dll: true,
    timestamp: ts,
    sections: [
      { name: '.text', data: codeLikeBytes(0x1200), access: 'r-x' },
      { name: '.data', data: codeLikeBytes(0x400), access: 'rw-' },
    ],
    imports: IMPORTS,
    exports: { dllName: 'loader.dll', names: ['Run', 'DllRegisterServer'] },
    resources: [
      { type: 16, name: 1, language: 1033, data: codeLikeBytes(300) },
      { type: 10, name: 'CONFIG', language: 2057, data: noiseBytes(4096) },
    ],
    rich: [
      { productId: 259, build: 30729, count: 12 },
      { productId: 261, build: 30133, count: 40 },
    ],
  });
  const r = await runAnalyzer(peAnalyzer, pe, 'invoice.dll');
  const f = peFacts(r);
  assert.equal(f.type, 'DLL');
  assert.equal(f.machine, 'x86');
  assert.equal(f.timestamp, '2023-01-17T09:30:00Z');
  assert.equal(f.subsystem, 'Windows GUI');
  assert.deepEqual(f.sections.map((s) => [s.name, s.access]), [['.text', 'r-x'], ['.data', 'rw-'], ['.idata', 'r--'], ['.edata', 'r--'], ['.rsrc', 'r--']]);
  assert.ok(f.sections[0]!.entropy < 5, 'code-like bytes are not dense');
  assert.equal(f.imports.dlls, 3);
  assert.equal(f.imports.functions, 13);
  assert.deepEqual(f.imports.byDll['WS2_32.dll'], ['ord3', 'ord115', 'ord23']);
  assert.deepEqual(f.imports.byDll['KERNEL32.dll'], IMPORTS[0]!.functions);
  assert.equal(f.imports.imphash, expectedImphash());
  assert.equal(f.exports?.dllName, 'loader.dll');
  assert.deepEqual(f.exports?.names, ['DllRegisterServer', 'Run']);
  assert.deepEqual(
    f.resources.list.map((x) => [x.type, x.name, x.language, x.size]),
    [['VERSION', '1', 1033, 300], ['RCDATA', 'CONFIG', 2057, 4096]],
  );
  assert.ok(f.resources.list[1]!.entropy > 7.9, 'noise resource is dense');
  assert.deepEqual(f.rich, { entries: 2, tools: ['product 259 build 30729 ×12', 'product 261 build 30133 ×40'] });
  assert.equal(f.signature, 'none');
  assert.equal(f.overlay, undefined);
  assert.equal(f.packer.packed, false);
  assert.equal(r.label, 'DLL (exports DllRegisterServer, Run)', 'both names a dropper may call: regsvr32 and rundll32');
  assert.deepEqual(r.iocs, [{ type: 'sha256', value: createHash('sha256').update(pe).digest('hex'), role: 'payload' }]);
  assert.deepEqual(findingIds(r), [], 'an ordinary DLL raises nothing by itself');
});

test('version information: company, product and the original file name a renamed file betrays', async () => {
  const strings = { CompanyName: 'Microsoft Corporation', FileDescription: 'Windows Update Helper', OriginalFilename: 'wuhelper.dll', ProductVersion: '10.0.19041.1' };
  const r = await runAnalyzer(peAnalyzer, buildPe({ resources: [{ type: 16, name: 1, data: versionResource(strings) }] }), 'Invoice_3381.dll');
  assert.deepEqual((r.facts!.pe as { version?: unknown }).version, strings);
  const broken = versionResource(strings);
  broken[0] = 0xff; // wLength past the end
  const r2 = await runAnalyzer(peAnalyzer, buildPe({ resources: [{ type: 16, name: 1, data: broken }] }));
  assert.equal((r2.facts!.pe as { version?: unknown }).version, undefined);
});

test('PE32+ with ordinal imports and an EXE subsystem', async () => {
  const pe = buildPe({ is64: true, dll: false, imports: [{ dll: 'oleaut32.dll', functions: [2, 6, 9999] }, { dll: 'kernel32.dll', functions: ['ExitProcess'] }] });
  const r = await runAnalyzer(peAnalyzer, pe, 'setup.exe');
  const f = peFacts(r);
  assert.equal(f.type, 'EXE');
  assert.equal(f.machine, 'x64');
  assert.deepEqual(f.imports.byDll['oleaut32.dll'], ['ord2', 'ord6', 'ord9999']);
  const expected = createHash('md5').update('oleaut32.sysallocstring,oleaut32.sysfreestring,oleaut32.ord9999,kernel32.exitprocess').digest('hex');
  assert.equal(f.imports.imphash, expected);
  assert.equal(r.label, 'EXE');
});

test('a packed DLL: dense code, few imports, a packer section; the Qakbot fact says packed, never a config', async () => {
  const pe = buildPe({
    sections: [
      { name: 'UPX0', data: new Uint8Array(0), access: 'rwx', virtualSize: 0x20000 },
      { name: 'UPX1', data: noiseBytes(0x6000), access: 'rwx' },
    ],
    entryPoint: 0x21000 + 0x100,
    imports: [{ dll: 'KERNEL32.DLL', functions: ['LoadLibraryA', 'GetProcAddress', 'VirtualProtect'] }],
    exports: { dllName: 'x.dll', names: ['Wind'] },
  });
  const r = await runAnalyzer(peAnalyzer, pe);
  const ids = findingIds(r);
  for (const id of ['pe.packed', 'pe.packer.known', 'pe.packed.few-imports', 'pe.section.writable-executable']) assert.ok(ids.includes(id), id);
  assert.equal(peFacts(r).packer.packed, true);
  assert.ok(peFacts(r).packer.signs.some((s) => s.includes('"UPX1" has entropy')));
  assert.equal(r.facts?.qakbot, 'packed: configuration not reachable statically');
  assert.equal(r.label, 'DLL (export Wind), packed');
  assert.ok(!(r.iocs ?? []).some((i) => i.role === 'c2'));
});

test('a crypter-style DLL: plain code, the payload encrypted in one big resource', async () => {
  const pe = buildPe({
    sections: [{ name: '.text', data: codeLikeBytes(0x3000), access: 'r-x' }],
    imports: [{ dll: 'KERNEL32.dll', functions: ['FindResourceA', 'LoadResource', 'LockResource', 'SizeofResource', 'VirtualAlloc', 'VirtualProtect', 'GetProcAddress', 'LoadLibraryA', 'ExitProcess', 'Sleep', 'GetTickCount'] }],
    exports: { dllName: 'x.dll', names: ['DllRegisterServer'] },
    resources: [
      { type: 10, name: '307', data: noiseBytes(200_000, 21) },
      { type: 3, name: 1, data: noiseBytes(40_000, 22) },
    ],
  });
  const r = await runAnalyzer(peAnalyzer, pe);
  const f = peFacts(r);
  assert.equal(f.packer.packed, true);
  assert.deepEqual(f.packer.signs.filter((s) => s.startsWith('resource')).map((s) => s.split(' is ')[0]), ['resource RCDATA/307'], 'the icon is dense by nature');
  assert.equal(r.facts?.qakbot, 'packed: configuration not reachable statically');
  assert.ok(!(r.iocs ?? []).some((i) => i.role === 'c2'));
});

test('a .NET assembly imports only mscoree.dll by design: not a packing sign', async () => {
  const net = buildPe({ dotnet: true, imports: [{ dll: 'mscoree.dll', functions: ['_CorDllMain'] }] });
  const r = await runAnalyzer(peAnalyzer, net);
  assert.equal((r.facts!.pe as { dotnet?: boolean }).dotnet, true);
  assert.ok(!findingIds(r).includes('pe.packed.few-imports'));
  const native = await runAnalyzer(peAnalyzer, buildPe({ imports: [{ dll: 'mscoree.dll', functions: ['_CorDllMain'] }] }));
  assert.ok(findingIds(native).includes('pe.packed.few-imports'), 'the same imports without a CLR header are');
});

test('overlay and an Authenticode-shaped certificate table', async () => {
  const pe = buildPe({ overlay: noiseBytes(8192, 3), signatureBytes: 1024 });
  const r = await runAnalyzer(peAnalyzer, pe);
  const f = peFacts(r);
  assert.match(f.signature, /^Authenticode \(PKCS#7\), 1024 bytes/);
  assert.equal(f.overlay?.size, 8192 + 1024);
  assert.equal(f.overlay?.signatureBytes, 1024);
  assert.ok(findingIds(r).includes('pe.overlay.data'));
  const signedOnly = await runAnalyzer(peAnalyzer, buildPe({ signatureBytes: 2048 }));
  assert.ok(!findingIds(signedOnly).includes('pe.overlay.data'), 'a signature alone is not a suspicious overlay');
});

test('a PE inside a resource becomes an embedded child', async () => {
  const inner = buildPe({ exports: { dllName: 'core.dll', names: ['DllRegisterServer'] } });
  const pe = buildPe({ resources: [{ type: 10, name: 'BIN', data: inner }] });
  const r = await runAnalyzer(peAnalyzer, pe);
  assert.equal(r.children?.length, 1);
  assert.equal(r.children![0]!.relation, 'embedded');
  assert.deepEqual(r.children![0]!.data, inner);
  assert.ok(findingIds(r).includes('pe.embedded-pe'));
});

test('malformed headers are findings, not crashes', async () => {
  const cases: [string, Uint8Array, string][] = [];
  cases.push(['just MZ', text('MZ'), 'pe.malformed.header']);
  const badLfanew = buildPe();
  new DataView(badLfanew.buffer).setUint32(0x3c, 0x7ffffff0, true);
  cases.push(['e_lfanew past the end', badLfanew, 'pe.malformed.header']);
  const negative = buildPe();
  new DataView(negative.buffer).setUint32(0x3c, 0xfffffffc, true);
  cases.push(['e_lfanew wrapping', negative, 'pe.malformed.header']);
  const badMagic = buildPe();
  new DataView(badMagic.buffer).setUint16(peLayout(badMagic).peOffset + 24, 0x1234, true);
  cases.push(['bad optional magic', badMagic, 'pe.malformed.header']);
  const many = buildPe();
  new DataView(many.buffer).setUint16(peLayout(many).sectionCountAt, 65535, true);
  cases.push(['65535 sections declared', many, 'pe.malformed.sections']);
  for (const [what, data, id] of cases) {
    const r = await runAnalyzer(peAnalyzer, data);
    assert.ok(findingIds(r).includes(id), `${what}: ${JSON.stringify(r.findings)}`);
    assert.equal(r.iocs?.[0]?.role, 'payload', `${what}: the hash is still an IOC`);
  }
});

test('65535 real section headers: reads peMaxSections of them and says so', async () => {
  const base = buildPe();
  const { sectionCountAt, sectionTableAt } = peLayout(base);
  const big = new Uint8Array(sectionTableAt + 65535 * 40);
  big.set(base.subarray(0, sectionTableAt));
  for (let i = 0; i < 65535; i++) big.set(base.subarray(sectionTableAt, sectionTableAt + 40), sectionTableAt + i * 40);
  new DataView(big.buffer).setUint16(sectionCountAt, 65535, true);
  const r = await runAnalyzer(peAnalyzer, big);
  const f = peFacts(r);
  assert.equal(f.sectionCount, 65535);
  assert.ok(f.sections.length <= 32);
  const hit = r.findings?.find((x) => x.id === 'pe.malformed.sections');
  assert.match(hit?.evidence ?? '', /declares 65535 sections; read the first 256/);
});

test('truncated and looping tables: imports, exports and resources pointing outside the file or at themselves', async () => {
  const pe = buildPe({
    imports: IMPORTS,
    exports: { dllName: 'x.dll', names: ['Run'] },
    resources: [{ type: 10, name: 'A', data: codeLikeBytes(64) }],
  });
  // Cut the file in the middle of .idata: everything after it points outside the file.
  const { sectionTableAt } = peLayout(pe);
  const dv = new DataView(pe.buffer);
  const idataRaw = dv.getUint32(sectionTableAt + 40 + 20, true);
  const truncated = pe.slice(0, idataRaw + 24);
  const r1 = await runAnalyzer(peAnalyzer, truncated);
  assert.ok(findingIds(r1).includes('pe.malformed.truncated'), JSON.stringify(r1.findings));

  // Point the resource root's only entry back at the root: a loop.
  const looped = pe.slice();
  const rsrcRaw = dv.getUint32(sectionTableAt + 3 * 40 + 20, true);
  new DataView(looped.buffer).setUint32(rsrcRaw + 16 + 4, 0x80000000, true);
  const r2 = await runAnalyzer(peAnalyzer, looped);
  assert.ok(findingIds(r2).includes('pe.malformed.resources'), JSON.stringify(r2.findings));
});

test('hostile fan-out: 256 sections and 4000 resources all pointing at the same 16 MB are bounded', async () => {
  const overlay = noiseBytes(16 << 20, 5);
  const sections = buildPe({ overlay });
  const { sectionCountAt, sectionTableAt } = peLayout(sections);
  const fan = new Uint8Array(sections.length + 255 * 40);
  fan.set(sections.subarray(0, sectionTableAt + 40));
  fan.set(sections.subarray(sectionTableAt + 40), sectionTableAt + 256 * 40);
  const dv = new DataView(fan.buffer);
  for (let i = 0; i < 256; i++) {
    fan.set(sections.subarray(sectionTableAt, sectionTableAt + 40), sectionTableAt + i * 40);
    dv.setUint32(sectionTableAt + i * 40 + 16, fan.length, true); // raw size: the whole file
    dv.setUint32(sectionTableAt + i * 40 + 20, 0, true);
  }
  dv.setUint16(sectionCountAt, 256, true);
  dv.setUint32(peLayout(fan).peOffset + 24 + 60, 0x2800, true); // SizeOfHeaders past the moved table
  const r1 = await runAnalyzer(peAnalyzer, fan);
  assert.equal(peFacts(r1).sectionCount, 256);
  assert.ok(peFacts(r1).sections.every((s) => s.entropy > 7), 'entropy is sampled, still meaningful');

  const resources = Array.from({ length: 4000 }, (_, i) => ({ type: 10, name: i + 1, data: new Uint8Array(4) }));
  const fanRes = buildPe({ resources, overlay, resourceDataOverride: { rva: 0, size: 16 << 20 } });
  const r2 = await runAnalyzer(peAnalyzer, fanRes);
  assert.equal(peFacts(r2).resources.count, 4000);
  assert.equal(r2.children?.length, 1, 'the same region is extracted once');
  assert.match(r2.findings!.find((f) => f.id === 'pe.embedded-pe')!.evidence, /3999 not extracted/);
});

test('random garbage after MZ never throws', async () => {
  for (let seed = 1; seed <= 200; seed++) {
    const junk = noiseBytes(512 + seed * 7, seed * 2654435761);
    junk[0] = 0x4d;
    junk[1] = 0x5a;
    new DataView(junk.buffer).setUint32(0x3c, 0x40 + (seed % 8) * 8, true);
    junk.set(text('PE\0\0'), 0x40 + (seed % 8) * 8);
    await runAnalyzer(peAnalyzer, junk);
  }
  // Mutations of a full-featured DLL: every byte of every table flipped in turn, and set to 0xff.
  const pe = buildPe({
    sections: [{ name: '.text', data: codeLikeBytes(0x200) }],
    imports: IMPORTS,
    exports: { dllName: 'x.dll', names: ['Run', 'Wind'] },
    resources: [
      { type: 10, name: 'A', data: codeLikeBytes(64) },
      { type: 16, name: 1, data: versionResource({ CompanyName: 'Contoso', OriginalFilename: 'c.dll' }) },
    ],
    rich: [{ productId: 1, build: 2, count: 3 }],
  });
  for (let i = 0; i < pe.length; i++) {
    for (const mutate of [(b: number) => b ^ 0xff, () => 0xff]) {
      const m = pe.slice();
      m[i] = mutate(m[i]!);
      const r = await runAnalyzer(peAnalyzer, m);
      assert.ok(r.iocs?.length, `byte ${i}: still reports the hash`);
    }
  }
});

test('a 100 MB file with a PE header: bounded, and the engine reports the size limit', async () => {
  const head = buildPe({ exports: { dllName: 'big.dll', names: ['Run'] } });
  const big = new Uint8Array(100 * 1024 * 1024);
  big.set(head);
  big.set(noiseBytes(1 << 20, 11), head.length); // a dense start of the overlay, zeros after
  const direct = await runAnalyzer(peAnalyzer, big);
  assert.equal(peFacts(direct).overlay?.size, big.length - head.length);
  assert.equal(direct.label, 'DLL (export Run)');

  const config = defaultConfig();
  const run = await analyzeSubmission({ name: 'big.dll', data: big }, { config, analyzers: [peAnalyzer] });
  const report = buildReport(run);
  assert.equal(report.input.kind, 'pe');
  assert.ok(report.limits.some((l) => l.limit === 'maxArtifactBytes'), JSON.stringify(report.limits));
  assert.deepEqual(report.errors, []);
});
