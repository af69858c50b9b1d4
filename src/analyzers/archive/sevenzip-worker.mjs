// Runs 7-Zip (WebAssembly, in-memory file system) in a worker thread, so a long unpack never blocks the
// engine's event loop and the analysis timer can end it with worker.terminate(). Plain JavaScript because
// workers do not inherit the tsx loader. Nothing here touches the host's disk: 7-Zip sees only its MEMFS.
//
// in:  { data, ext, runs: string[][], stopOnSuccess, collect, wasmModule?, maxFileBytes?, maxOutputBytes? }
// out: { results: [{ code, lines }], files: [{ path, data }], capped?: { path, limit } }

import { parentPort, workerData } from 'node:worker_threads';
import SevenZip from '7z-wasm';

const ARCHIVE = '/in/archive';

async function runOnce(data, ext, args, collect) {
  const lines = [];
  const sevenZip = await SevenZip({
    print: (s) => lines.push(s),
    printErr: (s) => lines.push(s),
    stdin: () => null,
    // The main thread compiled 7-Zip once; each run only instantiates it (compiling 1.6 MB of WebAssembly
    // per run would cost more than most archives take to read).
    instantiateWasm: wasmModule
      ? (imports, receive) => {
          WebAssembly.instantiate(wasmModule, imports).then((instance) => receive(instance, wasmModule));
          return {};
        }
      : undefined,
  });
  sevenZip.FS.mkdir('/in');
  sevenZip.FS.mkdir('/out');
  capWrites(sevenZip.FS);
  const path = ext ? `${ARCHIVE}.${ext}` : ARCHIVE;
  sevenZip.FS.writeFile(path, data);
  let code;
  try {
    code = sevenZip.callMain(args.map((a) => (a === '{archive}' ? path : a)));
  } catch (err) {
    code = 2;
    lines.push(`ERROR: ${err instanceof Error ? err.message : 'the unpacker stopped'}`);
  }
  const files = [];
  if (collect) walk(sevenZip.FS, '/out', '', files);
  return { code: code ?? 0, lines, files };
}

const EFBIG = 22; // emscripten's errno for "file too large": 7-Zip reports it as a write error and stops

/**
 * Counts what 7-Zip writes under /out and refuses writes past the caps, so an archive whose headers lie
 * about sizes still cannot fill memory. Every MEMFS write goes through FS.write.
 */
function capWrites(fs) {
  const write = fs.write;
  const perFile = new Map();
  let total = 0;
  fs.write = function (stream, buffer, offset, length, position, canOwn) {
    const path = stream.path ?? '';
    if (path.startsWith('/out/')) {
      const fileBytes = (perFile.get(path) ?? 0) + length;
      if (fileBytes > maxFileBytes || total + length > maxOutputBytes) {
        capped ??= { path: path.slice(5), limit: fileBytes > maxFileBytes ? 'maxMemberBytes' : 'maxArchiveBytes' };
        throw new fs.ErrnoError(EFBIG);
      }
      perFile.set(path, fileBytes);
      total += length;
    }
    return write.call(this, stream, buffer, offset, length, position, canOwn);
  };
}

/** Regular files only: links inside an image point nowhere real (MEMFS), and are skipped anyway. */
function walk(fs, dir, prefix, files) {
  for (const name of fs.readdir(dir)) {
    if (name === '.' || name === '..') continue;
    const full = `${dir}/${name}`;
    const stat = fs.lstat(full);
    if (fs.isDir(stat.mode)) walk(fs, full, `${prefix}${name}/`, files);
    else if (fs.isFile(stat.mode)) files.push({ path: `${prefix}${name}`, data: fs.readFile(full) });
  }
}

const { data, ext, runs, stopOnSuccess, collect, wasmModule } = workerData;
const maxFileBytes = workerData.maxFileBytes ?? Number.MAX_SAFE_INTEGER;
const maxOutputBytes = workerData.maxOutputBytes ?? Number.MAX_SAFE_INTEGER;
/** The first write refused by a cap: { path, limit }. */
let capped;
const results = [];
let files = [];
for (const args of runs) {
  const r = await runOnce(data, ext, args, collect);
  results.push({ code: r.code, lines: r.lines });
  files = r.files;
  if (stopOnSuccess && r.code === 0) break;
}
parentPort.postMessage({ results, files, capped }, files.map((f) => f.data.buffer));
