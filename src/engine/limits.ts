// Every limit the engine and its analyzers honour, with its default and what it protects against.
// The README's limits section is checked against this table by a test, so the two cannot drift.

export interface LimitDefinition {
  default: number;
  unit: 'count' | 'bytes' | 'ms' | 'ratio' | 'MiB';
  what: string;
}

export const LIMIT_DEFINITIONS = {
  maxDepth: { default: 16, unit: 'count', what: 'depth of the artifact tree (email → link → zip → script → …)' },
  maxArtifacts: { default: 400, unit: 'count', what: 'artifacts in one submission' },
  maxArtifactBytes: { default: 64 * 1024 * 1024, unit: 'bytes', what: 'size of one artifact (a larger one is truncated to this)' },
  maxSubmissionBytes: { default: 256 * 1024 * 1024, unit: 'bytes', what: 'bytes of all artifacts in one submission' },
  analyzerTimeMs: { default: 30_000, unit: 'ms', what: 'time one analyzer may spend on one artifact' },
  submissionTimeMs: { default: 120_000, unit: 'ms', what: 'time for the whole submission' },
  maxMimeDepth: { default: 40, unit: 'count', what: 'nesting of MIME multiparts and attached messages' },
  maxMimeParts: { default: 2_000, unit: 'count', what: 'MIME parts read from one message' },
  maxHeaderBytes: { default: 1024 * 1024, unit: 'bytes', what: 'size of the header block of one message' },
  maxLinks: { default: 200, unit: 'count', what: 'links taken from one message or document' },
  maxFetches: { default: 10, unit: 'count', what: 'URLs fetched per submission when fetching is on' },
  fetchBytes: { default: 32 * 1024 * 1024, unit: 'bytes', what: 'bytes read from one URL' },
  fetchTimeMs: { default: 15_000, unit: 'ms', what: 'time for one URL, redirects included' },
  maxRedirects: { default: 5, unit: 'count', what: 'redirects followed for one URL' },
  maxArchiveMembers: { default: 1_000, unit: 'count', what: 'members read from one archive' },
  maxMemberBytes: { default: 64 * 1024 * 1024, unit: 'bytes', what: 'unpacked size of one archive member' },
  maxArchiveBytes: { default: 256 * 1024 * 1024, unit: 'bytes', what: 'unpacked size of all members of one archive' },
  maxCompressionRatio: { default: 200, unit: 'ratio', what: 'unpacked size divided by packed size of an archive member' },
  maxPasswordTries: { default: 200, unit: 'count', what: 'passwords tried on one encrypted archive' },
  sandboxTimeMs: { default: 10_000, unit: 'ms', what: 'wall-clock time of one script emulation' },
  sandboxMemoryMiB: { default: 256, unit: 'MiB', what: 'memory of the sandbox process that emulates a script' },
  maxDecodedLayers: { default: 32, unit: 'count', what: 'decoded layers peeled from one command or script' },
  maxDecodedBytes: { default: 16 * 1024 * 1024, unit: 'bytes', what: 'size of one decoded or decompressed layer' },
  powershellSteps: { default: 2_000_000, unit: 'count', what: 'evaluation steps spent on one PowerShell layer (loops, pipelines, string building)' },
  vbscriptSteps: { default: 2_000_000, unit: 'count', what: 'evaluation steps spent on one VBScript layer (it reads up to half as many tokens; one loop may take a twentieth)' },
  peMaxSections: { default: 256, unit: 'count', what: 'section headers read from one PE file (the format allows 65,535)' },
  peMaxImports: { default: 20_000, unit: 'count', what: 'imported functions read from one PE file' },
  peMaxExports: { default: 20_000, unit: 'count', what: 'exported functions read from one PE file' },
  peMaxResources: { default: 4_000, unit: 'count', what: 'resources read from one PE file' },
  yaraScanBytes: { default: 16 * 1024 * 1024, unit: 'bytes', what: 'bytes of one artifact scanned with the YARA rules (the first ones)' },
  textBytes: { default: 4 * 1024 * 1024, unit: 'bytes', what: 'bytes of one text body or calendar read for lures, passwords and links (the first ones)' },
  htmlBytes: { default: 8 * 1024 * 1024, unit: 'bytes', what: 'characters of one HTML body or page rendered to text (the first ones)' },
  htmlElements: { default: 200_000, unit: 'count', what: 'HTML elements read from one body or page' },
} as const satisfies Record<string, LimitDefinition>;

export type Limits = { -readonly [K in keyof typeof LIMIT_DEFINITIONS]: number };

export function defaultLimits(): Limits {
  const limits = {} as Limits;
  for (const [name, def] of Object.entries(LIMIT_DEFINITIONS)) limits[name as keyof Limits] = def.default;
  return limits;
}

export function isLimitName(name: string): name is keyof Limits {
  return Object.hasOwn(LIMIT_DEFINITIONS, name);
}
