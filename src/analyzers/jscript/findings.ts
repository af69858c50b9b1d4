// What the JScript analyzer can say about a script, declared up front (Assemblyline-style heuristics).

import type { FindingCatalogue } from '../../engine/types.ts';

export const JSCRIPT_FINDINGS: FindingCatalogue = {
  'jscript.exec.command': {
    title: 'Script runs a command',
    score: 800,
    attack: ['T1059.007'],
    description: 'Under Windows Script Host the script starts another program (Run, Exec, ShellExecute, Win32_Process.Create).',
  },
  'jscript.download.url': {
    title: 'Script downloads from the internet',
    score: 500,
    attack: ['T1105'],
    description: 'The script requests a URL through an HTTP object; droppers fetch their payload this way.',
  },
  'jscript.dropper.download-and-run': {
    title: 'Script downloads a file and runs it',
    score: 1000,
    attack: ['T1105', 'T1204.002'],
    description: 'What the script saved from the internet is what it then runs: the behaviour of a dropper.',
  },
  'jscript.file.dropped': {
    title: 'Script writes a file to disk',
    score: 300,
    attack: ['T1105'],
  },
  'jscript.registry.write': {
    title: 'Script writes to the registry',
    score: 300,
    attack: ['T1112'],
  },
  'jscript.persistence.run-key': {
    title: 'Script adds itself to a Run key',
    score: 600,
    attack: ['T1547.001'],
  },
  'jscript.persistence.startup-folder': {
    title: 'Script puts a file or shortcut in the Startup folder',
    score: 600,
    attack: ['T1547.001'],
  },
  'jscript.persistence.scheduled-task': {
    title: 'Script registers a scheduled task',
    score: 600,
    attack: ['T1053.005'],
  },
  'jscript.wmi.query': {
    title: 'Script queries WMI',
    score: 150,
    attack: ['T1047'],
  },
  'jscript.recon.security-products': {
    title: 'Script looks for installed security products',
    score: 300,
    attack: ['T1518.001'],
  },
  'jscript.recon.environment': {
    title: 'Script reads the machine and user environment',
    score: 100,
    attack: ['T1082'],
  },
  'jscript.evasion.sleep': {
    title: 'Script sleeps before acting',
    score: 100,
    attack: ['T1497.003'],
  },
  'jscript.evasion.self-delete': {
    title: 'Script deletes its own file',
    score: 300,
    attack: ['T1070.004'],
  },
  'jscript.obfuscation.dynamic-code': {
    title: 'Script builds code at run time and runs it',
    score: 300,
    attack: ['T1027', 'T1059.007'],
    description: 'eval, Function, setTimeout(string) or document.write of generated code: the next layer is analysed as a child.',
  },
  'jscript.obfuscation.encoded': {
    title: 'Script is encoded with the Windows Script Encoder (.jse)',
    score: 300,
    attack: ['T1027'],
  },
  'jscript.sandbox.escape-attempt': {
    title: 'Script reaches for a Node.js or browser host',
    score: 500,
    attack: ['T1497'],
    description: 'require, process, import() or constructor.constructor: code that tries to leave a JavaScript sandbox. Nothing of the host is reachable.',
  },
  'jscript.host.node-api': {
    title: 'Script is written for Node.js, not Windows Script Host',
    score: 50,
    attack: [],
    description: 'require, process or import() of a Node.js module: names the sandbox does not have, so nothing of the host is reachable. Common in legitimate Node.js code; an escape attempt only together with jscript.sandbox.escape-attempt.',
  },
  'jscript.hostile.endless-loop': {
    title: 'Script did not finish within the emulation time',
    score: 100,
    attack: ['T1497.003'],
    description: 'An endless or very long loop; droppers use them to wait out sandboxes. What it did until then is reported.',
  },
  'jscript.hostile.memory-bomb': {
    title: 'Script exhausted the sandbox memory',
    score: 200,
    attack: ['T1499'],
  },
  'jscript.hostile.recursion': {
    title: 'Script recursed without bound',
    score: 100,
    attack: [],
  },
};
