// Field mappings as data (rules/field-mappings.yaml): how each log shape is recognised and how its records
// become events with Sigma field names. Loaded once; the adapters only split bytes into records.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { EventSource, LogEvent } from './event.ts';
import { compileTemplate, getPath, isPresent } from './logs/paths.ts';

export const FIELD_MAPPINGS_FILE = fileURLToPath(new URL('../../rules/field-mappings.yaml', import.meta.url));

interface ShapeSpec {
  about: string;
  detect: { json?: { all?: string[]; any?: string[] }; csv?: { any: string[] }; line?: string; zeek?: string };
  product?: string;
  category?: string;
  copy?: string[];
  fields?: Record<string, string>;
  categories?: Record<string, string>;
  statuses?: Record<string, string[]>;
  host?: string[];
  user?: string[];
  time?: string[];
}

interface MappingFile {
  shapes: Record<string, ShapeSpec>;
  windows: {
    services: Record<string, string>;
    categories: Record<string, Record<string, string[]>>;
    renames: Record<string, Record<string, string>>;
  };
}

export interface Shape {
  name: string;
  about: string;
  spec: ShapeSpec;
  /** Maps one source record to an event (without file/line, which the reader adds). */
  toEvent(record: Record<string, unknown>): Omit<LogEvent, 'file' | 'line' | 'raw'>;
  /** Delivery outcome for mail shapes: delivered, blocked, pending or unknown. */
  mailOutcome(status: unknown): string;
}

export interface Mappings {
  shapes: Map<string, Shape>;
  /** Shapes recognised by JSON keys, in file order (the more specific first). */
  jsonShapes: Shape[];
  csvShapes: Shape[];
  lineShapes: { shape: Shape; pattern: RegExp }[];
  zeekShapes: Map<string, Shape>;
}

let cached: Mappings | undefined;

export function loadMappings(file = FIELD_MAPPINGS_FILE): Mappings {
  if (file === FIELD_MAPPINGS_FILE && cached) return cached;
  const data = parse(readFileSync(file, 'utf8')) as MappingFile;
  const windows = compileWindows(data.windows);
  const shapes = new Map<string, Shape>();
  for (const [name, spec] of Object.entries(data.shapes)) shapes.set(name, compileShape(name, spec, windows));
  const all = [...shapes.values()];
  const m: Mappings = {
    shapes,
    jsonShapes: all.filter((s) => s.spec.detect.json),
    csvShapes: all.filter((s) => s.spec.detect.csv),
    lineShapes: all.filter((s) => s.spec.detect.line).map((shape) => ({ shape, pattern: new RegExp(shape.spec.detect.line!) })),
    zeekShapes: new Map(all.filter((s) => s.spec.detect.zeek).map((s) => [s.spec.detect.zeek!, s])),
  };
  if (file === FIELD_MAPPINGS_FILE) cached = m;
  return m;
}

/** Whether a parsed JSON record has the keys a shape is recognised by. */
export function jsonMatches(shape: Shape, rec: unknown): boolean {
  const d = shape.spec.detect.json;
  if (!d) return false;
  if (d.all && !d.all.every((p) => getPath(rec, p) !== undefined)) return false;
  if (d.any && !d.any.some((p) => getPath(rec, p) !== undefined)) return false;
  return true;
}

interface WindowsTables {
  serviceOf(channel: string): string | undefined;
  categoriesOf(service: string | undefined, eventId: string): string[];
  rename(service: string | undefined, eventId: string): ((rec: Record<string, unknown>, out: Record<string, unknown>) => void) | undefined;
}

function compileWindows(w: MappingFile['windows']): WindowsTables {
  const services = new Map(Object.entries(w.services).map(([ch, s]) => [ch.toLowerCase(), s]));
  const renames = new Map(
    Object.entries(w.renames).map(([key, fields]) => {
      const compiled = Object.entries(fields).map(([sigma, tpl]) => [sigma, compileTemplate(tpl)] as const);
      return [key.toLowerCase(), (rec: Record<string, unknown>, out: Record<string, unknown>) => {
        for (const [sigma, get] of compiled) {
          const v = get(rec);
          if (isPresent(v)) out[sigma] = v;
        }
      }] as const;
    }),
  );
  return {
    serviceOf: (channel) => services.get(channel.toLowerCase()),
    categoriesOf: (service, id) => (service ? w.categories[service]?.[id] : undefined) ?? [],
    rename: (service, id) => (service ? renames.get(`${service}/${id}`) : undefined),
  };
}

