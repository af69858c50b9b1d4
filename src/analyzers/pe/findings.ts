// What the PE analyzer can report, declared up front: ids, titles, scores, ATT&CK techniques.

import type { FindingCatalogue } from '../../engine/types.ts';

export const PE_FINDINGS: FindingCatalogue = {
  'pe.qakbot.config': {
    title: 'Qakbot configuration decrypted',
    score: 1000,
    attack: ['T1027', 'T1071.001'],
    description: 'A resource decrypted with a published Qakbot key and its SHA1 verified: this file is the Qakbot core, and the configuration names its campaign.',
  },
  'pe.qakbot.c2-list': {
    title: 'Qakbot C2 list decrypted',
    score: 1000,
    attack: ['T1071.001', 'T1008'],
    description: 'The C2 servers the bot contacts, decrypted from its resources with a verified SHA1: block and hunt for each address.',
  },
  'pe.qakbot.loader': {
    title: 'Qakbot loader: encrypted core DLL decrypted from a resource',
    score: 1000,
    attack: ['T1027', 'T1140'],
    description: 'The resource decrypted with a published Qakbot key (SHA1 verified) and decompressed to a DLL: this file is a Qakbot loader.',
  },
  'pe.qakbot.resource-names': {
    title: 'Resources named as Qakbot names its encrypted configuration',
    score: 300,
    attack: ['T1027'],
    description: 'String-named resources such as "308"/"311" or "EBBA"/"BABA" are where Qakbot keeps its configuration; none decrypted with a known key.',
  },
  'pe.packed': {
    title: 'Packed or encrypted code',
    score: 200,
    attack: ['T1027.002'],
    description: 'The real code is unpacked at run time; static analysis sees only the wrapper.',
  },
  'pe.packer.known': { title: 'Section names of a known packer', score: 100, attack: ['T1027.002'] },
  'pe.packed.few-imports': {
    title: 'Code that imports almost nothing',
    score: 100,
    attack: ['T1027.002', 'T1106'],
    description: 'Programs that resolve their API at run time hide what they do from the import table.',
  },
  'pe.section.writable-executable': {
    title: 'Section both writable and executable',
    score: 150,
    attack: ['T1027.002'],
    description: 'Compilers do not emit such sections; unpacking stubs and self-modifying code need them.',
  },
  'pe.entrypoint.unusual': { title: 'Entry point outside the code section', score: 150, attack: ['T1027.002'] },
  'pe.overlay.data': {
    title: 'Dense data appended after the last section',
    score: 100,
    attack: ['T1027'],
    description: 'Droppers append encrypted payloads after the image, where the loader does not map them.',
  },
  'pe.embedded-pe': { title: 'Another PE file embedded in this one', score: 200, attack: ['T1027.009'] },
  'pe.malformed.header': {
    title: 'Malformed PE header',
    score: 300,
    attack: ['T1027'],
    description: 'Headers the Windows loader would reject or that only a hand-made file has: built to break analysis tools.',
  },
  'pe.malformed.sections': { title: 'Implausible number of PE sections', score: 300, attack: ['T1027'] },
  'pe.malformed.truncated': { title: 'PE tables point outside the file', score: 150, attack: ['T1027'] },
  'pe.malformed.imports': { title: 'Implausibly large import table', score: 150, attack: ['T1027'] },
  'pe.malformed.exports': { title: 'Implausibly large export table', score: 150, attack: ['T1027'] },
  'pe.malformed.resources': { title: 'Malformed resource tree', score: 150, attack: ['T1027'] },
};
