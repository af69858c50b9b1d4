// A small PE writer for tests: DLLs and EXEs with sections, imports, exports, resources, a Rich header, an
// overlay and an Authenticode-shaped certificate table, laid out the way the Microsoft linker does
// (FileAlignment 0x200, SectionAlignment 0x1000). Also malformed variants for hostile-input tests.

export interface PeSection {
  name: string;
  data: Uint8Array;
  /** "r-x" code (default), "rw-" data, "r--" read-only, "rwx". */
  access?: string;
  /** Defaults to the data length; larger means a zero-filled tail (or an empty UPX0-style section). */
  virtualSize?: number;
}

export interface PeResource {
  type: number | string;
  name: number | string;
  language?: number;
  data: Uint8Array;
}

export interface PeSpec {
  is64?: boolean;
  dll?: boolean;
  timestamp?: number;
  /** Sections before the generated .idata/.edata/.rsrc; default one .text of code-looking bytes. */
  sections?: PeSection[];
  imports?: { dll: string; functions: (string | number)[] }[];
  exports?: { dllName: string; names: string[] };
  resources?: PeResource[];
  rich?: { productId: number; build: number; count: number }[];
  overlay?: Uint8Array;
  /** Appends a WIN_CERTIFICATE (PKCS#7 type) of this many bytes and points the security directory at it. */
  signatureBytes?: number;
  /** Entry point RVA; default the start of the first section. */
  entryPoint?: number;
  /** Sets the CLR runtime header directory, as a .NET assembly has (the header itself is not written). */
  dotnet?: boolean;
  /** Hostile: every resource data entry points here instead of at its own bytes. */
  resourceDataOverride?: { rva: number; size: number };
}

const FILE_ALIGN = 0x200;
const SECTION_ALIGN = 0x1000;
const HEADERS_SIZE = 0x400;

const align = (n: number, a: number) => Math.ceil(n / a) * a;

class Writer {
  buf: Uint8Array;
  dv: DataView;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.dv = new DataView(this.buf.buffer);
  }
  u8(o: number, v: number) {
    this.dv.setUint8(o, v);
  }
  u16(o: number, v: number) {
    this.dv.setUint16(o, v, true);
  }
  u32(o: number, v: number) {
    this.dv.setUint32(o, v >>> 0, true);
  }
  u64(o: number, v: number) {
    this.dv.setBigUint64(o, BigInt(v), true);
  }
  bytes(o: number, b: Uint8Array) {
    this.buf.set(b, o);
  }
  ascii(o: number, s: string) {
    for (let i = 0; i < s.length; i++) this.buf[o + i] = s.charCodeAt(i);
  }
}

/** Deterministic bytes that look like code (low entropy), so only the sections a test wants look packed. */
export function codeLikeBytes(size: number): Uint8Array {
  const pattern = [0x55, 0x8b, 0xec, 0x83, 0xec, 0x10, 0x53, 0x56, 0x57, 0x8b, 0x45, 0x08, 0x50, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x5f, 0x5e, 0x5b, 0xc9, 0xc3, 0xcc];
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = pattern[i % pattern.length]!;
  return out;
}

