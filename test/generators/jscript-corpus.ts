// Reads the real dropper corpus (../shared/corpora/js-droppers/dev.zip, password "infected") into memory, in
// place: the samples are never copied into the repository.

import { readFileSync } from 'node:fs';
import { Uint8ArrayReader, Uint8ArrayWriter, ZipReader, configure } from '@zip.js/zip.js';

export const DROPPER_CORPUS = new URL('../../../shared/corpora/js-droppers/dev.zip', import.meta.url);

export interface Sample {
  name: string;
  data: Uint8Array;
}

export async function loadDropperCorpus(zipPath: URL | string = DROPPER_CORPUS): Promise<Sample[]> {
  configure({ useWebWorkers: false });
  const reader = new ZipReader(new Uint8ArrayReader(new Uint8Array(readFileSync(zipPath))), { password: 'infected' });
  const samples: Sample[] = [];
  for (const entry of await reader.getEntries()) {
    if (entry.directory || !entry.getData) continue;
    samples.push({ name: entry.filename.split('/').pop()!, data: await entry.getData(new Uint8ArrayWriter()) });
  }
  await reader.close();
  return samples.sort((a, b) => a.name.localeCompare(b.name));
}
