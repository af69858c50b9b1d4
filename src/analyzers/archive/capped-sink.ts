// Collects unpacked bytes up to a cap and then stops the unpacking: a member that claims 1 KiB and unpacks
// to 1 GiB costs at most the cap in memory, never the gigabyte.

export class CapReached extends Error {
  constructor(readonly cap: number) {
    super(`unpacked size passed ${cap} bytes`);
  }
}

export class CappedSink {
  private readonly chunks: Uint8Array[] = [];
  size = 0;
  reached = false;

  constructor(private readonly cap: number) {}

  /** Adds a chunk; throws CapReached (after keeping what fits) once the cap is passed. */
  push(chunk: Uint8Array): void {
    const room = this.cap - this.size;
    if (chunk.length > room) {
      if (room > 0) this.chunks.push(chunk.slice(0, room));
      this.size += Math.max(room, 0);
      this.reached = true;
      throw new CapReached(this.cap);
    }
    // Copy: some decoders reuse their output buffer for the next chunk.
    this.chunks.push(chunk.slice());
    this.size += chunk.length;
  }

  /** A web WritableStream for libraries that write into one (zip.js). */
  get writable(): WritableStream<Uint8Array> {
    return new WritableStream<Uint8Array>({ write: (chunk) => this.push(chunk) });
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
