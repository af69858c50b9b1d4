// What the download analyzer can say about a link it followed.

import type { FindingCatalogue } from '../../engine/types.ts';

export const DOWNLOAD_FINDINGS: FindingCatalogue = {
  'download.executable-content': {
    title: 'Link serves a script or program',
    score: 500,
    attack: ['T1204.001', 'T1105'],
    description: 'Mail links rarely hand a script or a Windows program straight to the reader.',
  },
  'download.disguised-content': {
    title: "Link serves content that its name or type does not announce",
    score: 200,
    attack: ['T1036.008'],
    description: 'A file that claims to be a document or page but is an archive, script or program.',
  },
  'download.refused': {
    title: 'Link points to a private, local or reserved address',
    score: 50,
    attack: [],
    description: 'Not fetched: the safe downloader never reaches internal addresses unless the analyst allows the host.',
  },
  'download.failed': {
    title: 'Link did not serve anything',
    score: 0,
    attack: [],
    description: 'The server refused, failed or answered with an error: the payload may be gone or filtered by client.',
  },
};
