// Builds Outlook .msg files for tests: the MS-OXMSG property streams written into a compound file with the
// CFB writer msgreader itself ships (`burn`), so no opaque binary is committed.
//
//   outlookMsg({ subject, senderName, senderEmail, body, recipients: [{ name, email }],
//                rtfHtml: '<html>…</html>',            // HTML kept only inside the RTF body (\fromhtml1)
//                attachments: [{ name, data }, { name, msg: { …nested spec… } }] })  → Uint8Array

import { burn, type Entry } from '@kenjiuno/msgreader/lib/Burner.js';

export interface MsgSpec {
  subject?: string;
  senderName?: string;
  senderEmail?: string;
  /** PR_TRANSPORT_MESSAGE_HEADERS: the header block as received. */
  headers?: string;
  body?: string;
  /** PR_HTML as bytes (UTF-8). */
  html?: string;
  /** HTML stored only encapsulated in the compressed RTF body, as Outlook often does. */
  rtfHtml?: string;
  messageClass?: string;
  recipients?: { name: string; email: string; type?: 'to' | 'cc' }[];
  attachments?: ({ name: string; data: Uint8Array; mimeType?: string } | { name: string; msg: MsgSpec })[];
}

interface Node {
  name: string;
  data?: Uint8Array;
  children?: Node[];
}

const PT_LONG = 0x0003;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;

const utf16 = (s: string) => new Uint8Array(Buffer.from(s, 'utf16le'));
const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
const prop = (id: number, type: number, data: Uint8Array): Node => ({ name: `__substg1.0_${hex4(id)}${hex4(type)}`, data });
const str = (id: number, value: string | undefined): Node[] => (value === undefined ? [] : [prop(id, PT_UNICODE, utf16(value))]);

/** The property stream: a header, then 16-byte entries for fixed-size values (here PT_LONG only). */
function propertyStream(headerSize: number, longs: [number, number][], counts?: { recipients: number; attachments: number }): Node {
  const out = new Uint8Array(headerSize + longs.length * 16);
  const view = new DataView(out.buffer);
  if (counts) {
    view.setUint32(8, counts.recipients, true);
    view.setUint32(12, counts.attachments, true);
    view.setUint32(16, counts.recipients, true);
    view.setUint32(20, counts.attachments, true);
  }
  longs.forEach(([id, value], i) => {
    const at = headerSize + i * 16;
    view.setUint32(at, ((id << 16) | PT_LONG) >>> 0, true);
    view.setUint32(at + 4, 0x6, true); // readable | writable
    view.setUint32(at + 8, value, true);
  });
  return { name: '__properties_version1.0', data: out };
}

/** RTF "compressed" in the MELA (stored, uncompressed) form that MS-OXRTFCP allows. */
function storedRtf(rtf: string): Uint8Array {
  const body = new Uint8Array(Buffer.from(rtf, 'latin1'));
  const out = new Uint8Array(16 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length + 12, true);
  view.setUint32(4, body.length, true);
  view.setUint32(8, 0x414c454d, true);
  view.setUint32(12, 0, true);
  out.set(body, 16);
  return out;
}

/** Encapsulates HTML in RTF the way Outlook does (MS-OXRTFEX), non-ASCII as \uN. */
export function encapsulateHtml(html: string): string {
  const esc = (s: string) =>
    [...s].map((ch) => {
      const code = ch.codePointAt(0)!;
      if (ch === '\\' || ch === '{' || ch === '}') return `\\${ch}`;
      if (code > 0x7f) return code > 0xffff ? ch : `\\u${code > 0x7fff ? code - 0x10000 : code}?`;
      if (ch === '\n') return '\\par\n';
      return ch;
    }).join('');
  const parts = html.split(/(<[^>]*>)/).filter(Boolean);
  const body = parts.map((p) => (p.startsWith('<') ? `{\\*\\htmltag64 ${esc(p)}}` : `\\htmlrtf {\\htmlrtf0 ${esc(p)}\\htmlrtf }\\htmlrtf0 `)).join('');
  return `{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\\uc1\\pard\\plain\\f0\\fs20 ${body}}`;
}

function messageNodes(spec: MsgSpec, top: boolean): Node[] {
  const recipients = spec.recipients ?? [];
  const attachments = spec.attachments ?? [];
  const nodes: Node[] = [
    ...str(0x001a, spec.messageClass ?? 'IPM.Note'),
    ...str(0x0037, spec.subject),
    ...str(0x0c1a, spec.senderName),
    ...str(0x0c1f, spec.senderEmail),
    ...str(0x0c1e, spec.senderEmail ? 'SMTP' : undefined),
    ...str(0x5d01, spec.senderEmail),
    ...str(0x007d, spec.headers),
    ...str(0x1000, spec.body),
  ];
  if (spec.html !== undefined) nodes.push(prop(0x1013, PT_BINARY, new Uint8Array(Buffer.from(spec.html, 'utf8'))));
  if (spec.rtfHtml !== undefined) nodes.push(prop(0x1009, PT_BINARY, storedRtf(encapsulateHtml(spec.rtfHtml))));
  nodes.push(propertyStream(top ? 32 : 24, [[0x3fde, 65001]], { recipients: recipients.length, attachments: attachments.length }));
  recipients.forEach((r, i) => {
    nodes.push({
      name: `__recip_version1.0_#${i.toString(16).toUpperCase().padStart(8, '0')}`,
      children: [...str(0x3001, r.name), ...str(0x3003, r.email), ...str(0x39fe, r.email), ...str(0x3002, 'SMTP'), propertyStream(8, [[0x0c15, r.type === 'cc' ? 2 : 1]])],
    });
  });
  attachments.forEach((a, i) => {
    const children: Node[] = [...str(0x3707, a.name), ...str(0x3001, a.name)];
    if ('msg' in a) {
      children.push({ name: '__substg1.0_3701000D', children: messageNodes(a.msg, false) }, propertyStream(8, [[0x3705, 5]]));
    } else {
      children.push(prop(0x3701, PT_BINARY, a.data), ...str(0x370e, a.mimeType), ...str(0x3703, a.name.includes('.') ? a.name.slice(a.name.lastIndexOf('.')) : undefined), propertyStream(8, [[0x3705, 1]]));
    }
    nodes.push({ name: `__attach_version1.0_#${i.toString(16).toUpperCase().padStart(8, '0')}`, children });
  });
  return nodes;
}

export function outlookMsg(spec: MsgSpec): Uint8Array {
  const entries: Entry[] = [];
  const add = (node: Node, type: number): number => {
    const index = entries.length;
    const entry: Entry = { name: node.name, type, length: node.data?.length ?? 0 };
    entries.push(entry);
    if (node.data) {
      const data = node.data;
      entry.binaryProvider = () => data;
    }
    if (node.children) entry.children = node.children.map((c) => add(c, c.children ? 1 : 2));
    return index;
  };
  add({ name: 'Root Entry', children: messageNodes(spec, true) }, 5);
  return burn(entries);
}
