// The header readers on their own: Received hops, where a mail entered and where it came from,
// Authentication-Results, forward markers in several languages, and encapsulated RTF.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findInlineForward, hasForwardPrefix } from '../src/analyzers/mail/forward.ts';
import { authenticationResults, entryHop, originatingIp, parseReceived, type HeaderField } from '../src/analyzers/mail/headers.ts';
import { htmlToText } from '../src/analyzers/mail/html-text.ts';

const received = [
  'from mailbox.corp.example (10.0.0.6) by mbx2.corp.example with MAPI; Tue, 14 Mar 2023 09:12:50 +0100',
  'from mx.corp.example (mx.corp.example [10.0.0.5]) by mailbox.corp.example with ESMTP id 1; Tue, 14 Mar 2023 09:12:48 +0100',
  'from out-7.sender.example (out-7.sender.example [192.0.2.44]) by mx.corp.example with ESMTPS id 2; Tue, 14 Mar 2023 09:12:46 +0100',
  'from [198.51.100.9] (helo=laptop) by out-7.sender.example with ESMTPSA id 3; Tue, 14 Mar 2023 09:12:44 +0100',
];

test('Received hops: client, IP, server and date', () => {
  assert.deepEqual(parseReceived(received[2]!), { from: 'out-7.sender.example', ip: '192.0.2.44', by: 'mx.corp.example', date: 'Tue, 14 Mar 2023 09:12:46 +0100' });
  assert.equal(parseReceived('from x ([IPv6:2001:db8::1]) by y; Mon, 1 Jan 2024 00:00:00 +0000').ip, '2001:db8::1');
});

test('the entry hop is the newest public client; the originating IP the oldest', () => {
  const hops = received.map(parseReceived);
  assert.equal(entryHop(hops)?.ip, '192.0.2.44');
  assert.equal(originatingIp(hops, []), '198.51.100.9');
  assert.equal(originatingIp(hops, [{ key: 'x-originating-ip', value: '[203.0.113.5]' }]), '203.0.113.5');
  assert.equal(originatingIp([parseReceived(received[1]!)], []), undefined, 'private addresses are never the origin');
});

test('Authentication-Results: the top header, comments ignored, best DKIM kept; Received-SPF as fallback', () => {
  const headers: HeaderField[] = [
    { key: 'authentication-results', value: 'mx.corp.example; dkim=fail (bad sig) header.d=a.example; dkim=pass header.d=b.example; spf=softfail (sender is not allowed) smtp.mailfrom=b.example; dmarc=pass (p=none) header.from=b.example' },
    { key: 'authentication-results', value: 'forged.example; spf=pass; dkim=pass; dmarc=pass' },
  ];
  assert.deepEqual(authenticationResults(headers), { authserv: 'mx.corp.example', dkim: 'pass', spf: 'softfail', dmarc: 'pass' });
  assert.deepEqual(authenticationResults([{ key: 'received-spf', value: 'Fail (protection.outlook.com: domain does not designate)' }]), { spf: 'fail' });
});

test('forward markers and header labels in several languages', () => {
  const fr = findInlineForward(['Pour info', '', '-------- Message transféré --------', 'De : Jean Dupont <jean@fournisseur.example>', 'Date : mar. 14 mars 2023', 'Objet : Facture impayée', 'À : moi@corp.example', '', 'Veuillez payer.'].join('\n'));
  assert.equal(fr?.markerKind, 'forward');
  assert.deepEqual(fr?.headers, { from: 'Jean Dupont <jean@fournisseur.example>', date: 'mar. 14 mars 2023', subject: 'Facture impayée', to: 'moi@corp.example' });
  assert.equal(fr?.body.trim(), 'Veuillez payer.');
  const es = findInlineForward('---------- Mensaje reenviado ---------\nDe: a@b.example\nAsunto: Pago\n\ncuerpo');
  assert.equal(es?.headers.subject, 'Pago');
  const apple = findInlineForward('Begin forwarded message:\n\n> From: x@y.example\n> Subject: hi\n> \n> quoted body');
  assert.equal(apple?.headers.from, 'x@y.example');
  assert.equal(apple?.body.trim(), 'quoted body');
  assert.equal(findInlineForward('-----Original Message-----\nno headers here'), undefined);
  for (const s of ['FW: x', 'Fwd: x', 'WG: x', 'TR : x', 'RE: FW: x', 'RV: x']) assert.ok(hasForwardPrefix(s), s);
  for (const s of ['RE: x', 'AW: x', 'Invoice FW: x', undefined]) assert.ok(!hasForwardPrefix(s), String(s));
});

test('HTML to text keeps link targets and rules', () => {
  assert.equal(htmlToText('<p>Pay <a href="http://x.example/a?b=1&amp;c=2">here</a></p><hr>end'), 'Pay here <http://x.example/a?b=1&c=2>\n\n________________________________\nend');
});
