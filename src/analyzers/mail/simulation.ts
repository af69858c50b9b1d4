// Recognises phishing-simulation mail from security-awareness vendors by their headers (rules/simulations.yaml
// plus the organisation's own tagging header from config), so a reported drill is marked as one.

import { loadRules } from '../../engine/rules.ts';
import { domainOf, type HeaderField } from './headers.ts';

interface HeaderRule {
  header: string;
  value?: string;
}
interface VendorRule {
  vendor: string;
  headers?: HeaderRule[];
  messageIdDomain?: string[];
  returnPathDomain?: string[];
}

export interface Simulation {
  vendor: string;
  evidence: string;
}

export function detectSimulation(
  headers: readonly HeaderField[],
  extra: readonly (HeaderRule & { vendor: string })[] = [],
): Simulation | undefined {
  const vendors: VendorRule[] = [...extra.map((r) => ({ vendor: r.vendor, headers: [r] })), ...loadRules<{ vendors: VendorRule[] }>('simulations.yaml').vendors];
  for (const v of vendors) {
    for (const rule of v.headers ?? []) {
      const key = rule.header.toLowerCase();
      const field = headers.find((h) => h.key === key && (!rule.value || new RegExp(rule.value, 'i').test(h.value.trim())));
      if (field) return { vendor: v.vendor, evidence: `${rule.header}: ${field.value.slice(0, 200)}` };
    }
    for (const [key, domains] of [['message-id', v.messageIdDomain], ['return-path', v.returnPathDomain]] as const) {
      const value = headers.find((h) => h.key === key)?.value;
      const domain = domainOf(value?.replace(/[<>]/g, '').trim());
      if (domain && domains?.some((d) => domain === d || domain.endsWith(`.${d}`))) {
        return { vendor: v.vendor, evidence: `${key}: ${value!.trim().slice(0, 200)}` };
      }
    }
  }
  return undefined;
}

/** The organisation's own simulation tagging, from analyzers.email.simulationHeaders. */
export function configuredSimulationHeaders(option: unknown): (HeaderRule & { vendor: string })[] {
  if (!Array.isArray(option)) return [];
  return option
    .filter((r): r is { vendor?: unknown; header: string; value?: unknown } => !!r && typeof r.header === 'string')
    .map((r) => ({ vendor: typeof r.vendor === 'string' ? r.vendor : 'organisation simulation', header: r.header, value: typeof r.value === 'string' ? r.value : undefined }));
}