function compileShape(name: string, spec: ShapeSpec, windows: WindowsTables): Shape {
  const fields = Object.entries(spec.fields ?? {}).map(([sigma, tpl]) => [sigma, compileTemplate(tpl)] as const);
  const copy = spec.copy ?? [];
  const pick = (out: Record<string, unknown>, names: string[] | undefined) => {
    for (const n of names ?? []) {
      const v = out[n];
      if (isPresent(v)) return String(Array.isArray(v) ? v[0] : v);
    }
    return undefined;
  };
  const statuses = new Map<string, string>();
  for (const [outcome, values] of Object.entries(spec.statuses ?? {})) for (const v of values) statuses.set(String(v).toLowerCase(), outcome);

  return {
    name,
    about: spec.about,
    spec,
    mailOutcome: (status) => statuses.get(String(status ?? '').toLowerCase()) ?? 'unknown',
    toEvent(record) {
      const out: Record<string, unknown> = {};
      for (const path of copy) {
        const obj = getPath(record, path);
        if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
          for (const [k, v] of Object.entries(obj)) {
            if (k === '#attributes') continue;
            if (k === 'Data' && Array.isArray(v)) Object.assign(out, namedData(v));
            else out[k] = v;
          }
        }
      }
      for (const [sigma, get] of fields) {
        const v = get(record);
        if (v !== undefined) out[sigma] = v;
      }
      const logsource: EventSource = { product: spec.product, categories: spec.category ? [spec.category] : [] };
      if (spec.product === 'windows') windowsSource(out, record, logsource, windows, spec);
      const timeField = spec.time?.find((f) => isPresent(out[f]));
      return {
        shape: name,
        fields: out,
        logsource,
        host: pick(out, spec.host) ?? (spec.host?.length ? pickRecord(record, spec.host) : undefined),
        user: pick(out, spec.user) ?? (spec.user?.length ? pickRecord(record, spec.user) : undefined),
        time: timeField ? isoTime(out[timeField]) : undefined,
      };
    },
  };
}

/**
 * EventData as some exporters write it (xmltodict, raw XML to JSON): `Data: [{"@Name": "Image", "#text": "…"}]`
 * or with `#attributes.Name`. Flattened to `Image: "…"` like the named form.
 */
function namedData(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const d = item as Record<string, unknown>;
    const name = d['@Name'] ?? (d['#attributes'] as Record<string, unknown> | undefined)?.Name ?? d.Name;
    if (typeof name === 'string') out[name] = d['#text'] ?? d.text ?? d.value ?? null;
  }
  return out;
}

function pickRecord(record: Record<string, unknown>, paths: string[]): string | undefined {
  for (const p of paths) {
    const v = getPath(record, p);
    if (isPresent(v)) return String(v);
  }
  return undefined;
}

function windowsSource(out: Record<string, unknown>, record: Record<string, unknown>, ls: EventSource, windows: WindowsTables, spec: ShapeSpec) {
  const channel = typeof out.Channel === 'string' ? out.Channel : undefined;
  const eventId = out.EventID === undefined || out.EventID === null ? undefined : String(out.EventID);
  ls.service = channel ? windows.serviceOf(channel) : undefined;
  if (eventId !== undefined) {
    ls.categories = windows.categoriesOf(ls.service, eventId);
    windows.rename(ls.service, eventId)?.(out, out);
  }
  if (ls.categories.length === 0 && spec.categories) {
    // ECS without a Windows channel: event.category (+ event.type) names the kind of event.
    const cats = [getPath(record, 'event.category')].flat().filter(Boolean).map(String);
    const types = [getPath(record, 'event.type')].flat().filter(Boolean).map(String);
    for (const c of cats) {
      const hit = types.map((t) => spec.categories![`${c}/${t}`]).find(Boolean) ?? spec.categories[c];
      if (hit) ls.categories.push(hit);
    }
  }
}

/** Source times as ISO 8601 (UTC) when they can be read: epoch seconds/ms/µs, ISO with or without zone, US dates. */
export function isoTime(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  let ms: number;
  const text = String(Array.isArray(v) ? v[0] : v).trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    ms = n > 1e14 ? n / 1000 : n > 1e11 ? n : n * 1000;
  } else {
    const hasZone = /(Z|[+-]\d\d:?\d\d|UTC|GMT)$/i.test(text);
    const iso = /^\d{4}-\d\d-\d\d[ T]\d/.test(text) ? text.replace(' ', 'T') : text;
    ms = Date.parse(hasZone ? iso : /^\d{4}-/.test(iso) ? `${iso}Z` : `${iso} UTC`);
  }
  return Number.isFinite(ms) ? new Date(ms).toISOString() : text;
}
