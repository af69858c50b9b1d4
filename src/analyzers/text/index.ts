// The text analyzer: plain-text bodies (kind text, relation body), text attachments and calendar invites.
// Raises lures and a stated password, publishes password candidates, and hands every link on as a url child.

import type { Analyzer, AnalyzerResult } from '../../engine/types.ts';
import { BODY_FINDINGS, analyzeBodyText, decodeText, describeWhere, subjectFor } from './body.ts';
import { readableCalendar } from './calendar.ts';

export const textAnalyzer: Analyzer = {
  name: 'text',
  findings: BODY_FINDINGS,
  analyze(artifact, ctx): AnalyzerResult {
    const max = ctx.limits.textBytes;
    const raw = decodeText(artifact.data.length > max ? artifact.data.subarray(0, max) : artifact.data);
    const text = artifact.kind === 'calendar' ? readableCalendar(raw) : raw;
    const where = describeWhere(artifact);
    // Invites carry meeting passcodes: they go to the password book but are not an archive password stated.
    const body = analyzeBodyText(text, where, ctx, [], {
      archivePasswordFinding: artifact.kind !== 'calendar',
      subject: subjectFor(artifact, ctx),
    });
    return {
      findings: body.findings,
      children: body.children,
      context: { passwords: body.passwords },
      limits:
        artifact.data.length > max
          ? [{ limit: 'textBytes', detail: `read the first ${max} of ${artifact.data.length} bytes` }, ...body.limits]
          : body.limits,
      facts: body.facts,
    };
  },
};
