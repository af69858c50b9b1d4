// ConvertTo-SecureString -Key: the "encrypted standard string" droppers use to hide a script. Its layout is
// a fixed 32-hex-digit header, then base64 of UTF-16LE "2|<IV base64>|<AES-CBC ciphertext hex>"; the plain
// text is UTF-16LE. Without -Key the string is DPAPI-bound to the victim's account and cannot be read here.

import { createCipheriv, createDecipheriv } from 'node:crypto';

const HEADER = '76492d1116743f0423413b16050a5345';

export function decryptSecureString(encrypted: string, key: Uint8Array): string | undefined {
  let body = encrypted.trim();
  if (body.toLowerCase().startsWith(HEADER)) body = body.slice(HEADER.length);
  const fields = Buffer.from(body, 'base64').toString('utf16le').split('|');
  if (fields.length < 3 || ![16, 24, 32].includes(key.length)) return undefined;
  const iv = Buffer.from(fields[1]!, 'base64');
  const cipherText = Buffer.from(fields[2]!, 'hex');
  if (iv.length !== 16 || cipherText.length === 0 || cipherText.length % 16 !== 0) return undefined;
  try {
    const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
    return Buffer.concat([decipher.update(cipherText), decipher.final()]).toString('utf16le');
  } catch {
    return undefined;
  }
}

/** The inverse, for test generators: what ConvertFrom-SecureString -Key writes. */
export function encryptSecureString(plain: string, key: Uint8Array, iv: Uint8Array): string {
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  const cipherText = Buffer.concat([cipher.update(Buffer.from(plain, 'utf16le')), cipher.final()]);
  const inner = `2|${Buffer.from(iv).toString('base64')}|${cipherText.toString('hex')}`;
  return HEADER + Buffer.from(inner, 'utf16le').toString('base64');
}
