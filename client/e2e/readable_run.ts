/**
 * Which of an encrypted room's entries a device may read now: the gap-free run of seqs right
 * after the last one it read. Part of the lazy E2E chunk.
 *
 * @module
 */

/**
 * The entries of `held` (ascending by seq) that follow `cursor` (the last seq read; 0 before
 * any, a room's seqs starting at 1) without a gap. An entry that arrived before an earlier
 * one (the device's own ack ahead of someone else's message) waits for it: read out of order,
 * it would put commits out of the room's order. In an empty room, two devices starting its
 * group at once would each take its own commit, acked first, for the room's first one.
 */
export function readableRun<T extends { seq: number }>(held: readonly T[], cursor: number): T[] {
  const run: T[] = [];
  for (const entry of held) {
    if (entry.seq <= cursor) continue;
    if (entry.seq !== (run.at(-1)?.seq ?? cursor) + 1) break;
    run.push(entry);
  }
  return run;
}
