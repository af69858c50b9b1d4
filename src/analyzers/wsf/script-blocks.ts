// Finds the <script> blocks of a WSF, HTA or HTML file with a linear scan (no backtracking regular expression
// over hostile input), with each block's language and src attribute.

export interface ScriptBlock {
  /** The language attribute as written (JScript, VBScript, JScript.Encode, javascript, …), lower-cased. */
  language: string;
  /** The src attribute, when the block loads its code from elsewhere. */
  src?: string;
  code: string;
  /** Offset of the block in the text, for evidence. */
  at: number;
}

function attribute(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** Strips a CDATA wrapper, which WSF files use so the XML parser leaves the code alone. */
function unwrapCdata(code: string): string {
  const trimmed = code.trim();
  const m = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(trimmed);
  return m ? m[1]! : code;
}

export function scriptBlocks(text: string, max: number): { blocks: ScriptBlock[]; more: boolean } {
  const lower = text.toLowerCase();
  const blocks: ScriptBlock[] = [];
  let from = 0;
  while (true) {
    const open = lower.indexOf('<script', from);
    if (open < 0) return { blocks, more: false };
    const after = lower.charCodeAt(open + 7);
    // "<scriptlet" and the like are other tags.
    if (!(after === 0x3e || after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d || after === 0x2f)) {
      from = open + 7;
      continue;
    }
    const tagEnd = lower.indexOf('>', open);
    if (tagEnd < 0) return { blocks, more: false };
    if (blocks.length >= max) return { blocks, more: true };
    const tag = text.slice(open, tagEnd + 1);
    const selfClosing = tag.endsWith('/>');
    const close = selfClosing ? tagEnd + 1 : lower.indexOf('</script', tagEnd);
    const end = close < 0 ? text.length : close;
    blocks.push({
      language: (attribute(tag, 'language') ?? attribute(tag, 'type') ?? '').toLowerCase(),
      src: attribute(tag, 'src'),
      code: selfClosing ? '' : unwrapCdata(text.slice(tagEnd + 1, end)),
      at: open,
    });
    if (close < 0) return { blocks, more: false };
    from = end + 8;
  }
}

/** The artifact kind a block's language names; `fallback` for blocks that do not say. */
export function scriptKind(language: string, fallback: 'jscript' | 'vbscript'): 'jscript' | 'jse' | 'vbscript' | undefined {
  const l = language.replace(/^text\//, '').trim();
  if (l === '') return fallback;
  if (l === 'jscript.encode') return 'jse';
  if (l === 'vbscript.encode' || l === 'vbscript' || l === 'vbs') return 'vbscript';
  if (/^(j(ava)?script|ecmascript|javascript1\.\d)$/.test(l)) return 'jscript';
  return undefined; // perlscript, python, templates: not a Windows Script Host language we follow
}

/** Decodes an artifact as text: UTF-16LE with a BOM, UTF-8 otherwise (latin1 keeps every byte visible). */
export function artifactText(data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xfe) return Buffer.from(data.subarray(2)).toString('utf16le');
  const utf8 = Buffer.from(data).toString('utf8');
  return utf8.includes('\ufffd') ? Buffer.from(data).toString('latin1') : utf8;
}
