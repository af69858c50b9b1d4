// DKIM, SPF and DMARC verification through the `dns` service with recorded answers (no network): a signed
// lure verifies, a tampered one fails, and without answers verification is "unavailable", never a finding.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dkimSign } from 'mailauth';
import { stringify } from 'yaml';
import { analyze } from '../src/analyze.ts';
import { defaultConfig } from '../src/config.ts';
import type { EngineConfig } from '../src/engine/types.ts';
import { openServices } from '../src/services.ts';
import type { Report } from '../src/verdict/report.ts';
import * as mail from './generators/email.ts';

const DOMAIN = 'hoffmann-logistik.example';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicKeyB64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

function records(spfIp: string) {
  return {
    [`s1._domainkey.${DOMAIN}`]: { TXT: [`v=DKIM1; k=rsa; p=${publicKeyB64}`] },
    [DOMAIN]: { TXT: [`v=spf1 ip4:${spfIp} -all`] },
    [`_dmarc.${DOMAIN}`]: { TXT: ['v=DMARC1; p=reject; adkim=r; aspf=r'] },
  };
}

async function signed(message: string): Promise<string> {
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const res = await dkimSign(message, {
    signingDomain: DOMAIN,
    selector: 's1',
    privateKey: key,
    signatureData: [{ signingDomain: DOMAIN, selector: 's1', privateKey: key, canonicalization: 'relaxed/relaxed', algorithm: 'rsa-sha256' }],
  });
  assert.deepEqual(res.errors, []);
  return res.signatures + message;
}

function config(email: Record<string, unknown>): EngineConfig {
  const c = defaultConfig();
  c.analyzers.email = email;
  return c;
}

type Auth = { verification: Record<string, string> | string };
const verification = (r: Report) => (r.artifacts[0]!.facts!.auth as Auth).verification;
const ids = (r: Report) => r.findings.map((f) => f.id);

test('a DKIM-signed mail from an SPF-authorised server verifies: no authentication finding', async () => {
  const message = await signed(mail.qakbotLure());
  const r = await analyze({ name: 'signed.eml', data: mail.bytes(message) }, config({ dnsRecords: records('203.0.113.77') }));
  assert.deepEqual(verification(r), { spf: 'pass', dkim: 'pass', dmarc: 'pass', arc: 'none' });
  assert.ok(!ids(r).some((id) => id.startsWith('email.auth.')), JSON.stringify(ids(r)));
});

test('a tampered body from an unauthorised server fails DKIM, SPF and DMARC', async () => {
  const message = (await signed(mail.qakbotLure())).replace('Kind regards,', 'Best regards,');
  const r = await analyze({ name: 'tampered.eml', data: mail.bytes(message) }, config({ dnsRecords: records('192.0.2.1') }));
  const v = verification(r) as Record<string, string>;
  assert.equal(v.dkim, 'fail');
  assert.equal(v.spf, 'fail');
  assert.equal(v.dmarc, 'fail');
  for (const id of ['email.auth.dkim-fail', 'email.auth.spf-fail', 'email.auth.dmarc-fail']) assert.ok(ids(r).includes(id), id);
  assert.match(r.findings.find((f) => f.id === 'email.auth.dmarc-fail')!.evidence, /verified by tacklebox/);
});

test('recorded answers can come from a file, through the dns service the CLI opens', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tacklebox-dns-'));
  try {
    const file = join(dir, 'dns.yaml');
    writeFileSync(file, stringify(records('203.0.113.77')));
    const c = config({ dnsRecords: file });
    const { services, close } = await openServices(c);
    try {
      assert.equal((services.dns as { mode: string }).mode, 'recorded');
      const r = await analyze({ name: 'signed.eml', data: mail.bytes(await signed(mail.qakbotLure())) }, c, services);
      assert.equal((verification(r) as Record<string, string>).dkim, 'pass');
    } finally {
      await close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('offline (the default): verification is unavailable and raises nothing', async () => {
  const message = (await signed(mail.qakbotLure())).replace('Kind regards,', 'Best regards,');
  const r = await analyze({ name: 'offline.eml', data: mail.bytes(message) }, defaultConfig());
  assert.match(String(verification(r)), /^unavailable/);
  assert.ok(!ids(r).some((id) => id.startsWith('email.auth.')));
});
