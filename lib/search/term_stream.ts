/**
 * Reading the merged search index: the postings of one term in the reader's rooms, newest first
 * (time, room, seq descending), from the term's posting blocks (`search_merger.ts`) and the
 * pending entries not merged yet (`search_pending.ts`), so a message is found from the moment
 * its send is acknowledged whether or not a merge ran since.
 *
 * Blocks are listed by their newest time, newest first, and may overlap in time (an edit's
 * posting keeps its message's time; a late pending entry is merged after newer ones), so a
 * posting read is given out only once no unread block can hold a newer one: when it is newer
 * than the newest time of the last block read.
 *
 * @module
 */
import { keys } from "../kv/kv_keys.ts";
import { type Candidate, newerThan, type StreamBounds } from "./posting_streams.ts";
import { type BlockPosting, type PostingBlock, unpackBlock } from "./posting_block.ts";
import { BLOCK_SPAN_MS } from "./merge_plan.ts";
import type { PendingPosting, PendingPostings } from "./search_pending.ts";

/** Blocks read per KV list call. */
const BLOCK_BATCH = 8;

/** Where candidates may come from: the reader's rooms and the search's bounds. */
export interface TermScope {
  rooms: ReadonlySet<string>;
  bounds: StreamBounds;
}

/**
 * The postings of every pending entry, all of them: an acknowledged message is searchable
 * whatever the merger's lag (the merger keeps them few: about 1,000 postings, or 10 s of commits
 * at a low rate; see `merge_schedule.ts`).
 */
export async function readPending(kv: Deno.Kv): Promise<PendingPosting[]> {
  const postings: PendingPosting[] = [];
  const list = kv.list<PendingPostings>({ prefix: keys.searchPendings() }, { reverse: true });
  for await (const entry of list) postings.push(...entry.value.postings);
  return postings;
}

/** Whether a message at `position` is inside `scope`. */
function inScope(scope: TermScope, room: string, seq: number, at: number): boolean {
  if (!scope.rooms.has(room)) return false;
  const { after, before, cursor } = scope.bounds;
  if (after !== undefined && at <= after) return false;
  if (before !== undefined && at >= before) return false;
  return cursor === undefined || newerThan(cursor, { at, room, seq });
}

function candidateOf(posting: BlockPosting): Candidate {
  const [room, seq, at, from, flags] = posting;
  return {
    room,
    seq,
    at,
    posting: {
      from,
      ...(flags & 1 ? { files: true } : {}),
      ...(flags & 2 ? { images: true } : {}),
    },
  };
}

/** One term's candidates in a scope, newest first, read block by block as they are asked for. */
export class TermStream {
  /** Candidates read and not given out yet, oldest first. */
  #buffer: Candidate[];
  #blocks: AsyncIterator<Deno.KvEntry<PostingBlock>>;
  #scope: TermScope;
  /** Newest time of the last block read: every unread block is at most this new. */
  #frontier = Infinity;
  #done = false;
  #blocksRead = 0;

  /** The candidates of `term` in `scope`, from its blocks in `kv` and from `pending`. */
  constructor(kv: Deno.Kv, term: string, scope: TermScope, pending: readonly PendingPosting[]) {
    this.#scope = scope;
    this.#buffer = pending
      .filter((p) => p.terms.includes(term) && inScope(scope, p.room, p.seq, p.at))
      .map((p) => ({
        room: p.room,
        seq: p.seq,
        at: p.at,
        posting: {
          from: p.from,
          ...(p.files ? { files: true } : {}),
          ...(p.images ? { images: true } : {}),
        },
      }));
    this.#sort();
    const { after, before, cursor } = scope.bounds;
    const newest = Math.min(before ?? Infinity, cursor === undefined ? Infinity : cursor.at + 1);
    const range = {
      start: after === undefined
        ? keys.searchBlocks(term)
        : [...keys.searchBlocks(term), after + 1],
      end: newest === Infinity
        ? [...keys.searchBlocks(term), Number.MAX_SAFE_INTEGER]
        : [...keys.searchBlocks(term), newest + BLOCK_SPAN_MS],
    };
    this.#blocks = kv.list<PostingBlock>(range, { reverse: true, batchSize: BLOCK_BATCH })[
      Symbol.asyncIterator
    ]();
  }

  /** Newest time of the last block read (Infinity before the first, -Infinity when all are). */
  get frontier(): number {
    return this.#done ? -Infinity : this.#frontier;
  }

  /** Blocks read so far. */
  get blocksRead(): number {
    return this.#blocksRead;
  }

  /** The next candidate, newest first; undefined when there are no more. */
  async next(): Promise<Candidate | undefined> {
    for (;;) {
      const head = this.#buffer.at(-1);
      if (head && (this.#done || head.at > this.#frontier)) return this.#buffer.pop();
      if (this.#done) return undefined;
      const next = await this.#blocks.next();
      if (next.done) {
        this.#done = true;
        continue;
      }
      this.#frontier = next.value.key[2] as number;
      this.#blocksRead++;
      for (const posting of unpackBlock(next.value.value, this.#scope.rooms)) {
        if (inScope(this.#scope, posting[0], posting[1], posting[2])) {
          this.#buffer.push(candidateOf(posting));
        }
      }
      this.#sort();
    }
  }

  /** Oldest first, so the newest is popped from the end. */
  #sort(): void {
    this.#buffer.sort((a, b) => newerThan(a, b) ? 1 : newerThan(b, a) ? -1 : 0);
  }
}
