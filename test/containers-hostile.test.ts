// Hostile input is the normal case: every container parser here turns random or adversarial bytes into
// fewer facts or a finding, never an exception or a hang.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { displayName, unsafeNameReason } from '../src/analyzers/archive/member-names.ts';
import { parseListing } from '../src/analyzers/archive/sevenzip-reader.ts';
import { parseShortcut } from '../src/analyzers/lnk/parse.ts';
import { carveEmbeddedFiles } from '../src/analyzers/onenote/index.ts';
import { decodeBase64, findBlobs } from '../src/analyzers/smuggling/blobs.ts';
import { scriptBlocks } from '../src/analyzers/wsf/script-blocks.ts';
import { makeShortcut } from './generators/lnk.ts';

const LNK_HEADER = makeShortcut({}).subarray(0, 0x4c);
const ONE_FRAME = Buffer.from('e716e3bd65261145a4c48d4d0b7a9eac', 'hex');

test('shortcut parser: random bytes behind a valid header never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2048 }), fc.integer({ min: 0, max: 0xffff }), (tail, flags) => {
      const data = Buffer.concat([LNK_HEADER, Buffer.from(tail)]);
      data.writeUInt32LE(flags, 0x14);
      const s = parseShortcut(data);
      assert.ok(Array.isArray(s.problems));
    }),
    { numRuns: 500 },
  );
});

test('OneNote carver: frames with absurd lengths are cut at the data and the caps', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 512 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (tail, declared) => {
      const length = Buffer.alloc(20);
      length.writeBigUInt64LE(declared, 0);
      const data = Buffer.concat([ONE_FRAME, length, Buffer.from(tail), ONE_FRAME]);
      const { files } = carveEmbeddedFiles(data, 10, 256);
      for (const f of files) assert.ok(f.data.length <= 256);
    }),
    { numRuns: 300 },
  );
  // Thousands of frames: stops at the member cap.
  const many = Buffer.concat(Array.from({ length: 5000 }, () => Buffer.concat([ONE_FRAME, Buffer.alloc(20)])));
  const carved = carveEmbeddedFiles(many, 100, 1024);
  assert.equal(carved.files.length, 100);
  assert.equal(carved.more, true);
});

test('HTML scanners: adversarial pages end, and stay within their caps', () => {
  const pages = [
    '<script'.repeat(200_000),
    `<script>${'"'.repeat(500_000)}`,
    `<script>${"'A".repeat(300_000)}</script>`,
    'data:;base64,'.repeat(100_000),
    `<script>${'"QUFB" + '.repeat(100_000)}</script>`,
    'A'.repeat(3_000_000),
    `<script>/*${'*'.repeat(500_000)}</script>`,
    `<script>var a = [${'1,'.repeat(400_000)}9999];</script>`,
    `<script>${'1234567890'.repeat(200_000)}</script>`,
  ];
  for (const page of pages) {
    const { blobs } = findBlobs(page, 32);
    assert.ok(blobs.length <= 32);
    const { blocks } = scriptBlocks(page, 50);
    assert.ok(blocks.length <= 50);
  }
  fc.assert(
    fc.property(fc.string({ maxLength: 2000 }), (page) => {
      findBlobs(page, 8);
      scriptBlocks(page, 8);
      decodeBase64(page, 1024);
    }),
    { numRuns: 500 },
  );
});

test('member names: whatever the archive says, the child name is relative and has no ".."', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (name) => {
      const shown = displayName(name);
      assert.ok(!shown.startsWith('/'));
      assert.ok(!shown.split('/').includes('..'));
      assert.ok(!/^[a-z]:/i.test(shown));
      unsafeNameReason(name);
    }),
    { numRuns: 1000 },
  );
  assert.equal(unsafeNameReason('a/../../b'), 'path traversal');
  assert.equal(unsafeNameReason('docs/ok.txt'), undefined);
});

test('7-Zip listing parser: arbitrary output never throws', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 50 }), (lines) => {
      parseListing(['----------', ...lines]);
    }),
    { numRuns: 300 },
  );
});

test('stacked and separated drive letters never survive in a child name', () => {
  for (const name of ['A:A:', 'A:/B:x', 'C:D:\\..\\evil.js', '/C:/Windows/x.dll', 'c:..\\d:\\x']) {
    const shown = displayName(name);
    assert.ok(!/^[a-z]:/i.test(shown) && !shown.startsWith('/') && !shown.split('/').includes('..'), `${name} → ${shown}`);
  }
});
