/**
 * Compaction of posting blocks: a merge writes one block per term (`search_merger.ts`), so a
 * term found in most merges gets a small block each time (40 postings for a merge of 1,000
 * messages and a word in 4 % of them), and a search that reads a term's history would read one
 * KV entry per merge. The compactor folds a run of a term's consecutive blocks into as few as
 * `planBlocks` (`merge_plan.ts`) cuts them into (about 40 KB, at most `BLOCK_SPAN_MS` of message
 * time each), so a search reads a term's postings in a few large entries. Postings listed twice
 * (a merge that crashed between its commits) are written once.
 *
 * Safe with any number of compactors and mergers at once: a compaction's commit checks the
 * term's `search_compacted` entry as it read it before listing the blocks, and writes it, so of
 * two compactions of one term at once one commits (the blocks it folds are not changed by the
 * commit, so checking them would not tell); a merge only adds blocks, which a compaction that
 * did not see them leaves alone. It does not
 * delete the blocks it folded in that commit: a search reading the term at that moment may be
 * past the new block's key (it has the newest blocks of the run) and not yet at the others. The
 * commit lists them in a `search_retired` entry of the term instead, and `retire` deletes them
 * once they are older than {@linkcode RETIRE_AFTER_MS} (longer than any search reads). Until
 * then a search reads their postings twice, which it drops as the same message, and a
 * compaction skips them.
 *
 * @module
 */
import { keys } from "../kv/kv_keys.ts";
import { type Block, COMMIT_BYTES, planBlocks } from "./merge_plan.ts";
import { packBlock, type PostingBlock, unpackBlock } from "./posting_block.ts";
import type { PendingPosting } from "./search_pending.ts";

/**
 * Postings below which a block is small: folded as a merger goes. A larger block (a busy merge
 * writes them for common words) is read well enough as it is.
 */
export const SMALL_BLOCK_POSTINGS = 256;
/** Postings of a term in small blocks written since its last compaction at which it is folded. */
export const COMPACT_AFTER_POSTINGS = 1_000;
/** Small blocks of a term written since its last compaction at which it is folded anyway. */
export const COMPACT_AFTER_BLOCKS = 32;
/** Most blocks one compaction folds (its commit lists their keys in one entry). */
const RUN_MAX = 60;
/** Bytes of a run at which a compaction stops adding blocks (about one full block). */
const RUN_BYTES = 40 * 1024;
/** Folds one commit takes at most (a check and three sets or more each; KV: 100 checks). */
const COMMIT_FOLDS = 90;
/** Age at which folded blocks are deleted: far longer than a search reads a term. */
export const RETIRE_AFTER_MS = 60_000;

/** The value of a `search_retired` entry: the keys of the blocks a compaction folded. */
export interface RetiredBlocks {
  keys: Deno.KvKey[];
}

/** Folds small posting blocks of a term into large ones, and deletes what it folded later. */
export class BlockCompactor {
  #kv: Deno.Kv;
  #now: () => number;

  /** Compacts in `kv`; `now` dates the folded blocks for {@linkcode retire}. */
  constructor(kv: Deno.Kv, now: () => number = Date.now) {
    this.#kv = kv;
    this.#now = now;
  }

  /**
   * Folds, for each of `terms`, the blocks written since its last compaction, with the block
   * that compaction wrote when they are as large as it and fit one block together: what a
   * merger does as it goes. It
   * reads no block older than that last compaction's (so not the ones it retired), and commits
   * the folds of many terms together (a commit costs more than what it writes here). `terms`
   * maps each term to the small blocks written of it since its last compaction: about as many
   * blocks are read, so a term's large blocks below them are not read in the same batch.
   */
  async compactNewest(terms: ReadonlyMap<string, number>): Promise<void> {
    const runs = [...terms].map(([term, written]) => this.#runOf(term, undefined, written + 2));
    const folds = (await Promise.all(runs)).flatMap(({ fold }) => fold ? [fold] : []);
    let commit: Fold[] = [];
    let bytes = 0;
    for (const fold of folds) {
      const size = fold.blocks.reduce((sum, block) => sum + block.bytes, 0);
      if (commit.length > 0 && (bytes + size > COMMIT_BYTES || commit.length === COMMIT_FOLDS)) {
        await this.#commit(commit);
        commit = [];
        bytes = 0;
      }
      commit.push(fold);
      bytes += size;
    }
    if (commit.length > 0) await this.#commit(commit);
  }

  /** Compacts every block of `term`, newest to oldest (a file written before compaction). */
  async compactTerm(term: string): Promise<void> {
    let below: Deno.KvKey | undefined;
    for (;;) {
      const { fold, next } = await this.#runOf(term, below);
      // Another compaction of the term committed first: read the run again.
      if (fold && !await this.#commit([fold])) continue;
      if (next === null) return;
      below = next;
    }
  }

  /**
   * The fold of the newest run of `term`'s blocks (below `below`, a block key, when given) that
   * fits a full block, null when there is nothing to fold; with `newestOnly` (the blocks to read
   * per batch), the run stops at the first block that is not small, and at a block that does
   * not fit. `next` is the key to go on from (older blocks), null when there is nothing more
   * to read.
   */
  async #runOf(
    term: string,
    below: Deno.KvKey | undefined,
    newestOnly?: number,
  ): Promise<{ fold: Fold | null; next: Deno.KvKey | null }> {
    const [guard, retired] = await Promise.all([
      this.#kv.get(keys.searchCompacted(term)),
      this.#retiredOf(term),
    ]);
    const list = this.#kv.list<PostingBlock>(
      below ? { start: keys.searchBlocks(term), end: below } : { prefix: keys.searchBlocks(term) },
      { reverse: true, batchSize: newestOnly ?? 16 },
    );
    let run: Deno.KvEntry<PostingBlock>[] = [];
    let bytes = 0;
    for await (const entry of list) {
      if (retired.has(keyText(entry.key))) continue;
      const size = blockBytes(entry.value);
      // As it goes, only small blocks are folded: a large one (a busy merge's, or a fold's) is
      // read well as it is, and folding it again would rewrite its postings once per fold.
      if (newestOnly && !isSmall(entry.value)) break;
      if (run.length > 0 && (bytes + size > RUN_BYTES || run.length === RUN_MAX)) {
        if (run.length > 1) return { fold: foldOf(term, run, guard), next: entry.key };
        if (newestOnly) return { fold: null, next: null };
        // A block alone that does not fit with the next: nothing to fold, go on from it.
        run = [];
        bytes = 0;
      }
      run.push(entry);
      bytes += size;
    }
    return { fold: run.length > 1 ? foldOf(term, run, guard) : null, next: null };
  }

