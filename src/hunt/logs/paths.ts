// Reading values out of nested records by dotted path, tolerating keys that themselves contain dots
// (Zeek JSON writes `id.orig_h` flat) and lists of records (Gmail's `message_info.destination[]`).

export function getPath(obj: unknown, path: string): unknown {
  if (path === '.') return obj;
  if (obj === null || obj === undefined) return undefined;
  if (Array.isArray(obj)) {
    const out = obj.map((o) => getPath(o, path)).flat().filter((v) => v !== undefined);
    return out.length === 0 ? undefined : out.length === 1 ? out[0] : out;
  }
  if (typeof obj !== 'object') return undefined;
  const rec = obj as Record<string, unknown>;
  if (Object.hasOwn(rec, path)) return rec[path];
  let dot = path.indexOf('.');
  while (dot > 0) {
    const head = path.slice(0, dot);
    if (Object.hasOwn(rec, head)) {
      const v = getPath(rec[head], path.slice(dot + 1));
      if (v !== undefined) return v;
    }
    dot = path.indexOf('.', dot + 1);
  }
  return undefined;
}

export function isPresent(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
}

/**
 * `{a}` renders a field; `"{user.domain}\\{user.name}"` joins several. A placeholder that is missing drops the
 * literal text before it, so a missing domain gives `alice`, not `\alice`; all missing gives undefined.
 */
export function compileTemplate(template: string): (rec: unknown) => unknown {
  if (!template.includes('{')) return (rec) => getPath(rec, template);
  const pieces: { before: string; path: string }[] = [];
  const re = /\{([^}]+)\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(template))) {
    pieces.push({ before: template.slice(last, m.index), path: m[1]! });
    last = re.lastIndex;
  }
  const tail = template.slice(last);
  if (pieces.length === 1 && !pieces[0]!.before && !tail) {
    const path = pieces[0]!.path;
    return (rec) => getPath(rec, path);
  }
  return (rec) => {
    let out = '';
    let any = false;
    for (const p of pieces) {
      const v = getPath(rec, p.path);
      if (!isPresent(v)) continue;
      out += (any ? p.before : p.before.replace(/^[\\,;=\s]+$/, '')) + (Array.isArray(v) ? v.join(',') : String(v));
      any = true;
    }
    return any ? out + tail : undefined;
  };
}
