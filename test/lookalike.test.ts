import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brandLookalikeOf, editDistance, lookalikeOf } from '../src/intel/lookalike.ts';

const own = ['acme-corp.com', 'globex.de'];
const technique = (d: string) => lookalikeOf(d, own)?.technique;

test('own domains and their subdomains are never lookalikes', () => {
  assert.equal(lookalikeOf('acme-corp.com', own), undefined);
  assert.equal(lookalikeOf('mail.acme-corp.com', own), undefined);
  assert.equal(lookalikeOf('example.org', own), undefined);
  assert.equal(lookalikeOf('10.0.0.1', own), undefined);
});

test('imitations of an own domain, by technique', () => {
  assert.equal(technique('аcme-corp.com'), 'idn homoglyph'); // Cyrillic а
  assert.equal(technique('xn--cme-corp-06g.com'), 'idn homoglyph');
  assert.equal(technique('acrne-corp.com'), 'look-alike characters');
  assert.equal(technique('acme-c0rp.com'), 'look-alike characters');
  assert.equal(technique('acme-corp.co'), 'tld swap');
  assert.equal(technique('acmecorp.com'), 'edit distance 1');
  assert.equal(technique('glbex.de'), 'edit distance 1');
  assert.equal(technique('acme-corp.com.evil.xyz'), 'name in subdomain');
  assert.equal(technique('acme-corp-invoices.net'), 'name inside another domain');
  assert.equal(lookalikeOf('acmecorp.com', own)?.target, 'acme-corp.com');
  assert.equal(lookalikeOf('corp-mail.com', ['corp.example']), undefined, 'a short name inside another domain is no sign');
});

test('brands: imitations flagged, the brand\'s real domains never', () => {
  assert.equal(brandLookalikeOf('xn--pypal-4ve.com')?.brand, 'paypal');
  assert.equal(brandLookalikeOf('rnicrosoft.com')?.technique, 'look-alike characters');
  assert.equal(brandLookalikeOf('login.microsoft.com.secure-verify.xyz')?.technique, 'name in subdomain');
  assert.equal(brandLookalikeOf('docusing.com')?.brand, 'docusign');
  assert.deepEqual(brandLookalikeOf('login.microsoftonline.com.verify-acct.example'), {
    brand: 'microsoft',
    target: 'microsoftonline.com',
    technique: 'name in subdomain',
  });
  assert.equal(brandLookalikeOf('dhl-tracking.info')?.brand, 'dhl');
  assert.equal(brandLookalikeOf('goggle.com')?.technique, 'edit distance 1');
  for (const d of ['finance.com', 'transfer.com', 'adore.com', 'microsoftonline.com', 'tenant.sharepoint.com', 'dhl.de', 'docusign.net', 'amazon.de', 'zoom.us', 'github.com', 'upstream.com', 'apple-pie.com', 'wikipedia.org'])
    assert.equal(brandLookalikeOf(d), undefined, d);
});

test('edit distance gives up early past its bound', () => {
  assert.equal(editDistance('kitten', 'sitting', 3), 3);
  assert.equal(editDistance('a', 'abcdef', 2), 3);
  assert.equal(editDistance('docusing', 'docusign'), 1, 'a transposition is one slip');
});
