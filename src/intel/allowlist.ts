// What must never be handed out as a block: the organisation's own domains and shared platforms, where only
// the exact URL is an indicator, never the whole domain.

import { getDomain } from 'tldts';
import { loadRules } from '../engine/rules.ts';
import type { Ioc } from '../engine/types.ts';

export function isBlockable(ioc: Pick<Ioc, 'type' | 'value'>, ownDomains: readonly string[] = []): boolean {
  if (ioc.type !== 'domain' && ioc.type !== 'email') return true;
  const host = ioc.type === 'email' ? ioc.value.split('@').pop()! : ioc.value;
  const registered = (getDomain(host) ?? host).toLowerCase();
  if (ownDomains.some((d) => registered === d || host.toLowerCase().endsWith(`.${d}`))) return false;
  // A sender on a shared mail platform (gmail.com) is still blockable as an address; a platform domain is not.
  if (ioc.type === 'email') return true;
  return !loadRules<string[]>('hub-domains.yaml').includes(registered);
}
