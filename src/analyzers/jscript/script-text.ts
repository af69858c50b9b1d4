// The text of a script file as Windows Script Host reads it: UTF-16 when the file starts with its byte-order
// mark, UTF-8 when the bytes are valid UTF-8, and the Windows ANSI code page (1252) otherwise.

export function scriptText(data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return new TextDecoder('windows-1252').decode(data);
  }
}
