// What the VBScript analyzer can say about a script, declared up front (Assemblyline-style heuristics).
// Calibrated with the JScript and PowerShell catalogues, but lower for what admin scripts do every day (run
// a visible program, write a log, query WMI): together these stay under the suspicious line. A hidden
// window, a download, a run of what was downloaded, persistence or layered obfuscation is what droppers do;
// the command line itself is judged again by the command-line analyzer (powershell -enc, rundll32, …).

import type { FindingCatalogue } from '../../engine/types.ts';

export const VBSCRIPT_FINDINGS: FindingCatalogue = {
  'vbscript.exec.command': {
    title: 'VBScript runs a command',
    score: 150,
    attack: ['T1059.005'],
    description: 'WScript.Shell Run/Exec, Shell.Application ShellExecute or Win32_Process.Create; the command line is analysed as a child.',
  },
  'vbscript.exec.hidden-window': {
    title: 'VBScript runs a command in a hidden window',
    score: 300,
    attack: ['T1564.003', 'T1059.005'],
  },
  'vbscript.exec.elevation-prompt': {
    title: 'VBScript asks to run a program as administrator (ShellExecute runas)',
    score: 300,
    attack: ['T1548.002'],
  },
  'vbscript.exec.layer': {
    title: 'VBScript builds code at run time and executes it (Execute, ExecuteGlobal, Eval)',
    score: 400,
    attack: ['T1059.005', 'T1027', 'T1140'],
    description: 'The computed code is peeled into a decoded child and analysed as VBScript.',
  },
  'vbscript.exec.opaque': {
    title: 'VBScript executes code that cannot be read statically',
    score: 300,
    attack: ['T1059.005', 'T1027'],
  },
  'vbscript.download.url': {
    title: 'VBScript downloads from the internet',
    score: 500,
    attack: ['T1105'],
    description: 'An HTTP object (MSXML2.XMLHTTP, ServerXMLHTTP, WinHttpRequest) opens a URL; droppers fetch their payload this way.',
  },
  'vbscript.download.unresolved': {
    title: 'VBScript downloads from an address built at run time',
    score: 400,
    attack: ['T1105'],
  },
  'vbscript.download.saved': {
    title: 'VBScript saves what it downloaded to disk',
    score: 400,
    attack: ['T1105'],
  },
  'vbscript.dropper.download-and-run': {
    title: 'VBScript downloads a file and runs it',
    score: 1000,
    attack: ['T1105', 'T1204.002'],
    description: 'What the script saved from the internet is what it then runs: the behaviour of a dropper.',
  },
  'vbscript.drop.staging-folder': {
    title: 'A file is written to a user-writable staging folder',
    score: 200,
    attack: ['T1105'],
  },
  'vbscript.drop.embedded-executable': {
    title: 'VBScript writes an executable it carries inside itself',
    score: 800,
    attack: ['T1027.009', 'T1105'],
  },
  'vbscript.file.write': {
    title: 'VBScript writes a file',
    score: 50,
    attack: [],
  },
  'vbscript.registry.write': {
    title: 'VBScript writes to the registry',
    score: 150,
    attack: ['T1112'],
  },
  'vbscript.persistence.run-key': {
    title: 'VBScript adds a program to a Run key',
    score: 700,
    attack: ['T1547.001'],
  },
  'vbscript.persistence.startup-folder': {
    title: 'VBScript puts a file or shortcut in the Startup folder',
    score: 600,
    attack: ['T1547.001'],
  },
  'vbscript.persistence.scheduled-task': {
    title: 'VBScript registers a scheduled task',
    score: 700,
    attack: ['T1053.005'],
  },
  'vbscript.persistence.wmi-subscription': {
    title: 'VBScript creates a WMI event subscription',
    score: 800,
    attack: ['T1546.003'],
    description: 'An event filter with a command-line or script consumer runs code whenever the event fires, surviving reboots.',
  },
  'vbscript.wmi.query': {
    title: 'VBScript queries WMI',
    score: 50,
    attack: ['T1047'],
  },
  'vbscript.recon.security-products': {
    title: 'VBScript looks for security products or signs of a sandbox',
    score: 300,
    attack: ['T1518.001', 'T1497.001'],
  },
  'vbscript.evasion.sleep': {
    title: 'VBScript sleeps before acting',
    score: 100,
    attack: ['T1497.003'],
  },
  'vbscript.evasion.self-delete': {
    title: 'VBScript deletes its own file',
    score: 300,
    attack: ['T1070.004'],
  },
  'vbscript.obfuscation.encoded': {
    title: 'VBScript encoded with the Windows Script Encoder (.vbe)',
    score: 300,
    attack: ['T1027'],
  },
  'vbscript.obfuscation.char-codes': {
    title: 'Text built from many character codes (Chr, ChrW)',
    score: 300,
    attack: ['T1027'],
  },
  'vbscript.obfuscation.reversal': {
    title: 'Text stored reversed (StrReverse)',
    score: 300,
    attack: ['T1027'],
  },
  'vbscript.obfuscation.replace': {
    title: 'Strings repaired with chains of Replace',
    score: 150,
    attack: ['T1027'],
  },
  'vbscript.obfuscation.escaped': {
    title: 'Text hidden with %-escapes (Unescape)',
    score: 200,
    attack: ['T1140'],
  },
  'vbscript.obfuscation.base64': {
    title: 'Data decoded from base64 (MSXML bin.base64)',
    score: 300,
    attack: ['T1140'],
  },
  'vbscript.obfuscation.hex': {
    title: 'Data decoded from hex (MSXML bin.hex)',
    score: 200,
    attack: ['T1140'],
  },
  'vbscript.obfuscation.computed-progid': {
    title: 'The name of a COM object is computed at run time',
    score: 300,
    attack: ['T1027'],
  },
  'vbscript.hostile.recursion': {
    title: 'VBScript recursed without bound',
    score: 100,
    attack: [],
  },
  'vbscript.parse.incomplete': {
    title: 'Parts of the script could not be parsed',
    score: 0,
    attack: [],
  },
};
