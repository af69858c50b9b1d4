// 7z and gzip samples for tests, built at test time with 7-Zip (WebAssembly, in memory) and zlib.

import SevenZipImport, { type SevenZipModuleFactory } from '7z-wasm';
import { gzipSync } from 'node:zlib';

// The package's types describe an ES default export; Node loads its UMD build, whose default is the factory.
const SevenZip = SevenZipImport as unknown as SevenZipModuleFactory;

export interface ArchiveFile {
  name: string;
  data: string | Uint8Array;
}

/** A .7z of `files`; with a password, AES-256, and with `encryptNames` the header (member names) too. */
export async function make7z(files: ArchiveFile[], options: { password?: string; encryptNames?: boolean } = {}): Promise<Uint8Array> {
  const log: string[] = [];
  const sevenZip = await SevenZip({ print: (s) => log.push(s), printErr: (s) => log.push(s) });
  sevenZip.FS.mkdir('/src');
  const names: string[] = [];
  const made = new Set<string>();
  for (const f of files) {
    const parts = f.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = `/src/${parts.slice(0, i).join('/')}`;
      if (!made.has(dir)) sevenZip.FS.mkdir(dir);
      made.add(dir);
    }
    sevenZip.FS.writeFile(`/src/${f.name}`, f.data);
    names.push(f.name);
  }
  sevenZip.FS.chdir('/src');
  const args = ['a', '-t7z', '/out.7z', ...names];
  if (options.password) args.push(`-p${options.password}`);
  if (options.encryptNames) args.push('-mhe=on');
  // callMain is typed void but returns the exit status.
  const code = sevenZip.callMain(args) as unknown as number | undefined;
  if (code !== 0 && code !== undefined) throw new Error(`7-Zip could not build the sample: ${log.join('\n')}`);
  return sevenZip.FS.readFile('/out.7z');
}

/** A .gz of one file, with its name stored in the header. */
export function makeGzip(name: string, data: string | Uint8Array): Uint8Array {
  const body = gzipSync(data);
  // Set FNAME: rebuild the 10-byte header with the flag and the name after it.
  const header = Buffer.from(body.subarray(0, 10));
  header[3] = header[3]! | 0x08;
  return new Uint8Array(Buffer.concat([header, Buffer.from(`${name}\0`, 'latin1'), body.subarray(10)]));
}