/** Deterministic pseudo-random bytes (xorshift), for high-entropy sections without Math.random. */
export function noiseBytes(size: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function accessFlags(access = 'r-x'): number {
  let f = 0;
  if (access.includes('x')) f |= 0x20 | 0x20000000;
  else f |= 0x40;
  if (access.includes('r')) f |= 0x40000000;
  if (access.includes('w')) f |= 0x80000000;
  return f;
}

function buildImports(base: number, imports: NonNullable<PeSpec['imports']>, is64: boolean): Uint8Array {
  const ts = is64 ? 8 : 4;
  const descSize = (imports.length + 1) * 20;
  const thunkBytes = imports.reduce((n, d) => n + (d.functions.length + 1) * ts, 0);
  let hintSize = 0;
  for (const d of imports) for (const f of d.functions) if (typeof f === 'string') hintSize += align(2 + f.length + 1, 2);
  const nameSize = imports.reduce((n, d) => n + d.dll.length + 1, 0);
  const iltAt = descSize;
  const iatAt = iltAt + thunkBytes;
  const hintAt = iatAt + thunkBytes;
  const namesAt = hintAt + hintSize;
  const w = new Writer(align(namesAt + nameSize, 16));
  let ilt = iltAt;
  let hint = hintAt;
  let name = namesAt;
  imports.forEach((d, i) => {
    const desc = i * 20;
    w.u32(desc, base + ilt);
    w.u32(desc + 12, base + name);
    w.u32(desc + 16, base + ilt + thunkBytes);
    w.ascii(name, d.dll);
    name += d.dll.length + 1;
    for (const f of d.functions) {
      let value: number;
      let high = 0;
      if (typeof f === 'number') {
        value = f & 0xffff;
        if (is64) high = 0x80000000;
        else value |= 0x80000000;
      } else {
        value = base + hint;
        w.u16(hint, 0);
        w.ascii(hint + 2, f);
        hint += align(2 + f.length + 1, 2);
      }
      for (const at of [ilt, ilt + thunkBytes]) {
        w.u32(at, value);
        if (is64) w.u32(at + 4, high);
      }
      ilt += ts;
    }
    ilt += ts; // the terminating zero thunk
  });
  return w.buf;
}

function buildExports(base: number, exp: NonNullable<PeSpec['exports']>, codeRva: number): Uint8Array {
  const names = [...exp.names].sort(); // the loader binary-searches the name table
  const n = names.length;
  const eat = 40;
  const namePtrs = eat + n * 4;
  const ords = namePtrs + n * 4;
  const dllNameAt = ords + n * 2;
  let strAt = dllNameAt + exp.dllName.length + 1;
  const size = strAt + names.reduce((s, x) => s + x.length + 1, 0);
  const w = new Writer(align(size, 16));
  w.u32(12, base + dllNameAt);
  w.u32(16, 1); // ordinal base
  w.u32(20, n);
  w.u32(24, n);
  w.u32(28, base + eat);
  w.u32(32, base + namePtrs);
  w.u32(36, base + ords);
  w.ascii(dllNameAt, exp.dllName);
  names.forEach((name, i) => {
    w.u32(eat + i * 4, codeRva + i * 16);
    w.u32(namePtrs + i * 4, base + strAt);
    w.u16(ords + i * 2, i);
    w.ascii(strAt, name);
    strAt += name.length + 1;
  });
  return w.buf;
}

function buildResources(base: number, resources: PeResource[], override?: { rva: number; size: number }): Uint8Array {
  type Key = number | string;
  const byType = new Map<Key, Map<Key, PeResource[]>>();
  for (const r of resources) {
    const names = byType.get(r.type) ?? new Map<Key, PeResource[]>();
    names.set(r.name, [...(names.get(r.name) ?? []), r]);
    byType.set(r.type, names);
  }
  // Named entries come before numeric ones in each directory, as the format requires.
  const order = <T>(m: Map<Key, T>) => [...m].sort(([a], [b]) => (typeof a === typeof b ? 0 : typeof a === 'string' ? -1 : 1));
  const dirSize = (entries: number) => 16 + entries * 8;
  const types = order(byType);
  let at = dirSize(types.length);
  const typeDirs = types.map(([, names]) => {
    const o = at;
    at += dirSize(names.size);
    return o;
  });
  const nameDirs = types.map(([, names]) =>
    order(names).map(([, langs]) => {
      const o = at;
      at += dirSize(langs.length);
      return o;
    }),
  );
  const strings = new Map<string, number>();
  for (const r of resources) {
    for (const k of [r.type, r.name]) {
      if (typeof k === 'string' && !strings.has(k)) {
        strings.set(k, at);
        at += 2 + k.length * 2;
      }
    }
  }
  at = align(at, 4);
  const dataEntries = new Map<PeResource, number>();
  for (const r of resources) {
    dataEntries.set(r, at);
    at += 16;
  }
  const blobs = new Map<PeResource, number>();
  for (const r of resources) {
    at = align(at, 8);
    blobs.set(r, at);
    at += r.data.length;
  }
  const w = new Writer(align(at, 16));
  const nameField = (k: Key) => (typeof k === 'string' ? 0x80000000 | strings.get(k)! : k);
  const dirHeader = (o: number, keys: Key[]) => {
    w.u16(o + 12, keys.filter((k) => typeof k === 'string').length);
    w.u16(o + 14, keys.filter((k) => typeof k === 'number').length);
  };
  dirHeader(0, types.map(([k]) => k));
  types.forEach(([typeKey, names], ti) => {
    w.u32(16 + ti * 8, nameField(typeKey));
    w.u32(16 + ti * 8 + 4, 0x80000000 | typeDirs[ti]!);
    const sortedNames = order(names);
    dirHeader(typeDirs[ti]!, sortedNames.map(([k]) => k));
    sortedNames.forEach(([nameKey, langs], ni) => {
      const e = typeDirs[ti]! + 16 + ni * 8;
      w.u32(e, nameField(nameKey));
      w.u32(e + 4, 0x80000000 | nameDirs[ti]![ni]!);
      const ld = nameDirs[ti]![ni]!;
      dirHeader(ld, langs.map((r) => r.language ?? 1033));
      langs.forEach((r, li) => {
        w.u32(ld + 16 + li * 8, r.language ?? 1033);
        w.u32(ld + 16 + li * 8 + 4, dataEntries.get(r)!);
      });
    });
  });
  for (const [s, o] of strings) {
    w.u16(o, s.length);
    for (let i = 0; i < s.length; i++) w.u16(o + 2 + i * 2, s.charCodeAt(i));
  }
  for (const r of resources) {
    const e = dataEntries.get(r)!;
    w.u32(e, override ? override.rva : base + blobs.get(r)!);
    w.u32(e + 4, override ? override.size : r.data.length);
    w.bytes(blobs.get(r)!, r.data);
  }
  return w.buf;
}

export function buildPe(spec: PeSpec = {}): Uint8Array {
  const is64 = spec.is64 ?? false;
  const dll = spec.dll ?? true;
  const userSections = spec.sections ?? [{ name: '.text', data: codeLikeBytes(0x800), access: 'r-x' }];
  const layout: { name: string; rva: number; data: Uint8Array; virtualSize: number; flags: number }[] = [];
  let rva = SECTION_ALIGN;
  const place = (name: string, data: Uint8Array, flags: number, virtualSize = data.length) => {
    layout.push({ name, rva, data, virtualSize: Math.max(virtualSize, 1), flags });
    rva += align(Math.max(virtualSize, data.length, 1), SECTION_ALIGN);
    return layout[layout.length - 1]!;
  };
  for (const s of userSections) place(s.name, s.data, accessFlags(s.access), s.virtualSize);
  const codeRva = layout[0]?.rva ?? SECTION_ALIGN;
  const dirs: { rva: number; size: number }[] = Array.from({ length: 16 }, () => ({ rva: 0, size: 0 }));
  if (spec.imports?.length) {
    const data = buildImports(rva, spec.imports, is64);
    dirs[1] = { rva, size: (spec.imports.length + 1) * 20 };
    place('.idata', data, accessFlags('r--'));
  }
  if (spec.exports) {
    const data = buildExports(rva, spec.exports, codeRva);
    dirs[0] = { rva, size: data.length };
    place('.edata', data, accessFlags('r--'));
  }
  if (spec.resources?.length) {
    const data = buildResources(rva, spec.resources, spec.resourceDataOverride);
    dirs[2] = { rva, size: data.length };
    place('.rsrc', data, accessFlags('r--'));
  }
  const sizeOfImage = rva;

  let fileAt = HEADERS_SIZE;
  const raw = layout.map((s) => {
    const o = fileAt;
    const size = align(s.data.length, FILE_ALIGN);
    fileAt += size;
    return { offset: s.data.length ? o : 0, size: s.data.length ? size : 0 };
  });
  const sectionsEnd = fileAt;
  const signature = spec.signatureBytes ? spec.signatureBytes : 0;
  const overlay = spec.overlay ?? new Uint8Array(0);
  const total = sectionsEnd + overlay.length + signature;
  const w = new Writer(total);

  // DOS header and stub, then the Rich header, then the PE header.
  w.ascii(0, 'MZ');
  w.ascii(0x4e, 'This program cannot be run in DOS mode.\r\r\n$');
  let peOffset = 0x80;
  if (spec.rich?.length) {
    const key = 0x1b2c3d4e;
    let o = 0x80;
    w.u32(o, 0x536e6144 ^ key);
    w.u32(o + 4, key);
    w.u32(o + 8, key);
    w.u32(o + 12, key);
    o += 16;
    for (const e of spec.rich) {
      w.u32(o, ((e.productId << 16) | e.build) ^ key);
      w.u32(o + 4, e.count ^ key);
      o += 8;
    }
    w.ascii(o, 'Rich');
    w.u32(o + 4, key);
    peOffset = align(o + 8, 16);
  }
  w.u32(0x3c, peOffset);
  w.ascii(peOffset, 'PE\0\0');
  const coff = peOffset + 4;
  w.u16(coff, is64 ? 0x8664 : 0x14c);
  w.u16(coff + 2, layout.length);
  w.u32(coff + 4, spec.timestamp ?? 0x63a1b2c3);
  const optSize = is64 ? 240 : 224;
  w.u16(coff + 16, optSize);
  w.u16(coff + 18, 0x0002 | (is64 ? 0x0020 : 0x0100) | (dll ? 0x2000 : 0));
  const opt = coff + 20;
  w.u16(opt, is64 ? 0x20b : 0x10b);
  w.u8(opt + 2, 14);
  w.u32(opt + 16, spec.entryPoint ?? codeRva);
  w.u32(opt + 20, codeRva);
  if (is64) w.u64(opt + 24, 0x180000000);
  else w.u32(opt + 28, 0x10000000);
  w.u32(opt + 32, SECTION_ALIGN);
  w.u32(opt + 36, FILE_ALIGN);
  w.u16(opt + 40, 6);
  w.u16(opt + 48, 6);
  w.u32(opt + 56, sizeOfImage);
  w.u32(opt + 60, HEADERS_SIZE);
  w.u16(opt + 68, 2); // Windows GUI
  w.u16(opt + 70, 0x0140); // dynamic base, NX compatible
  const dirAt = opt + (is64 ? 108 : 92);
  w.u32(dirAt, 16);
  if (signature) dirs[4] = { rva: sectionsEnd + overlay.length, size: signature };
  if (spec.dotnet) dirs[14] = { rva: codeRva, size: 0x48 };
  dirs.forEach((d, i) => {
    w.u32(dirAt + 4 + i * 8, d.rva);
    w.u32(dirAt + 8 + i * 8, d.size);
  });
  const table = opt + optSize;
  layout.forEach((s, i) => {
    const o = table + i * 40;
    w.ascii(o, s.name.slice(0, 8));
    w.u32(o + 8, s.virtualSize);
    w.u32(o + 12, s.rva);
    w.u32(o + 16, raw[i]!.size);
    w.u32(o + 20, raw[i]!.offset);
    w.u32(o + 36, s.flags);
    if (s.data.length) w.bytes(raw[i]!.offset, s.data);
  });
  w.bytes(sectionsEnd, overlay);
  if (signature) {
    const at = sectionsEnd + overlay.length;
    w.u32(at, signature);
    w.u16(at + 4, 0x0200);
    w.u16(at + 6, 0x0002);
    w.bytes(at + 8, noiseBytes(signature - 8, 7));
  }
  return w.buf;
}

/** Offsets a malformation test needs to patch a built PE. */
export function peLayout(pe: Uint8Array): { peOffset: number; sectionCountAt: number; sectionTableAt: number } {
  const dv = new DataView(pe.buffer, pe.byteOffset, pe.byteLength);
  const peOffset = dv.getUint32(0x3c, true);
  const optSize = dv.getUint16(peOffset + 20, true);
  return { peOffset, sectionCountAt: peOffset + 6, sectionTableAt: peOffset + 24 + optSize };
}

/** A VERSION resource (VS_VERSIONINFO with one StringFileInfo table), laid out as the resource compiler does. */
export function versionResource(strings: Record<string, string>, table = '040904b0'): Uint8Array {
  const utf16z = (t: string) => {
    const b = new Uint8Array((t.length + 1) * 2);
    for (let i = 0; i < t.length; i++) new DataView(b.buffer).setUint16(i * 2, t.charCodeAt(i), true);
    return b;
  };
  const pad4 = (parts: number[]) => {
    while (parts.length % 4) parts.push(0);
  };
  // One block: header, key, padding, value, padding, children; wLength covers all of it.
  const block = (key: string, value: Uint8Array, valueLength: number, type: number, kids: Uint8Array[]) => {
    const out: number[] = [0, 0, valueLength & 0xff, valueLength >> 8, type, 0, ...utf16z(key)];
    pad4(out);
    out.push(...value);
    for (const kid of kids) {
      pad4(out);
      out.push(...kid);
    }
    out[0] = out.length & 0xff;
    out[1] = out.length >> 8;
    return new Uint8Array(out);
  };
  const fixed = new Uint8Array(52);
  new DataView(fixed.buffer).setUint32(0, 0xfeef04bd, true);
  const stringBlocks = Object.entries(strings).map(([k, v]) => block(k, utf16z(v), v.length + 1, 1, []));
  return block('VS_VERSION_INFO', fixed, 52, 0, [block('StringFileInfo', new Uint8Array(0), 0, 1, [block(table, new Uint8Array(0), 0, 1, stringBlocks)])]);
}
