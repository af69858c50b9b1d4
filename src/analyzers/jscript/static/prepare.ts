// The one preparation every piece of JScript gets before it runs in the sandbox, the script itself and the
// code it generates at run time alike: conditional compilation resolved, direct eval calls marked.

import { resolveConditionalCompilation } from './conditional-compilation.ts';
import { instrument } from './instrument.ts';

export function prepareForEmulation(code: string): string {
  return instrument(resolveConditionalCompilation(code)).code;
}
