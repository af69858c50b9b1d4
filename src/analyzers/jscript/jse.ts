// Windows Script Encoder (`.jse`, `#@~^…^#~@`): a fixed substitution whose table depends on the position
// of the character. WSH decodes it before running, so tacklebox decodes it before anything else.

/** For each byte 9..127, the three characters it decodes to; which one is picked depends on the position. */
const TABLE_HEX =
  '576e7b4a4c410b0b0b0c0c0c4a4c410e0e0e0f0f0f101010111111121212131313141414151515161616171717181818' +
  '1919191a1a1a1b1b1b1c1c1c1d1d1d1e1e1e1f1f1f2e2d324775307a522156602942715b6a5e382f4933265c3d496258' +
  '417d3a3429353236655b2039767c5c727a56437f73386b6639634e703345452b6b6868627151594f667809765e62317d' +
  '44644a23546d7543714a4c417e3a604a4c415e7e53404c407745424a2c27612a485d74722227754b37316f44374e794d' +
  '3b59524c2f22506f5467266a2a72477d6a6474392d547b202b3f7f2d382e2c774c30675d6e537e6b476c66346f357879' +
  '255d742130436423264d5a76525b25636c243f482b7b5528787023296941282e34734c0959212a3324447f4e3f6d5077' +
  '55093b5356557c73693a35615f6163654b50465867583b5131574969224f6c6d465a4d6848257c2728365c46703d4a6e' +
  '24327a79412f373d5f605f4b514f5a20422c366557';
/** Which of the three columns applies at each position, repeating every 64 characters. */
const PICK = '0120121221210212021200122102122100212120200120210212001220012021';

const ESCAPES: Record<string, string> = { '&': '\n', '#': '\r', '*': '>', '!': '<', $: '@' };

/** Decoded characters: DECODE[column][byte - 9]. */
export const JSE_COLUMNS: string[][] = [[], [], []];
for (let i = 0; i < TABLE_HEX.length / 6; i++) {
  for (let c = 0; c < 3; c++) JSE_COLUMNS[c]!.push(String.fromCharCode(parseInt(TABLE_HEX.slice(i * 6 + c * 2, i * 6 + c * 2 + 2), 16)));
}
export const JSE_PICK: number[] = [...PICK].map(Number);

const BLOCK = /#@~\^[\s\S]{6}==([\s\S]*?)[\s\S]{6}==\^#~@/g;

export function isEncodedScript(text: string): boolean {
  return /#@~\^[\s\S]{6}==/.test(text);
}

/** Decodes every encoded block in place; text outside the blocks is kept as it is. */
export function decodeEncodedScript(text: string): string {
  return text.replace(BLOCK, (_whole, body: string) => decodeBlock(body));
}

function decodeBlock(body: string): string {
  let out = '';
  let index = -1;
  for (let i = 0; i < body.length; i++) {
    let ch = body[i]!;
    if (ch === '@' && i + 1 < body.length && ESCAPES[body[i + 1]!] !== undefined) {
      ch = ESCAPES[body[i + 1]!]!;
      i++;
    }
    const code = ch.charCodeAt(0);
    if (code < 128) index++;
    if ((code === 9 || (code > 31 && code < 128)) && code !== 60 && code !== 62 && code !== 64) {
      ch = JSE_COLUMNS[JSE_PICK[index % 64]!]![code - 9]!;
    }
    out += ch;
  }
  return out;
}