  /** Deletes the blocks folded at least {@linkcode RETIRE_AFTER_MS} ago; returns how many. */
  async retire(): Promise<number> {
    const due = this.#now() - RETIRE_AFTER_MS;
    let deleted = 0;
    for await (const entry of this.#kv.list<RetiredBlocks>({ prefix: keys.searchRetiredAll() })) {
      if ((entry.key[2] as number) > due) continue;
      const atomic = this.#kv.atomic().delete(entry.key);
      for (const key of entry.value.keys) atomic.delete(key);
      await atomic.commit();
      deleted += entry.value.keys.length;
    }
    return deleted;
  }

  /**
   * Writes the folds' blocks and lists their runs as retired, in one commit that checks each
   * term's `search_compacted` entry; false when one changed (nothing written).
   */
  async #commit(folds: readonly Fold[]): Promise<boolean> {
    const atomic = this.#kv.atomic();
    const now = this.#now();
    for (const { term, run, guard, blocks } of folds) {
      atomic.check(guard).set(guard.key, now);
      for (const block of blocks) {
        const value = packBlock(block.postings);
        atomic.set(
          keys.searchBlock(term, value.newestAt, `${FOLDED}${crypto.randomUUID()}`),
          value,
        );
      }
      const retired: RetiredBlocks = { keys: run.map((entry) => entry.key) };
      atomic.set(keys.searchRetired(term, now, crypto.randomUUID()), retired);
    }
    return (await atomic.commit()).ok;
  }

  /** The keys of `term`'s blocks folded and not deleted yet, as {@linkcode keyText}. */
  async #retiredOf(term: string): Promise<Set<string>> {
    const retired = new Set<string>();
    for await (
      const entry of this.#kv.list<RetiredBlocks>({ prefix: keys.searchRetiredOf(term) })
    ) {
      for (const key of entry.value.keys) retired.add(keyText(key));
    }
    return retired;
  }
}

/** A run of blocks of a term to fold, the blocks it folds into, and the term's guard as read. */
interface Fold {
  term: string;
  run: Deno.KvEntry<PostingBlock>[];
  guard: Deno.KvEntryMaybe<unknown>;
  blocks: Block[];
}

/** The fold of `run`, null when its postings would not take fewer blocks. */
function foldOf(
  term: string,
  run: Deno.KvEntry<PostingBlock>[],
  guard: Deno.KvEntryMaybe<unknown>,
): Fold | null {
  const postings: PendingPosting[] = [];
  const seen = new Set<string>();
  for (const entry of run) {
    for (const [room, seq, at, from, flags] of unpackBlock(entry.value)) {
      // A posting listed twice (a merge that crashed between its commits) is written once.
      const id = `${room}\u0000${seq}\u0000${at}`;
      if (seen.has(id)) continue;
      seen.add(id);
      postings.push({
        room,
        seq,
        at,
        from,
        ...(flags & 1 ? { files: true } : {}),
        ...(flags & 2 ? { images: true } : {}),
        terms: [term],
      });
    }
  }
  const blocks = planBlocks(postings);
  return blocks.length < run.length ? { term, run, guard, blocks } : null;
}

/**
 * How the id of a block a compaction wrote starts: after every merge's id (a UUID) of the same
 * millisecond, so it is the first block of its time a search or a compaction reads.
 */
const FOLDED = "~";

/** Whether `block` is small (see {@linkcode SMALL_BLOCK_POSTINGS}). */
function isSmall(block: PostingBlock): boolean {
  return block.cells.length < 4 * SMALL_BLOCK_POSTINGS;
}

/** A block key as a string (its time and id tell it apart inside a term). */
function keyText(key: Deno.KvKey): string {
  return `${key[2] as number}\u0000${key[3] as string}`;
}

/** About the bytes a block takes stored: 16 a posting and its room and sender names. */
function blockBytes(block: PostingBlock): number {
  let bytes = 4 * block.cells.length + 64;
  for (const name of block.rooms) bytes += name.length + 5;
  for (const name of block.senders) bytes += name.length + 5;
  return bytes;
}
