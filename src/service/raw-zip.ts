// Raw samples leave the service only inside a ZIP with the password "infected", the analysts' convention that
// keeps mail gateways and antivirus from acting on them in transit. ZipCrypto, not AES, so that every unzip
// tool opens it: the password is a safety catch, not a secret.

import { configure, Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';

configure({ useWebWorkers: false });

export const RAW_ZIP_PASSWORD = 'infected';

export async function protectedZip(name: string, data: Uint8Array): Promise<Uint8Array> {
  const writer = new ZipWriter(new Uint8ArrayWriter(), { password: RAW_ZIP_PASSWORD, zipCrypto: true });
  await writer.add(name || 'sample.bin', new Uint8ArrayReader(data));
  return writer.close();
}
