// The common event every log adapter produces: Sigma field names, the Sigma logsource it belongs to,
// who/where/when in plain fields, and where the row came from so an analyst can open the original.

export interface EventSource {
  product?: string;
  service?: string;
  /** Sigma categories this event answers to (a Sysmon registry event is both registry_event and registry_set). */
  categories: string[];
}

export interface LogEvent {
  /** The log shape that produced it (`nxlog-json`, `zeek-http`, …). */
  shape: string;
  fields: Record<string, unknown>;
  logsource: EventSource;
  host?: string;
  user?: string;
  /** ISO 8601 when the source time could be read, else the source's own text. */
  time?: string;
  /** File (and archive member) plus line or record number. */
  file: string;
  line: number;
  /** The original line, for keyword rules; absent for multi-line records. */
  raw?: string;
}

export function sourceOf(e: Pick<LogEvent, 'file' | 'line'>): string {
  return `${e.file}:${e.line}`;
}
