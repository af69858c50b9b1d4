import assert from 'node:assert/strict';
import { test } from 'node:test';
import { peAnalyzer } from '../src/analyzers/pe/index.ts';
import { buildPe, codeLikeBytes, noiseBytes } from './generators/pe.ts';
import { runAnalyzer } from './generators/pe-run.ts';
import { disagreements } from './generators/pe-yara-oracle.ts';

// YARA's pe module (C, independent of our parser) must agree with every fact the analyzer reports.
const SHAPES: [string, Uint8Array][] = [
  ['32-bit DLL with ordinal imports, exports, named and numbered resources, rich header', buildPe({
    imports: [
      { dll: 'KERNEL32.dll', functions: ['Sleep', 'ExitProcess', 'GetProcAddress'] },
      { dll: 'WS2_32.dll', functions: [3, 115, 151] },
      { dll: 'oleaut32.dll', functions: [2, 9999] },
      { dll: 'MSVCRT.DLL', functions: ['memset'] },
    ],
    exports: { dllName: 'x.dll', names: ['Run', 'DllRegisterServer', 'Wind'] },
    resources: [
      { type: 10, name: 'BABA', data: noiseBytes(300) },
      { type: 16, name: 1, language: 1031, data: codeLikeBytes(90) },
      { type: 'CUSTOM', name: 7, data: codeLikeBytes(40) },
    ],
    rich: [{ productId: 259, build: 30729, count: 5 }],
    timestamp: 1_600_000_000,
  })],
  ['64-bit EXE with an overlay and a certificate table', buildPe({
    is64: true,
    dll: false,
    imports: [{ dll: 'kernel32.dll', functions: ['CreateFileW', 'WriteFile'] }, { dll: 'wsock32.dll', functions: [23] }],
    overlay: noiseBytes(3000, 2),
    signatureBytes: 512,
  })],
  ['packed-looking DLL with an empty section', buildPe({
    sections: [
      { name: 'UPX0', data: new Uint8Array(0), access: 'rwx', virtualSize: 0x10000 },
      { name: 'UPX1', data: noiseBytes(0x3000), access: 'rwx' },
    ],
    imports: [{ dll: 'KERNEL32.DLL', functions: ['LoadLibraryA', 'GetProcAddress'] }],
  })],
];

for (const [what, data] of SHAPES) {
  test(`YARA's pe module agrees: ${what}`, async () => {
    const r = await runAnalyzer(peAnalyzer, data);
    assert.deepEqual(await disagreements(data, r.facts!.pe as never), []);
  });
}
