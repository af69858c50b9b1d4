// Hostile input is the normal case: random text, markup and URLs must give results, never exceptions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { renderHtml } from '../src/analyzers/html/render.ts';
import { unwrapUrl } from '../src/analyzers/url/unwrap.ts';
import { linksInText } from '../src/analyzers/text/links.ts';
import { findLures } from '../src/analyzers/text/lures.ts';
import { passwordCandidates } from '../src/analyzers/text/passwords.ts';
import { brandLookalikeOf, lookalikeOf } from '../src/intel/lookalike.ts';

// Fragments that steer random text into the parsers' interesting states.
const pieces = fc.constantFrom(
  'Password:', 'PW -', ' is ', '密码', '"', '«', '(', ')', '[.]', 'hxxp://', 'https://', 'www.', '?url=', '%3A%2F%2F',
  '<a href="', '">', '</a>', '<td>', '<script>', '<!--', '<style', '<div style="display:none">', '&amp;', '&#x', '\n', '\t', ' ',
  'urldefense.com/v3/__', '__;', '!!', '*', '**A', 'xn--', 'а', 'invoice', 'Rechnung', '@', ':', '//',
);
const hostile = fc.array(fc.oneof(pieces, fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 60 }).map((a) => a.join(''));

test('password, lure and link extraction never throw on random text', () => {
  fc.assert(
    fc.property(hostile, (text) => {
      const c = passwordCandidates(text, 'email body');
      assert.ok(Array.isArray(c));
      findLures(text);
      for (const link of linksInText(text, 50).links) assert.ok(/^(https?|ftp):\/\//.test(link.url));
    }),
    { numRuns: 400 },
  );
});

test('HTML rendering never throws and keeps its output bounded', () => {
  fc.assert(
    fc.property(hostile, (html) => {
      const page = renderHtml(html);
      assert.ok(page.text.length <= html.length + page.urls.length + 1000);
    }),
    { numRuns: 400 },
  );
});

test('unwrapping and lookalike checks never throw on random URLs and domains', () => {
  fc.assert(
    fc.property(hostile, fc.domain(), (tail, domain) => {
      unwrapUrl(`https://urldefense.com/v3/__${tail}`);
      unwrapUrl(`https://eu.safelinks.protection.outlook.com/?url=${encodeURIComponent(tail)}`);
      lookalikeOf(domain, ['acme-corp.com']);
      lookalikeOf(tail, ['acme-corp.com']);
      brandLookalikeOf(domain);
      brandLookalikeOf(tail);
    }),
    { numRuns: 400 },
  );
});
