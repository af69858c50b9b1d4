// An event as the Sigma matcher sees it: field values as strings, lower-cased once per event and field,
// because a rule set asks the same field (Image, CommandLine) dozens of times.

export class Subject {
  private readonly lowered = new Map<string, string[] | null>();
  private readonly cased = new Map<string, string[] | null>();
  private keyIndex: Map<string, string> | undefined;

  constructor(
    readonly fields: Readonly<Record<string, unknown>>,
    /** The original line or record, for keyword searches. */
    readonly raw?: string,
  ) {}

  /**
   * The raw value, looking the name up exactly first, then ignoring case and spaces: Sigma field names vary in
   * case across sources, and Defender's event data says "Threat Name" where rules say ThreatName.
   */
  lookup(field: string): unknown {
    const v = this.fields[field];
    if (v !== undefined || Object.hasOwn(this.fields, field)) return v;
    this.keyIndex ??= new Map(Object.keys(this.fields).map((k) => [looseName(k), k]));
    const key = this.keyIndex.get(looseName(field));
    return key === undefined ? undefined : this.fields[key];
  }

  has(field: string): boolean {
    const v = this.lookup(field);
    return v !== undefined && v !== null;
  }

  /** Values of a field as strings (arrays give one string per element); null when absent or null. */
  values(field: string, caseSensitive: boolean): string[] | null {
    const cache = caseSensitive ? this.cased : this.lowered;
    let v = cache.get(field);
    if (v === undefined) {
      v = stringsOf(this.lookup(field), !caseSensitive);
      cache.set(field, v);
    }
    return v;
  }

  /** Every string in the event, for keyword searches. */
  allValues(caseSensitive: boolean): string[] {
    const key = '\u0000all';
    const cache = caseSensitive ? this.cased : this.lowered;
    let v = cache.get(key);
    if (!v) {
      v = [];
      for (const value of Object.values(this.fields)) v.push(...(stringsOf(value, !caseSensitive) ?? []));
      if (this.raw !== undefined) v.push(caseSensitive ? this.raw : this.raw.toLowerCase());
      cache.set(key, v);
    }
    return v;
  }
}

function stringsOf(value: unknown, lower: boolean): string[] | null {
  if (value === undefined || value === null) return null;
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of list) {
    if (item === null || item === undefined) continue;
    const s = typeof item === 'object' ? JSON.stringify(item) : String(item);
    out.push(lower ? s.toLowerCase() : s);
  }
  return out;
}

function looseName(name: string): string {
  return name.toLowerCase().replace(/\s+/g, '');
}
