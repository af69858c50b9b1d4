// The YARA worker thread: libyara-wasm lives here, not in the main thread, because its `run(data, rules)`
// (the only entry point the package exports) compiles the rules on every call and never frees the wasm
// heap it grows (about 10 MB per call, measured). The service restarts this worker before the heap gets
// large. Plain JavaScript on purpose: worker threads do not inherit tsx's loader hooks when the CLI
// registers them at run time.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const load = require('libyara-wasm');
const yara = await load();
const rules = workerData.rules;

function vector(v) {
  const out = [];
  for (let i = 0; i < v.size(); i++) out.push(v.get(i));
  return out;
}

/** Matched bytes are read back from the scanned data by the caller; the package's own copy is UTF-8-mangled. */
function run(data) {
  const result = yara.run(data, rules);
  try {
    return {
      errors: vector(result.compileErrors).map((e) => ({ message: e.message, line: e.lineNumber, warning: e.warning })),
      matches: vector(result.matchedRules).map((m) => ({
        rule: m.ruleName,
        strings: vector(m.resolvedMatches)
          .slice(0, 16)
          .map((s) => ({ id: s.stringIdentifier, offset: Number(s.location), length: Number(s.matchLength) })),
      })),
    };
  } finally {
    result.delete();
  }
}

// The first message is the compile check: an empty scan reports every compile error and warning.
parentPort.postMessage({ type: 'ready', ...run(new Uint8Array(0)), heap: yara.HEAP8.length });

parentPort.on('message', ({ id, data }) => {
  try {
    // Bytes, not a string: embind would UTF-8-encode a string, turning every byte over 0x7f into two and
    // breaking hex patterns, offsets and the pe module.
    const { matches } = run(data);
    parentPort.postMessage({ type: 'result', id, matches, heap: yara.HEAP8.length });
  } catch (err) {
    parentPort.postMessage({ type: 'result', id, error: String(err?.message ?? err), heap: yara.HEAP8.length });
  }
});
