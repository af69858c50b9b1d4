// The findings the command-line analyzer can raise (its catalogue). Scores follow the house scale:
// suspicious from 300, malicious from 1000; a run step or a download alone is suspicious, together malicious.

import type { FindingCatalogue } from '../../engine/types.ts';

export const CMDLINE_FINDINGS: FindingCatalogue = {
  'cmdline.launcher.powershell': { title: 'A command line starts PowerShell', score: 100, attack: ['T1059.001'] },
  'cmdline.launcher.powershell-encoded': {
    title: 'PowerShell runs a base64-encoded command (-EncodedCommand)',
    score: 500,
    attack: ['T1059.001', 'T1027', 'T1140'],
    description: 'Administrators rarely hide a command from the reader; droppers almost always do.',
  },
  'cmdline.launcher.powershell-stdin': { title: 'PowerShell reads its script from a pipe', score: 400, attack: ['T1059.001', 'T1027'] },
  'cmdline.launcher.powershell-hidden': { title: 'PowerShell started with a hidden window', score: 200, attack: ['T1564.003'] },
  'cmdline.launcher.powershell-policy-bypass': { title: 'PowerShell execution policy bypassed', score: 150, attack: ['T1059.001'] },
  'cmdline.launcher.encoded-malformed': { title: 'The encoded PowerShell command is malformed or cut short', score: 100, attack: ['T1027'] },
  'cmdline.launcher.cmd': { title: 'cmd.exe runs a command chain', score: 50, attack: ['T1059.003'] },
  'cmdline.obfuscation.carets': { title: 'Command line obfuscated with cmd.exe caret escapes', score: 400, attack: ['T1027.010'] },
  'cmdline.obfuscation.variables': { title: 'Command line built from environment-variable substrings', score: 500, attack: ['T1027.010'] },
  'cmdline.run.rundll32': { title: 'rundll32 runs a DLL export', score: 300, attack: ['T1218.011'] },
  'cmdline.run.rundll32-script': { title: 'rundll32 runs script code (mshtml / javascript:)', score: 1000, attack: ['T1218.011'] },
  'cmdline.run.regsvr32': {
    title: 'regsvr32 registers (runs) a DLL',
    score: 200,
    attack: ['T1218.010'],
    description: 'Installers do this too; from a staging folder or with a disguised file it is a dropper\'s run step.',
  },
  'cmdline.run.disguised-dll': { title: 'A DLL is run under another extension (.dat, .png, .tmp…)', score: 500, attack: ['T1036.008', 'T1218'] },
  'cmdline.run.regsvr32-scriptlet': { title: 'regsvr32 runs a remote scriptlet (Squiblydoo)', score: 1000, attack: ['T1218.010', 'T1105'] },
  'cmdline.run.mshta': { title: 'mshta runs an HTML application', score: 500, attack: ['T1218.005'] },
  'cmdline.run.mshta-inline': { title: 'mshta runs inline script code', score: 800, attack: ['T1218.005', 'T1059.005'] },
  'cmdline.run.wmic-process': { title: 'wmic starts a process', score: 500, attack: ['T1047'] },
  'cmdline.run.wmic-xsl': { title: 'wmic runs a remote XSL stylesheet', score: 1000, attack: ['T1220', 'T1105'] },
  'cmdline.run.msiexec-remote': { title: 'msiexec installs a package from the Internet', score: 800, attack: ['T1218.007', 'T1105'] },
  'cmdline.run.script-host': { title: 'Windows Script Host runs a script file', score: 300, attack: ['T1059.005', 'T1059.007'] },
  'cmdline.run.from-staging-folder': { title: 'A program or DLL is run from a user-writable staging folder', score: 500, attack: ['T1204.002'] },
  'cmdline.download.certutil': { title: 'certutil downloads a file', score: 800, attack: ['T1105', 'T1218'] },
  'cmdline.decode.certutil': { title: 'certutil decodes a file', score: 500, attack: ['T1140'] },
  'cmdline.download.bitsadmin': { title: 'bitsadmin downloads a file', score: 800, attack: ['T1197', 'T1105'] },
  'cmdline.download.curl': { title: 'curl/wget downloads a file', score: 500, attack: ['T1105'] },
  'cmdline.drop.staging-folder': { title: 'A download is saved to a user-writable staging folder', score: 300, attack: ['T1105'] },
  'cmdline.persistence.scheduled-task': { title: 'A scheduled task is created', score: 700, attack: ['T1053.005'] },
  'cmdline.persistence.run-key': { title: 'A Run key starts a program at logon', score: 700, attack: ['T1547.001'] },
  'cmdline.defense.defender': { title: 'Microsoft Defender settings are changed', score: 800, attack: ['T1562.001'] },
};
