/**
 * When a server's `SearchMerger` merges what is pending: once about
 * {@linkcode MERGE_TARGET_POSTINGS} postings are pending, or once the oldest pending entry is
 * {@linkcode MERGE_MAX_AGE_MS} old, whichever comes first. The number pending is estimated from
 * the oldest entry's age and the rate the previous merge saw (postings merged over the age of
 * its oldest entry), so deciding costs one KV read of one entry.
 *
 * Why a size: a merge writes one KV row per distinct term, each in another place of SQLite's
 * B-tree, so its cost per message falls with its size. Measured on a 100,000-message file
 * (the generator's text, 1,000 rooms, a merge after every N messages, CPU per message merged):
 * 142 µs for merges of 300, 50 for 1,000, 54 for 2,000. A fixed age (2 s before) gave merges of
 * 300 at 150 sends/s: the index cost +62 % CPU per send. Why a bound: a search reads every
 * pending posting (1,000 of them: ~8 ms at best on this box, 2,500: ~25 ms), so more pending
 * is slower searches; at a low rate the age bound merges small groups, whose cost then
 * matters little.
 *
 * @module
 */

/** Postings pending at which a merge is due. */
export const MERGE_TARGET_POSTINGS = 1_000;
/** Age of the oldest pending entry at which a merge is due, however few are pending. */
export const MERGE_MAX_AGE_MS = 10_000;
/** Age at which the first merge is due, before any rate is known. */
const FIRST_MERGE_AGE_MS = 2_000;

/** Decides, from the oldest pending entry's age, whether a merge is due. */
export class MergeSchedule {
  /** Postings a ms, as the last merge saw them arrive. */
  #rate = MERGE_TARGET_POSTINGS / FIRST_MERGE_AGE_MS;

  /** Whether to merge now that the oldest pending entry is `ageMs` old. */
  due(ageMs: number): boolean {
    return ageMs >= MERGE_MAX_AGE_MS || ageMs * this.#rate >= MERGE_TARGET_POSTINGS;
  }

  /** Records a merge of `postings` whose oldest entry was `ageMs` old. */
  merged(postings: number, ageMs: number): void {
    if (postings > 0) this.#rate = postings / Math.max(1, ageMs);
  }
}
