// HTML smuggling pages for tests: the payload sits in the page as base64 and a script turns it into a
// download, in the shapes seen in the wild (one literal, pieces joined with +, reversed, a data: URI link,
// the bytes spelled as a number array).

export type SmugglingStyle = 'literal' | 'pieces' | 'reversed' | 'data-uri' | 'numbers';

export function smuggledHtml(payload: Uint8Array, fileName: string, style: SmugglingStyle): string {
  const b64 = Buffer.from(payload).toString('base64');
  let script: string;
  switch (style) {
    case 'literal':
      script = `var file = "${b64}";\nvar bin = atob(file);`;
      break;
    case 'pieces': {
      const pieces = b64.match(/.{1,60}/g)!.map((p) => `"${p}"`);
      script = `var file = ${pieces.join(' +\n  ')};\nvar bin = window.atob(file);`;
      break;
    }
    case 'reversed':
      script = `var file = '${[...b64].reverse().join('')}';\nvar bin = atob(file.split('').reverse().join(''));`;
      break;
    case 'numbers':
      // The bytes spelled as numbers: no base64 at all.
      script = `var bytes0 = new Uint8Array([${[...payload].join(', ')}]);\nvar bin = String.fromCharCode.apply(null, bytes0);`;
      break;
    case 'data-uri':
      return `<!DOCTYPE html><html><body><p>Your document is ready.</p><a id="d" download="${fileName}" href="data:application/octet-stream;base64,${b64}">Download</a><script>document.getElementById('d').click();</script></body></html>`;
  }
  return [
    '<!DOCTYPE html><html><head><title>Document</title></head><body>',
    '<p>Loading your document…</p>',
    '<script>',
    script,
    'var bytes = new Uint8Array(bin.length);',
    'for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }',
    "var blob = new Blob([bytes], { type: 'application/octet-stream' });",
    "var a = document.createElement('a');",
    'a.href = URL.createObjectURL(blob);',
    `a.download = '${fileName}';`,
    'document.body.appendChild(a); a.click();',
    '</script></body></html>',
  ].join('\n');
}
