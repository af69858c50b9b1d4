// DKIM, SPF, DMARC and ARC verification with mailauth, through the `dns` service. Without answers (the
// offline default) verification is "unavailable": an analyst's laptop that cannot ask DNS learns nothing,
// and that is never held against the mail.

import { authenticate } from 'mailauth';
import type { MailDns } from './dns.ts';

export type CheckResult = string;

export type Verification =
  | { status: 'unavailable'; reason: string }
  | { status: 'verified'; spf?: CheckResult; dkim?: CheckResult; dmarc?: CheckResult; arc?: CheckResult; dkimDomains: string[] };

/** Where the mail entered: SPF is judged on the client that handed it to the first server of the organisation. */
export interface Envelope {
  ip?: string;
  helo?: string;
  sender?: string;
}

export async function verifyMail(raw: Uint8Array, dns: MailDns | undefined, signal: AbortSignal, envelope: Envelope = {}): Promise<Verification> {
  if (!dns || dns.mode === 'offline') return { status: 'unavailable', reason: 'DNS is offline (configure analyzers.email.dns or dnsRecords)' };
  const resolver = async (name: string, rrtype: string) => {
    if (signal.aborted) throw Object.assign(new Error('aborted'), { code: 'ETIMEOUT' });
    return (await dns.resolve(name, rrtype)) as string[][];
  };
  try {
    const res = await authenticate(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
      // Without a known entry hop, mailauth reads the client from the top Received header.
      trustReceived: !envelope.ip,
      ip: envelope.ip,
      helo: envelope.helo,
      sender: envelope.sender,
      resolver,
      mta: 'tacklebox.local',
      disableBimi: true,
    });
    const dkimResults = res.dkim?.results ?? [];
    // Any passing signature authenticates the mail; otherwise the first verdict tells why.
    // mailauth reports a body-hash mismatch as "neutral" (RFC 6376 leaves it open); for an analyst the
    // signed content was altered, which is a failed signature.
    const resultOf = (r: (typeof dkimResults)[number]) => (r.status?.result === 'neutral' && /body hash did not verify/.test(r.status.comment ?? '') ? 'fail' : r.status?.result);
    const dkim = dkimResults.some((r) => resultOf(r) === 'pass') ? 'pass' : dkimResults[0] ? resultOf(dkimResults[0]) : undefined;
    return {
      status: 'verified',
      spf: res.spf ? res.spf.status?.result : undefined,
      dkim,
      dmarc: res.dmarc ? res.dmarc.status?.result : undefined,
      arc: res.arc ? res.arc.status?.result : undefined,
      dkimDomains: dkimResults.map((r) => (r as { signingDomain?: string }).signingDomain).filter((d): d is string => !!d),
    };
  } catch (err) {
    return { status: 'unavailable', reason: `verification failed to run: ${(err as Error).message}` };
  }
}
