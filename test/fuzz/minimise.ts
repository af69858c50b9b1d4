// Shrinks a crashing input while it still crashes the same way (same signature): delete ever smaller blocks,
// then try to simplify the remaining bytes. A greedy pass in the spirit of afl-tmin, bounded by time.

export async function minimise(input: Uint8Array, stillCrashes: (candidate: Uint8Array) => Promise<boolean>, budgetMs: number): Promise<Uint8Array> {
  const deadline = performance.now() + budgetMs;
  let best = input;
  for (let block = Math.max(1, best.length >> 1); block >= 1; block >>= 1) {
    for (let at = 0; at < best.length && performance.now() < deadline; ) {
      const candidate = new Uint8Array(best.length - Math.min(block, best.length - at));
      candidate.set(best.subarray(0, at));
      candidate.set(best.subarray(at + block), at);
      if (await stillCrashes(candidate)) best = candidate;
      else at += block;
    }
  }
  // Replace bytes with a plain '0' (0x30) where the crash does not care: a clearer regression sample.
  for (let i = 0; i < best.length && performance.now() < deadline; i++) {
    if (best[i] === 0x30) continue;
    const candidate = best.slice();
    candidate[i] = 0x30;
    if (await stillCrashes(candidate)) best = candidate;
  }
  return best;
}
