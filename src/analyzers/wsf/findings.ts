// What the WSF and HTA analyzers can say. Neither file type has a reason to arrive by mail.

import type { FindingCatalogue } from '../../engine/types.ts';

export const WSF_FINDINGS: FindingCatalogue = {
  'wsf.windows-script-file': {
    title: 'Windows Script File (runs under Windows Script Host on double-click)',
    score: 300,
    attack: ['T1204.002', 'T1059.007'],
  },
  'wsf.encoded-script': {
    title: 'Script encoded with the Windows Script Encoder (JScript.Encode / VBScript.Encode)',
    score: 300,
    attack: ['T1027'],
  },
  'wsf.remote-script': {
    title: 'Script block loads its code from a URL',
    score: 300,
    attack: ['T1105'],
  },
};

export const HTA_FINDINGS: FindingCatalogue = {
  'hta.html-application': {
    title: 'HTML Application (runs with full user rights through mshta.exe)',
    score: 300,
    attack: ['T1218.005', 'T1204.002'],
  },
  'hta.hidden-window': {
    title: 'HTML Application hides its window',
    score: 200,
    attack: ['T1564.003'],
  },
  'hta.encoded-script': WSF_FINDINGS['wsf.encoded-script']!,
  'hta.remote-script': WSF_FINDINGS['wsf.remote-script']!,
};
