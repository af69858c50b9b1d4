// Reads an Outlook .msg (an OLE compound file) with @kenjiuno/msgreader, a CommonJS module whose default
// export arrives wrapped once or twice depending on the loader; this unwraps it in one place.

import * as msgreaderModule from '@kenjiuno/msgreader';
import type { FieldsData } from '@kenjiuno/msgreader';

type MsgReaderClass = new (buffer: ArrayBuffer) => { getFileData(): FieldsData };

function readerClass(): MsgReaderClass {
  let m: unknown = msgreaderModule;
  for (let i = 0; i < 3 && typeof m !== 'function'; i++) m = (m as { default?: unknown }).default;
  if (typeof m !== 'function') throw new Error('@kenjiuno/msgreader: no MsgReader export');
  return m as MsgReaderClass;
}

export function readMsg(data: Uint8Array): FieldsData {
  const Reader = readerClass();
  return new Reader(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer).getFileData();
}
