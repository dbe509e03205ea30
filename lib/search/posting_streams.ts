/**
 * The order a search reads its candidates in, and the merge of several streams of them (one per
 * word read, see `term_stream.ts`) into that order: newest first, by time, then room id, then
 * seq, all descending. A page ends at a position in that order, which is the cursor of the next
 * page.
 *
 * @module
 */
import { keys } from "../kv/kv_keys.ts";
import type { SearchPosting } from "./search_index.ts";
import type { PendingPosting } from "./search_pending.ts";

/** A place in the merged order: a message's time, room and seq. */
export interface Position {
  at: number;
  room: string;
  seq: number;
}

/** One posting read: where its message is, and what the filters need of it. */
export interface Candidate extends Position {
  posting: SearchPosting;
}

/** What bounds every stream of one search. */
export interface StreamBounds {
  /** Only messages sent before this time (ms). */
  before?: number;
  /** Only messages sent after this time (ms). */
  after?: number;
  /** Only messages after this position in the merged order (the previous page's end). */
  cursor?: Position;
}

/** A stream of candidates, newest first. */
export interface CandidateStream {
  /** The next candidate; undefined when there are no more. */
  next(): Promise<Candidate | undefined>;
}

/** Whether `a` comes before `b` in the merged order (newer first). */
export function newerThan(a: Position, b: Position): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.room !== b.room) return a.room > b.room;
  return a.seq > b.seq;
}

/**
 * The indexed terms that start with `prefix`, other than `prefix` itself, alphabetically, at
 * most `max`: those of the posting blocks (one KV read per term found, skipping its blocks)
 * and those of the pending postings.
 */
export async function termsStartingWith(
  kv: Deno.Kv,
  prefix: string,
  max: number,
  pending: readonly PendingPosting[],
): Promise<string[]> {
  const found = new Set<string>();
  for (const posting of pending) {
    for (const term of posting.terms) {
      if (term !== prefix && term.startsWith(prefix)) found.add(term);
    }
  }
  let from = keys.searchBlocks(prefix + "\0");
  const end = keys.searchBlocks(prefix + "\u{10FFFF}");
  for (let read = 0; read < max; read++) {
    const next = await kv.list({ start: from, end }, { limit: 1 }).next();
    if (next.done) break;
    const term = next.value.key[1] as string;
    found.add(term);
    from = keys.searchBlocks(term + "\0");
  }
  return [...found].sort().slice(0, max);
}

/**
 * A stream asked, position after position in its order, whether it holds each: what
 * intersects the postings of several words without reading a message.
 */
export class PostingSeeker {
  #stream: CandidateStream;
  #head: Candidate | undefined;
  #started = false;

  /** Seeks in `stream` (newest first). */
  constructor(stream: CandidateStream) {
    this.#stream = stream;
  }

  /**
   * Whether the stream holds `position` (same time, room and seq); reads up to it. Positions
   * asked must come in the stream's order (each older than the one before).
   */
  async holds(position: Position): Promise<boolean> {
    if (!this.#started) {
      this.#started = true;
      this.#head = await this.#stream.next();
    }
    while (this.#head && newerThan(this.#head, position)) this.#head = await this.#stream.next();
    const head = this.#head;
    return head !== undefined && head.at === position.at && head.room === position.room &&
      head.seq === position.seq;
  }
}

/** One stream of a merge, and the candidate it read last but did not give out yet. */
interface Head {
  stream: CandidateStream;
  head?: Candidate;
}

/** Merges streams into the order of {@linkcode newerThan}, one candidate at a time. */
export class MergedPostings {
  #streams: Head[];
  #started = false;

  /** Merges `streams` (each already newest first). */
  constructor(streams: CandidateStream[]) {
    this.#streams = streams.map((stream) => ({ stream }));
  }

  /** The next candidate, or undefined when every stream is done. */
  async next(): Promise<Candidate | undefined> {
    if (!this.#started) {
      this.#started = true;
      await Promise.all(this.#streams.map((stream) => this.#advance(stream)));
    }
    let best: Head | undefined;
    for (const stream of this.#streams) {
      if (stream.head && (!best?.head || newerThan(stream.head, best.head))) best = stream;
    }
    if (!best?.head) return undefined;
    const head = best.head;
    await this.#advance(best);
    return head;
  }

  async #advance(stream: Head): Promise<void> {
    const next = await stream.stream.next();
    if (next) stream.head = next;
    else delete stream.head;
  }
}
