// iCalendar (RFC 5545) text as a person reads it: folded lines joined and escapes undone, so that a link or a
// password split across a fold is whole again.

export function readableCalendar(ics: string): string {
  return ics
    .replace(/\r?\n[ \t]/g, '') // unfold continuation lines
    .replace(/\\n/gi, '\n')
    .replace(/\\([,;\\])/g, '$1');
}
