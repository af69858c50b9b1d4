// What the archive analyzer can say. "Encrypted" alone stays low: legitimate mail does send protected
// archives. Opened with the password the email itself states is the Qakbot tell, and scores high.

import type { FindingCatalogue } from '../../engine/types.ts';

export const ARCHIVE_FINDINGS: FindingCatalogue = {
  'archive.encrypted': {
    title: 'Password-protected archive',
    score: 100,
    attack: ['T1027.013'],
    description: 'Encryption keeps mail gateways from scanning the contents.',
  },
  'archive.encrypted.password-in-body': {
    title: 'Archive opened with a password given in the email',
    score: 700,
    attack: ['T1027.013', 'T1204.002'],
    description: 'The sender encrypted the archive against scanners and told the reader the password: a hallmark of Qakbot and Emotet malspam.',
  },
  'archive.encrypted.unopened': {
    title: 'Encrypted archive that no candidate password opened',
    score: 150,
    attack: ['T1027.013'],
    description: 'Its contents stay hidden; the member names are the evidence.',
  },
  'archive.script-member': {
    title: 'Archive holds a script or shortcut',
    score: 300,
    attack: ['T1204.002'],
    description: 'Scripts and shortcuts run on double-click; legitimate mail almost never ships them in an archive.',
  },
  'archive.disk-image': {
    title: 'Disk image (ISO/IMG/VHD) delivered',
    score: 200,
    attack: ['T1553.005'],
    description: 'Files inside a mounted disk image escape the Mark of the Web, so SmartScreen and Office protections do not apply.',
  },
  'archive.unsafe-member-name': {
    title: 'Archive member name escapes its folder',
    score: 300,
    attack: [],
    description: 'Path traversal, absolute or drive paths in member names aim to write outside the extraction folder.',
  },
  'archive.compression-bomb': {
    title: 'Archive member unpacks far beyond its packed size',
    score: 300,
    attack: ['T1499'],
    description: 'A decompression bomb exhausts scanners; only the first part was unpacked.',
  },
  'archive.unreadable': {
    title: 'Archive could not be read',
    score: 0,
    attack: [],
    description: 'Damaged, truncated or in a variant no reader here supports.',
  },
};
