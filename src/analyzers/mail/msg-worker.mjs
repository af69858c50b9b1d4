// Reads Outlook .msg files in a worker thread. msgreader follows the compound file's sector chains without
// checking for cycles, so a hostile file can loop forever or fill memory; here that costs a worker the
// parent terminates, never the analysis process. Plain JavaScript so the worker needs no TypeScript loader.
import { parentPort } from 'node:worker_threads';
import MsgReaderModule from '@kenjiuno/msgreader';
import { Reader } from '@kenjiuno/msgreader/lib/Reader.js';
import { decompressRTF } from '@kenjiuno/decompressrtf';

const MsgReader = MsgReaderModule.default ?? MsgReaderModule;

// A cycle in the FAT made msgreader walk one chain forever, growing an array until the worker's heap cap
// (8 KB files took 10-16 s and 512 MB; found by fuzzing). Real files take under one chain step per 64 bytes
// (a mini sector); past a generous multiple of that the chains loop, and the item is reported unreadable.
const CHAIN_STEPS_PER_MINI_SECTOR = 8;
const CHAIN_STEPS_FLOOR = 1024;
const nextBlock = Reader.prototype.getNextBlockInner;
Reader.prototype.getNextBlockInner = function (offset, table) {
  this.chainStepsLeft ??= CHAIN_STEPS_FLOOR + CHAIN_STEPS_PER_MINI_SECTOR * Math.ceil(this.ds.byteLength / 64);
  if (--this.chainStepsLeft < 0) throw new Error('the compound file\'s sector chains loop (a cycle in its allocation table)');
  return nextBlock.call(this, offset, table);
};
// The header's count of DIFAT sectors is followed as stated: a lying count read one sector over and over
// (a 3.5 KB item took 2.5 s; found by fuzzing). The chain cannot have more sectors than the file.
// The directory is a tree of entries linked by index (left, right, child); msgreader walks it with a work list
// and no visited set, so an entry that links back to an ancestor grew the list until the heap cap (found by
// fuzzing). Each entry may be reached once; the tree is checked before msgreader walks it.
const buildHierarchy = Reader.prototype.createPropertyHierarchy;
Reader.prototype.createPropertyHierarchy = function (props, node) {
  if (!this.directoryChecked) {
    this.directoryChecked = true;
    const seen = new Set();
    const todo = [0];
    while (todo.length > 0) {
      const index = todo.pop();
      if (!Number.isInteger(index) || index < 0 || index >= props.length) continue;
      if (seen.has(index)) throw new Error('the compound file\'s directory entries link in a loop');
      seen.add(index);
      const entry = props[index];
      todo.push(entry.previousProperty, entry.nextProperty, entry.childProperty);
    }
  }
  return buildHierarchy.call(this, props, node);
};
const readHeader = Reader.prototype.headerData;
Reader.prototype.headerData = function () {
  readHeader.call(this);
  this.xbatCount = Math.min(this.xbatCount, Math.ceil(this.ds.byteLength / this.bigBlockSize));
};

// msgreader types each value by the property's type tag, which the file states: a sender name tagged as a
// number or binary came back as one and crashed the string code downstream (found by fuzzing). Only values
// of the expected type leave the worker.
const text = (v) => (typeof v === 'string' ? v : undefined);
const bytesOf = (v) => (v instanceof Uint8Array ? v : Array.isArray(v) ? Uint8Array.from(v) : undefined);

function read(bytes) {
  const reader = new MsgReader(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const d = reader.getFileData();
  if (d.error) return { error: d.error };
  let rtf;
  if (d.compressedRtf && d.compressedRtf.length > 0) {
    try {
      rtf = Uint8Array.from(decompressRTF(Array.from(d.compressedRtf)));
    } catch {
      rtf = undefined; // a broken RTF body only loses the HTML hidden in it
    }
  }
  const attachments = [];
  for (const a of d.attachments ?? []) {
    try {
      const data = reader.getAttachment(a);
      let name = text(a.fileName) || text(a.name) || text(a.fileNameShort) || text(data.fileName) || '';
      // msgreader names an attached Outlook item after its display name; keep one .msg extension.
      if (a.innerMsgContent === true && name && !/\.msg$/i.test(name)) name += '.msg';
      attachments.push({
        name,
        data: bytesOf(data.content),
        mimeType: text(a.attachMimeTag) || '',
        innerMsg: a.innerMsgContent === true,
        hidden: a.attachmentHidden === true,
      });
    } catch (err) {
      attachments.push({ name: text(a.fileName) || text(a.name) || '', error: String(err && err.message ? err.message : err) });
    }
  }
  return {
    subject: text(d.subject),
    messageClass: text(d.messageClass),
    senderName: text(d.senderName),
    senderEmail: text(d.senderEmail),
    senderSmtpAddress: text(d.senderSmtpAddress),
    sentRepresentingSmtpAddress: text(d.sentRepresentingSmtpAddress),
    headers: text(d.headers),
    body: text(d.body),
    bodyHtml: text(d.bodyHtml),
    html: bytesOf(d.html),
    internetCodepage: typeof d.internetCodepage === 'number' ? d.internetCodepage : undefined,
    messageId: text(d.messageId),
    clientSubmitTime: text(d.clientSubmitTime),
    messageDeliveryTime: text(d.messageDeliveryTime),
    recipients: (Array.isArray(d.recipients) ? d.recipients : []).map((r) => ({ name: text(r.name), email: text(r.email), smtpAddress: text(r.smtpAddress), recipType: text(r.recipType) })),
    rtf,
    attachments,
  };
}

// One worker serves many items: loading msgreader costs more than reading a typical message.
parentPort.on('message', ({ id, data }) => {
  try {
    parentPort.postMessage({ id, ok: true, value: read(data) });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, error: String(err && err.message ? err.message : err) });
  }
});
