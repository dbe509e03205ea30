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
 * A block spans at most {@linkcode BLOCK_SPAN_MS} of message time, so a reader bounded by a
 * date knows where to start: no block newer than `before + BLOCK_SPAN_MS` holds an older one.
 *
 * @module
 */
import { keys } from "../kv/kv_keys.ts";
import { type BlockPosting, packBlock } from "./posting_block.ts";
import type { PendingPosting, PendingPostings } from "./search_pending.ts";

/** Pending entries one merge reads at most (an atomic commit takes at most 100 checks). */
export const MERGE_ENTRIES = 64;
/** How often a server looks whether a merge is due. */
export const MERGE_INTERVAL_MS = 250;
/**
 * Age of the oldest pending entry at which a server merges everything pending. A merge costs
 * per distinct term, so its cost per message falls with its size (measured: ~150 to 300 µs a
 * message for merges of 50 messages, ~40 µs from 1,000 on); waiting this long lets a busy
 * server merge in large groups, while a search reads what is pending meanwhile.
 */
export const MERGE_AGE_MS = 2_000;
/** Most message time one block spans, in ms. */
export const BLOCK_SPAN_MS = 10 * 60_000;
/** Most estimated bytes of one block (a KV value holds 64 KiB). */
const BLOCK_BYTES = 40 * 1024;
/**
 * Mutations, estimated bytes and estimated key bytes one merge commit holds at most (KV: 1,000
 * mutations, 800 KiB, 80 KiB of keys).
 */
const COMMIT_MUTATIONS = 900;
const COMMIT_BYTES = 600 * 1024;
const COMMIT_KEY_BYTES = 56 * 1024;
/** A block key's bytes besides its term (prefix, time, id), and a pending entry's key's. */
const KEY_OVERHEAD = 80;

interface Block {
  term: string;
  postings: BlockPosting[];
  bytes: number;
}

/** Merges the pending search index entries of `kv` into posting blocks. */
export class SearchMerger {
  #kv: Deno.Kv;
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<unknown> | undefined;

  /** Merges in `kv`. */
  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /**
   * Merges the oldest pending entries (as many as one commit holds); returns the number of
   * message postings merged, 0 when nothing was pending or another merger took them first.
   */
  async mergeOnce(): Promise<number> {
    // Read only about what one commit takes: each entry's packed size is estimated as it comes.
    const entries: Deno.KvEntry<PendingPostings>[] = [];
    const list = this.#kv.list<PendingPostings>({ prefix: keys.searchPendings() }, {
      limit: MERGE_ENTRIES,
      batchSize: 8,
    });
    let estimate = 0;
    for await (const entry of list) {
      entries.push(entry);
      for (const posting of entry.value.postings) estimate += 16 * posting.terms.length;
      if (estimate > COMMIT_BYTES / 2) break;
    }
    let taken = entries.length;
    let blocks = blocksOf(entries);
    while (taken > 1 && !fits(blocks, taken)) {
      taken = Math.ceil(taken / 2);
      blocks = blocksOf(entries.slice(0, taken));
    }
    if (taken === 0) return 0;
    const merged = entries.slice(0, taken);
    const commits = fits(blocks, taken) ? [blocks] : splitCommits(blocks);
    for (const [i, part] of commits.entries()) {
      const atomic = this.#kv.atomic();
      if (i === commits.length - 1) {
        for (const entry of merged) atomic.check(entry).delete(entry.key);
      }
      for (const block of part) {
        const value = packBlock(block.postings);
        atomic.set(keys.searchBlock(block.term, value.newestAt, crypto.randomUUID()), value);
      }
      if (!(await atomic.commit()).ok) return 0;
    }
    return merged.reduce((sum, entry) => sum + entry.value.postings.length, 0);
  }

  /**
   * Looks every `intervalMs` until {@linkcode stop}, and merges everything pending once the
   * oldest pending entry is `ageMs` old (by `now`). Never throws; a failed merge is logged and
   * the next one tries again.
   */
  start(
    intervalMs = MERGE_INTERVAL_MS,
    ageMs = MERGE_AGE_MS,
    now: () => number = Date.now,
  ): void {
    this.#timer ??= setInterval(() => {
      this.#running ??= this.#mergeIfDue(ageMs, now).catch((error) => {
        console.error("search merger: merge failed", error);
      }).finally(() => this.#running = undefined);
    }, intervalMs);
  }

  async #mergeIfDue(ageMs: number, now: () => number): Promise<void> {
    const oldest = await this.#kv.list({ prefix: keys.searchPendings() }, { limit: 1 }).next();
    if (oldest.done || (oldest.value.key[1] as number) > now() - ageMs) return;
    await this.mergeAll();
  }

  /** Stops the periodic merge and waits for a running one. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Merges until nothing is pending; returns the number of message postings merged. */
  async mergeAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const merged = await this.mergeOnce();
      if (merged === 0) {
        // Nothing merged: nothing pending, or another merger won a race; look again once.
        const next = await this.#kv.list({ prefix: keys.searchPendings() }, { limit: 1 }).next();
        if (next.done) return total;
        continue;
      }
      total += merged;
    }
  }
}

