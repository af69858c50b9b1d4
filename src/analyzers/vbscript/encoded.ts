// .vbe files and VBScript.Encode blocks: the same Windows Script Encoder as .jse, decoded with the shared
// decoder. identify() calls every `#@~^` file `jse`; this tells whether the decoded text is VBScript.

import { identify } from '../../engine/identify.ts';
import { decodeEncodedScript, isEncodedScript } from '../jscript/jse.ts';

export { decodeEncodedScript, isEncodedScript };

/** True when encoded text decodes to VBScript (by the file's extension first, then by content). */
export function decodesToVbscript(decoded: string, name: string): boolean {
  return identify(new TextEncoder().encode(decoded.slice(0, 64 * 1024)), name) === 'vbscript';
}
