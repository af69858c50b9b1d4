// From a path to events: open (plain/gzip/zip), decode, recognise the log shape from its content, split
// into records, map to Sigma names. Every event keeps its file and line; every problem is counted per file.

import type { LogEvent } from '../event.ts';
import { jsonMatches, loadMappings, type Mappings, type Shape } from '../mappings.ts';
import { csvRows } from './csv.ts';
import { jsonRecords } from './json.ts';
import { LOG_LIMITS } from './limits.ts';
import { listLogFiles, openLog } from './open.ts';
import { PostfixJoiner } from './postfix.ts';
import { parseSquidLine } from './squid.ts';
import { decodeText, splitLines, type Line } from './text.ts';
import { zeekRows } from './zeek.ts';

/** What was read from one file or archive member: the basis of the coverage report. */
export interface FileReport {
  file: string;
  shapes: string[];
  events: number;
  errors: number;
  errorSamples: { line: number; error: string }[];
}

export interface ReadOptions {
  mappings?: Mappings;
  zipPassword?: string;
  /** Receives one report per file or archive member once it has been read. */
  onFile?: (r: FileReport) => void;
  /** Year for syslog timestamps that carry none (Postfix). */
  syslogYear?: number;
}

async function* prepend<T>(first: T[], rest: AsyncIterator<T>): AsyncGenerator<T> {
  yield* first;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

export async function* readLogs(paths: string[], options: ReadOptions = {}): AsyncGenerator<LogEvent> {
  for (const p of paths) for (const file of await listLogFiles(p)) yield* readLogFile(file, options);
}

export async function* readLogFile(path: string, options: ReadOptions = {}): AsyncGenerator<LogEvent> {
  const mappings = options.mappings ?? loadMappings();
  for await (const stream of openLog(path, { zipPassword: options.zipPassword })) {
    const report: FileReport = { file: stream.name, shapes: [], events: 0, errors: 0, errorSamples: [] };
    const fail = (line: number, error: string) => {
      report.errors++;
      if (report.errorSamples.length < LOG_LIMITS.maxErrorsKept) report.errorSamples.push({ line, error });
    };
    const seen = (shape: Shape) => {
      if (!report.shapes.includes(shape.name)) report.shapes.push(shape.name);
    };
    try {
      for await (const e of eventsOf(stream.name, stream.chunks, mappings, options, fail, seen)) {
        report.events++;
        yield e;
      }
    } catch (err) {
      fail(0, (err as Error).message);
    }
    options.onFile?.(report);
  }
}

async function* eventsOf(
  file: string,
  chunks: AsyncIterable<Uint8Array>,
  mappings: Mappings,
  options: ReadOptions,
  fail: (line: number, error: string) => void,
  seen: (s: Shape) => void,
): AsyncGenerator<LogEvent> {
  const lines = splitLines(decodeText(chunks))[Symbol.asyncIterator]();
  const head: Line[] = [];
  let first: Line | undefined;
  while (head.length < 50) {
    const r = await lines.next();
    if (r.done) break;
    head.push(r.value);
    if (!first && r.value.text.trim()) first = r.value;
    if (first && (first.text.trimStart()[0] === '{' || first.text.trimStart()[0] === '[' || isZeekHeader(first.text))) break;
    if (first && head.length >= 1 && pickLineShape(mappings, head)) break;
  }
  if (!first) return;
  const all = prepend(head, lines);
  const t = first.text.trimStart();
  const emit = (shape: Shape, record: Record<string, unknown>, line: number, raw?: string): LogEvent => {
    seen(shape);
    return { ...shape.toEvent(record), file, line, raw };
  };

  if (isZeekHeader(t)) {
    for await (const row of zeekRows(all)) {
      const shape = (row.path && mappings.zeekShapes.get(row.path)) || mappings.jsonShapes.find((s) => s.spec.detect.zeek && jsonMatches(s, row.value));
      if (!shape) {
        fail(row.line, `Zeek log of an unsupported kind${row.path ? ` (${row.path})` : ''}`);
        continue;
      }
      yield emit(shape, row.value, row.line, row.raw);
    }
    return;
  }
  if (t.startsWith('{') || t.startsWith('[')) {
    let last: Shape | undefined;
    for await (const rec of jsonRecords(all)) {
      if ('error' in rec) {
        fail(rec.line, rec.error);
        continue;
      }
      const value = rec.value;
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        fail(rec.line, 'JSON record is not an object');
        continue;
      }
      const shape = last && jsonMatches(last, value) ? last : mappings.jsonShapes.find((s) => jsonMatches(s, value));
      if (!shape) {
        fail(rec.line, 'JSON record of no known log shape');
        continue;
      }
      last = shape;
      yield emit(shape, value as Record<string, unknown>, rec.line, rec.raw);
    }
    return;
  }
  const headerLine = head.find((l) => l.text.trim() && !l.text.startsWith('#')) ?? first;
  const header = headerLine.text.split(',').map((h) => h.trim().replace(/^"|"$/g, '').replace(/^\uFEFF/, ''));
  const csvShape = mappings.csvShapes.find((s) => s.spec.detect.csv!.any.some((k) => header.includes(k)));
  if (csvShape) {
    for await (const row of csvRows(all)) {
      if ('error' in row) fail(row.line, row.error);
      else yield emit(csvShape, row.value, row.line, row.raw);
    }
    return;
  }
  const lineShape = pickLineShape(mappings, head);
  if (!lineShape) {
    fail(first.line, `log format not recognised (first line: ${first.text.slice(0, 80)})`);
    return;
  }
  if (lineShape.name === 'postfix') {
    const joiner = new PostfixJoiner(options.syslogYear);
    for await (const { text, line } of all) for (const rec of joiner.line(text)) yield emit(lineShape, rec, line, text);
    return;
  }
  if (lineShape.name === 'squid') {
    for await (const { text, line } of all) {
      if (!text.trim()) continue;
      const rec = parseSquidLine(text);
      if (rec) yield emit(lineShape, rec, line, text);
      else fail(line, 'not a Squid access.log line');
    }
    return;
  }
  fail(first.line, `no reader for ${lineShape.name}`);
}

function isZeekHeader(text: string): boolean {
  return /^#(separator|fields|path|set_separator)\b/.test(text);
}

function pickLineShape(mappings: Mappings, head: Line[]): Shape | undefined {
  for (const { text } of head) {
    const hit = mappings.lineShapes.find((s) => s.pattern.test(text));
    if (hit) return hit.shape;
  }
  return undefined;
}
