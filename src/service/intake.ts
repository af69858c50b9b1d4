// Every way a report comes in (API, UI upload, reporting mailbox) ends here: keep the sample, record the
// report (merging it into an earlier report of the same original), then queue the analysis. The sample and
// the record are on disk before this returns, so an answer to the reporter is never a promise we can lose.

import { bytesIdentity, isOutlookMsg, type ReportIdentity } from './identity.ts';
import type { JobQueue } from './queue/types.ts';
import type { SampleStore } from './samples.ts';
import type { Channel, Store } from './store/types.ts';

export interface IncomingReport {
  data: Uint8Array;
  /** The name it arrived with; made up from the content when there is none. */
  name?: string;
  contentType?: string;
  reporter: { name: string; email: string | null; userId: number | null; via: Channel };
}

/** Reads a stored sample's identity; the service does it in a worker process (parsing hostile mail is slow). */
export type IdentifySample = (samplePath: string) => Promise<ReportIdentity>;

export class Intake {
  constructor(
    private readonly store: Store,
    private readonly samples: SampleStore,
    private readonly queue: JobQueue,
    private readonly identify: IdentifySample,
  ) {}

  async submit(incoming: IncomingReport): Promise<{ id: string; created: boolean }> {
    const { data } = incoming;
    const { sha256, size } = await this.samples.put(data);
    // If the identity cannot be read (the parser timed out or died), the bytes identify the report.
    const { identity, subject } = await this.identify(this.samples.pathOf(sha256)).catch(() => bytesIdentity(data));
    const outlook = isOutlookMsg(data);
    const name = safeName(incoming.name) ?? (outlook ? 'report.msg' : 'report.eml');
    const contentType = incoming.contentType ?? (outlook ? 'application/vnd.ms-outlook' : 'message/rfc822');
    const result = await this.store.submitReport({
      identity,
      subject,
      sample: { sha256, size, name, contentType },
      reporter: incoming.reporter,
    });
    if (result.created) await this.queue.enqueue({ reportId: result.id });
    return result;
  }
}

/** A file name as a label: no folders, no control characters, bounded. */
function safeName(name: string | undefined): string | undefined {
  const base = name?.split(/[\\/]/).pop()?.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return base ? base : undefined;
}
