/**
 * Folds pending index entries (`search_pending.ts`) into posting blocks by term: one
 * `["search_block", term, newestAt, id]` entry per term of a merge, listing the messages of
 * every room that have the term (newest first), so a common term costs the index one KV row per
 * merge instead of one per message.
 *
 * Any process may merge at any time, several at once: a merge reads the oldest pending entries,
 * and writes their blocks and deletes them in one atomic commit that checks each entry is
 * unchanged, so of two mergers of the same entries one commits and the other's commit fails and
 * changes nothing; a crash before the commit leaves the entries pending for the next merge. A
 * single entry too large for one commit (thousands of distinct terms) is written in several
 * commits, the entry deleted in the last: a crash or a second merger in between can then write
 * some postings twice, which a reader drops as the same message.
 *
 * A block spans at most `BLOCK_SPAN_MS` (`merge_plan.ts`) of message time, so a reader bounded
 * by a date knows where to start: no block newer than `before + BLOCK_SPAN_MS` holds an older
 * one.
 *
 * A merger also compacts (`block_compactor.ts`): once it has written `COMPACT_AFTER_POSTINGS`
 * postings of a term in small blocks, or `COMPACT_AFTER_BLOCKS` small blocks, it folds the
 * term's newest small blocks into one, so a search reads a term's history in few KV entries,
 * not one per merge.
 *
 * @module
 */
import { keys } from "../kv/kv_keys.ts";
import {
  BlockCompactor,
  COMPACT_AFTER_BLOCKS,
  COMPACT_AFTER_POSTINGS,
  SMALL_BLOCK_POSTINGS,
} from "./block_compactor.ts";
import {
  type Block,
  COMMIT_BYTES,
  COMMIT_MUTATIONS,
  commitLoad,
  planBlocks,
  splitCommits,
} from "./merge_plan.ts";
import { MergeSchedule } from "./merge_schedule.ts";
import { packBlock } from "./posting_block.ts";
import type { PendingPosting, PendingPostings } from "./search_pending.ts";

/** Pending entries one merge reads at most (an atomic commit takes at most 100 checks). */
export const MERGE_ENTRIES = 64;
/** How often a server deletes the blocks compactions folded (once they are old enough). */
const RETIRE_INTERVAL_MS = 10_000;
/** How often a server looks whether a merge is due. */
export const MERGE_INTERVAL_MS = 250;
/**
 * Estimated bytes a posting's term adds to a merge, to stop reading pending entries at about
 * one commit's worth: its cells and a share of its room's and sender's names.
 */
const TERM_BYTES = 24;
/**
 * Longest a merge computes without letting the server's sockets and commits run (ms). A merge
 * of one commit's worth took 15 to 30 ms of JavaScript in one piece (planning, packing,
 * serializing), which every send arriving meanwhile waited for: with rooms of two it doubled
 * p99 (BENCHMARKS.md, "Small rooms, round three").
 */
const SLICE_MS = 4;

/** Merges the pending search index entries of `kv` into posting blocks. */
export class SearchMerger {
  #kv: Deno.Kv;
  #compactor: BlockCompactor;
  /** Small blocks and their postings this merger wrote per term since it last compacted it. */
  #written = new Map<string, { blocks: number; postings: number }>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<unknown> | undefined;
  #retiredAt = 0;

