// Every way a report comes in (API, UI upload, reporting mailbox) ends here: keep the sample, record the
// report (merging it into an earlier report of the same original), then queue the analysis. The sample and
// the record are on disk before this returns, so an answer to the reporter is never a promise we can lose.

import { isOutlookMsg, reportIdentity } from './identity.ts';
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

export class Intake {
  constructor(
    private readonly store: Store,
    private readonly samples: SampleStore,
    private readonly queue: JobQueue,
  ) {}

  async submit(incoming: IncomingReport): Promise<{ id: string; created: boolean }> {
    const { data } = incoming;
    const { identity, subject } = await reportIdentity(data);
    const { sha256, size } = await this.samples.put(data);
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
