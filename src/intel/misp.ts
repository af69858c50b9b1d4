// A MISP event (the JSON that MISP's "add event" API and its import take): one attribute per IOC with its
// MISP type and category, ATT&CK techniques as galaxy tags, TLP:AMBER by default.

import type { Ioc } from '../engine/types.ts';
import { attackName } from '../verdict/attack.ts';
import type { Report } from '../verdict/report.ts';
import { isBlockable } from './allowlist.ts';
import { uuidv5 } from './stix.ts';

const MISP_NAMESPACE = '5f1c8e4e-2b0a-5c55-9c3e-6a7d0e9b1f42';
const THREAT_LEVEL = { malicious: '1', suspicious: '2', benign: '4' } as const; // 1 high, 2 medium, 4 undefined

export interface MispOptions {
  now?: Date;
  ownDomains?: readonly string[];
  tlp?: 'clear' | 'green' | 'amber' | 'amber+strict' | 'red';
}

interface MispAttribute {
  uuid: string;
  type: string;
  category: string;
  value: string;
  to_ids: boolean;
  comment: string;
}

export function toMispEvent(report: Report, options: MispOptions = {}) {
  const now = options.now ?? new Date();
  const id = (key: string) => uuidv5(MISP_NAMESPACE, `${report.input.sha256}:${key}`);
  const attributes: MispAttribute[] = [];
  const add = (type: string, category: string, value: string, toIds: boolean, comment: string) =>
    attributes.push({ uuid: id(`${type}:${value}`), type, category, value, to_ids: toIds, comment });

  if (report.email.subject !== undefined) add('email-subject', 'Payload delivery', report.email.subject, false, 'subject of the reported email');
  if (report.email.messageId) add('email-message-id', 'Payload delivery', report.email.messageId, false, 'Message-ID of the reported email');
  for (const ioc of report.iocs) {
    const mapped = mispType(ioc);
    if (!mapped) continue;
    const comment = [ioc.role, `artifact ${ioc.artifact}`].filter(Boolean).join(', ');
    add(mapped.type, mapped.category, mapped.value, mapped.toIds && isBlockable(ioc, options.ownDomains), comment);
  }

  const tlp = options.tlp ?? 'amber';
  const tags = [{ name: `tlp:${tlp}` }, { name: `tacklebox:verdict="${report.verdict}"` }];
  for (const t of report.attack) {
    const name = attackName(t);
    tags.push({ name: `misp-galaxy:mitre-attack-pattern="${name ? `${name} - ${t}` : t}"` });
  }
  return {
    Event: {
      uuid: id('event'),
      info: `tacklebox: ${report.email.subject ?? report.input.name} — ${report.summary}`.slice(0, 500),
      date: now.toISOString().slice(0, 10),
      timestamp: String(Math.floor(now.getTime() / 1000)),
      threat_level_id: THREAT_LEVEL[report.verdict],
      analysis: '2',
      distribution: '0',
      published: false,
      Attribute: attributes,
      Tag: tags,
    },
  };
}

function mispType(ioc: Ioc): { type: string; category: string; value: string; toIds: boolean } | undefined {
  switch (ioc.type) {
    case 'url':
      return { type: 'url', category: 'Network activity', value: ioc.value, toIds: true };
    case 'domain':
      return { type: 'domain', category: 'Network activity', value: ioc.value, toIds: true };
    case 'ip':
      if (ioc.port) return { type: 'ip-dst|port', category: 'Network activity', value: `${ioc.value}|${ioc.port}`, toIds: true };
      return { type: ioc.role === 'sending-ip' ? 'ip-src' : 'ip-dst', category: 'Network activity', value: ioc.value, toIds: true };
    case 'sha256':
      return { type: 'sha256', category: 'Payload delivery', value: ioc.value, toIds: true };
    case 'email':
      return { type: ioc.role === 'sender' ? 'email-src' : 'email', category: 'Payload delivery', value: ioc.value, toIds: ioc.role === 'sender' };
    case 'filename':
      return { type: 'filename', category: 'Artifacts dropped', value: ioc.value, toIds: false };
    case 'command':
      return { type: 'text', category: 'Artifacts dropped', value: ioc.value, toIds: false };
    default:
      return undefined;
  }
}
