// PE analyzer cost on generated DLLs, against a baseline measured in the same run: one SHA-256 pass over
// the same bytes (what the engine spends on every artifact anyway). Run: npx tsx bench/pe.ts
import { createHash } from 'node:crypto';
import { peAnalyzer } from '../src/analyzers/pe/index.ts';
import { buildPe, codeLikeBytes, noiseBytes } from '../test/generators/pe.ts';
import { c2Records, configText, encryptQakbotBlob } from '../test/generators/pe-qakbot.ts';
import { runAnalyzer } from '../test/generators/pe-run.ts';

const imports = Array.from({ length: 12 }, (_, d) => ({ dll: `LIB${d}.dll`, functions: Array.from({ length: 80 }, (_, f) => `Function${d}_${f}`) }));
const samples: [string, Uint8Array][] = [
  ['ordinary DLL, 1k imports, 200 resources', buildPe({
    sections: [{ name: '.text', data: codeLikeBytes(1 << 20) }, { name: '.data', data: codeLikeBytes(256 << 10), access: 'rw-' }],
    imports,
    exports: { dllName: 'lib.dll', names: Array.from({ length: 300 }, (_, i) => `Export${i}`) },
    resources: Array.from({ length: 200 }, (_, i) => ({ type: 10, name: i + 1, data: codeLikeBytes(2000) })),
  })],
  ['packed DLL, 4 MiB dense section', buildPe({ sections: [{ name: 'UPX1', data: noiseBytes(4 << 20), access: 'rwx' }] })],
  ['Qakbot core, 5 key variants tried', buildPe({
    sections: [{ name: '.text', data: codeLikeBytes(512 << 10) }],
    resources: [
      { type: 10, name: '3C91E539', data: encryptQakbotBlob(c2Records(Array.from({ length: 150 }, (_, i) => ({ ip: `10.0.${i}.1`, port: 443 })), 8), 'two-layer-budiuy') },
      { type: 10, name: '89290AF9', data: encryptQakbotBlob(configText([['10', 'obama'], ['3', '1690000000']]), 'two-layer-budiuy') },
    ],
  })],
  ['100 MB file with a PE header', (() => {
    const head = buildPe();
    const big = new Uint8Array(100 * 1024 * 1024);
    big.set(head);
    big.set(noiseBytes(8 << 20, 3), head.length);
    return big;
  })()],
];

const time = async (fn: () => unknown, runs: number) => {
  await fn();
  const t = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  return (performance.now() - t) / runs;
};

for (const [label, data] of samples) {
  const runs = data.length > 50e6 ? 3 : 20;
  const base = await time(() => createHash('sha256').update(data).digest(), runs);
  const pe = await time(() => runAnalyzer(peAnalyzer, data), runs);
  console.log(`${label} (${(data.length / 2 ** 20).toFixed(1)} MiB): PE analysis ${pe.toFixed(1)} ms vs sha256 ${base.toFixed(1)} ms; ratio ${(pe / base).toFixed(2)}x`);
}