/** The blocks of `entries`' postings: by term, newest first, cut by size and time span. */
function blocksOf(entries: Deno.KvEntry<PendingPostings>[]): Block[] {
  const byTerm = new Map<string, BlockPosting[]>();
  for (const entry of entries) {
    for (const posting of entry.value.postings) {
      const compact = compactOf(posting);
      for (const term of posting.terms) {
        const list = byTerm.get(term);
        if (list) list.push(compact);
        else byTerm.set(term, [compact]);
      }
    }
  }
  const blocks: Block[] = [];
  for (const [term, postings] of byTerm) {
    postings.sort(newestFirst);
    let block: Block = { term, postings: [], bytes: 0 };
    // Rooms and senders are listed once a block: counted the first time they appear in it.
    let named = new Set<string>();
    for (const posting of postings) {
      let bytes = 16;
      const [room, , , from] = posting;
      if (!named.has(room)) bytes += 3 * room.length + 4;
      if (!named.has("\0" + from)) bytes += 3 * from.length + 4;
      const first = block.postings[0];
      if (first && (block.bytes + bytes > BLOCK_BYTES || first[2] - posting[2] > BLOCK_SPAN_MS)) {
        blocks.push(block);
        block = { term, postings: [], bytes: 0 };
        named = new Set();
        bytes = 16 + 3 * (room.length + from.length) + 8;
      }
      named.add(room).add("\0" + from);
      block.postings.push(posting);
      block.bytes += bytes;
    }
    blocks.push(block);
  }
  return blocks;
}

function compactOf(posting: PendingPosting): BlockPosting {
  const flags = (posting.files ? 1 : 0) | (posting.images ? 2 : 0);
  return [posting.room, posting.seq, posting.at, posting.from, flags];
}

/** Newest first: time, then room, then seq, all descending (the search's order). */
function newestFirst(a: BlockPosting, b: BlockPosting): number {
  if (a[2] !== b[2]) return b[2] - a[2];
  if (a[0] !== b[0]) return a[0] < b[0] ? 1 : -1;
  return b[1] - a[1];
}

/** Whether `blocks` and the checks and deletes of `entries` pending entries fit one commit. */
function fits(blocks: Block[], entries: number): boolean {
  if (blocks.length + 2 * entries > COMMIT_MUTATIONS) return false;
  let bytes = 0;
  let keyBytes = 2 * entries * KEY_OVERHEAD;
  for (const block of blocks) {
    bytes += block.bytes + 3 * block.term.length;
    keyBytes += 3 * block.term.length + KEY_OVERHEAD;
  }
  return bytes <= COMMIT_BYTES && keyBytes <= COMMIT_KEY_BYTES;
}

/** `blocks` cut into commits that each fit (with room for one entry's check and delete). */
function splitCommits(blocks: Block[]): Block[][] {
  const commits: Block[][] = [[]];
  let bytes = 0;
  let keyBytes = 2 * KEY_OVERHEAD;
  for (const block of blocks) {
    const size = block.bytes + 3 * block.term.length;
    const keySize = 3 * block.term.length + KEY_OVERHEAD;
    const current = commits.at(-1)!;
    const full = current.length + 2 >= COMMIT_MUTATIONS || bytes + size > COMMIT_BYTES ||
      keyBytes + keySize > COMMIT_KEY_BYTES;
    if (current.length > 0 && full) {
      commits.push([block]);
      bytes = size;
      keyBytes = 2 * KEY_OVERHEAD + keySize;
    } else {
      current.push(block);
      bytes += size;
      keyBytes += keySize;
    }
  }
  return commits;
}