  /** Merges in `kv`. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
    this.#compactor = new BlockCompactor(kv);
  }

  /**
   * Merges the oldest pending entries (as many as one commit holds), only those before the key
   * `end` when given; returns the number of message postings merged, 0 when nothing was
   * pending or another merger took them first.
   */
  async mergeOnce(end?: Deno.KvKey): Promise<number> {
    // Read only about what one commit takes: each entry's packed size is estimated as it
    // comes, and its terms counted (a block at least per distinct term, a set each).
    const entries: Deno.KvEntry<PendingPostings>[] = [];
    const list = this.#kv.list<PendingPostings>(pendingBefore(end), {
      limit: MERGE_ENTRIES,
      batchSize: 16,
    });
    let estimate = 0;
    const terms = new Set<string>();
    for await (const entry of list) {
      for (const posting of entry.value.postings) {
        estimate += TERM_BYTES * posting.terms.length;
        for (const term of posting.terms) terms.add(term);
      }
      // An entry that alone is too much is still taken: the plan below splits it.
      const mutations = terms.size + 2 * (entries.length + 1);
      if (entries.length > 0 && mutations > COMMIT_MUTATIONS) break;
      entries.push(entry);
      if (estimate > COMMIT_BYTES || mutations >= COMMIT_MUTATIONS) break;
    }
    if (entries.length === 0) return 0;
    const slices = new Slices();
    await slices.pause();
    let taken = entries.length;
    let blocks = planBlocks(postingsOf(entries));
    let load = commitLoad(blocks, taken);
    while (taken > 1 && load > 1) {
      // Fewer entries, in proportion to the excess: one more plan, rarely two.
      taken = Math.max(1, Math.min(taken - 1, Math.floor(0.95 * taken / load)));
      await slices.pause();
      blocks = planBlocks(postingsOf(entries.slice(0, taken)));
      load = commitLoad(blocks, taken);
    }
    const merged = entries.slice(0, taken);
    const commits = load <= 1 ? [blocks] : splitCommits(blocks);
    for (const [i, part] of commits.entries()) {
      const atomic = this.#kv.atomic();
      if (i === commits.length - 1) {
        for (const entry of merged) atomic.check(entry).delete(entry.key);
      }
      for (const block of part) {
        await slices.pauseIfDue();
        // A set serializes its value at once: packing and serializing run a slice at a time.
        const value = packBlock(block.postings);
        atomic.set(keys.searchBlock(block.term, value.newestAt, crypto.randomUUID()), value);
      }
      await slices.pause();
      if (!(await atomic.commit()).ok) return 0;
    }
    await this.#compactDue(blocks);
    return merged.reduce((sum, entry) => sum + entry.value.postings.length, 0);
  }

  /**
   * Looks every `intervalMs` until {@linkcode stop}, and merges what is pending when
   * `schedule` says a merge is due (by the oldest pending entry's age, by `now`): the entries up
   * to the newest one pending as the merge begins, not those committed meanwhile. Never
   * throws; a failed merge is logged and the next one tries again.
   */
  start(
    intervalMs = MERGE_INTERVAL_MS,
    now: () => number = Date.now,
    schedule = new MergeSchedule(),
  ): void {
    this.#timer ??= setInterval(() => {
      this.#running ??= this.#mergeIfDue(schedule, now).catch((error) => {
        console.error("search merger: merge failed", error);
      }).finally(() => this.#running = undefined);
    }, intervalMs);
  }

  /** Counts the blocks just written; compacts the terms that reached a bound. */
  async #compactDue(blocks: readonly Block[]): Promise<void> {
    const due = new Map<string, number>();
    for (const { term, postings } of blocks) {
      if (postings.length >= SMALL_BLOCK_POSTINGS) continue;
      const written = this.#written.get(term) ?? { blocks: 0, postings: 0 };
      written.blocks++;
      written.postings += postings.length;
      if (written.blocks < COMPACT_AFTER_BLOCKS && written.postings < COMPACT_AFTER_POSTINGS) {
        this.#written.set(term, written);
      } else {
        this.#written.delete(term);
        due.set(term, written.blocks);
      }
    }
    if (due.size > 0) await this.#compactor.compactNewest(due);
  }

  async #mergeIfDue(schedule: MergeSchedule, now: () => number): Promise<void> {
    if (now() - this.#retiredAt >= RETIRE_INTERVAL_MS) {
      this.#retiredAt = now();
      await this.#compactor.retire();
    }
    const oldest = await this.#kv.list({ prefix: keys.searchPendings() }, { limit: 1 }).next();
    if (oldest.done) return;
    const age = now() - (oldest.value.key[1] as number);
    if (!schedule.due(age)) return;
    // Only what is pending now: merging until nothing is, while sends go on, chased them in
    // merges of an entry or two, the costliest per message (at 1,000,000 messages and ~570
    // sends/s one such chase merged 5,000 postings in 6 s; the index cost +55 to +65 % CPU per
    // send, +24 to +39 % with this bound: BENCHMARKS.md, round five). What comes meanwhile is
    // the next merge's.
    const newest = await this.#kv.list({ prefix: keys.searchPendings() }, {
      limit: 1,
      reverse: true,
    }).next();
    if (newest.done) return;
    schedule.merged(await this.#mergeUntil([...newest.value.key, ""]), age);
  }

  /** Stops the periodic merge and waits for a running one. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /**
   * Folds the small blocks this merger wrote since it last folded each term (two or more of a
   * term): what a server does as it shuts down, after {@linkcode stop}. A merger gone between
   * its folds leaves up to `COMPACT_AFTER_BLOCKS - 1` small blocks per term, which the next
   * merger's folds, stopping at the first large block or after a full run, often never reach (at
   * 1,000,000 messages such leftovers of about 30 mergers made a query read 865 blocks instead
   * of 61: BENCHMARKS.md, round six).
   */
  async compactWritten(): Promise<void> {
    const due = new Map<string, number>();
    for (const [term, { blocks }] of this.#written) if (blocks > 1) due.set(term, blocks);
    this.#written.clear();
    if (due.size > 0) await this.#compactor.compactNewest(due);
  }

  /** Merges until nothing is pending; returns the number of message postings merged. */
  async mergeAll(): Promise<number> {
    return await this.#mergeUntil(undefined);
  }

  /**
   * Merges until nothing is pending before the key `end` (anything, when undefined); returns
   * the number of message postings merged.
   */
  async #mergeUntil(end: Deno.KvKey | undefined): Promise<number> {
    let total = 0;
    for (;;) {
      const merged = await this.mergeOnce(end);
      if (merged === 0) {
        // Nothing merged: nothing pending, or another merger won a race; look again once.
        const next = await this.#kv.list(pendingBefore(end), { limit: 1 }).next();
        if (next.done) return total;
        continue;
      }
      total += merged;
    }
  }
}

/**
 * Cuts a merge's computing into slices of about {@linkcode SLICE_MS}: between them, a macrotask
 * turn lets the server's socket reads, sends and commits run.
 */
class Slices {
  #began = performance.now();

  /** Lets other work run, then starts a new slice. */
  async pause(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#began = performance.now();
  }

  /** Lets other work run when the current slice has taken its time. */
  async pauseIfDue(): Promise<void> {
    if (performance.now() - this.#began >= SLICE_MS) await this.pause();
  }
}

/** The pending entries before the key `end`, or all of them. */
function pendingBefore(end: Deno.KvKey | undefined): Deno.KvListSelector {
  return end ? { prefix: keys.searchPendings(), end } : { prefix: keys.searchPendings() };
}

/** Every posting of `entries`. */
function postingsOf(entries: readonly Deno.KvEntry<PendingPostings>[]): PendingPosting[] {
  return entries.flatMap((entry) => entry.value.postings);
}
