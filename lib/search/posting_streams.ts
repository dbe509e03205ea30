/**
 * Reading the search index newest first: one stream per (room, term) posting list, each a
 * reverse key-range read bounded by the search's dates and cursor, merged across rooms into
 * one order, newest first: by time, then room id, then seq, all descending. A page ends at a
 * position in that order, which is the cursor of the next page, so a page is a key range per
 * room and never a scan from the top.
 *
 * @module
 */
import { decode, keys } from "../kv/kv_keys.ts";
import type { SearchPosting } from "./search_index.ts";

/** A place in the merged order: a message's time, room and seq. */
export interface Position {
  at: number;
  room: string;
  seq: number;
}

/** One index entry read: where its message is, and its posting. */
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

/** Entries read per KV list call: a page of results usually needs a few dozen. */
const BATCH = 32;

/** Whether `a` comes before `b` in the merged order (newer first). */
export function newerThan(a: Position, b: Position): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.room !== b.room) return a.room > b.room;
  return a.seq > b.seq;
}

/** The posting list of `term` in `room` within `bounds`, newest first. */
export function postingStream(
  kv: Deno.Kv,
  room: string,
  term: string,
  bounds: StreamBounds,
): AsyncIterator<Deno.KvEntry<SearchPosting>> {
  const entries = kv.list<SearchPosting>(postingRange(room, term, bounds), {
    reverse: true,
    batchSize: BATCH,
  });
  return entries[Symbol.asyncIterator]();
}

/**
 * The rarest of `terms` in `room` within `bounds`, as a stream: each term's newest `probe`
 * postings are read at once, and a term with fewer than that has them all, so its stream is
 * served from memory. When every term has `probe` or more, the first term's stream is read on.
 * A query's candidates come from its rarest word, so a common word paired with a rare one
 * does not make the search read the common word's messages.
 */
export async function rarestStream(
  kv: Deno.Kv,
  room: string,
  terms: readonly string[],
  bounds: StreamBounds,
  probe: number,
): Promise<AsyncIterator<Deno.KvEntry<SearchPosting>>> {
  const probed = await Promise.all(terms.map(async (term) => {
    const found: Deno.KvEntry<SearchPosting>[] = [];
    const entries = kv.list<SearchPosting>(postingRange(room, term, bounds), {
      reverse: true,
      limit: probe,
    });
    for await (const entry of entries) found.push(entry);
    return found;
  }));
  const rarest = probed.reduce((best, list) => list.length < best.length ? list : best);
  if (rarest.length < probe) return fromList(rarest);
  return postingStream(kv, room, terms[0]!, bounds);
}

async function* fromList<T>(list: T[]): AsyncGenerator<T> {
  yield* list;
}

/** The key range of `term`'s postings in `room` within `bounds`. */
function postingRange(room: string, term: string, bounds: StreamBounds) {
  const start = bounds.after === undefined
    ? keys.searchPostings(room, term)
    : keys.searchTerm(room, term, bounds.after + 1, 0);
  let end = keys.searchTermsAfter(room, term);
  const { cursor, before } = bounds;
  if (before !== undefined && (cursor === undefined || before <= cursor.at)) {
    end = [...keys.searchPostings(room, term), before];
  } else if (cursor !== undefined) {
    // Same time as the cursor: only rooms after it in the order, or its room's lower seqs.
    const seq = room < cursor.room
      ? Number.MAX_SAFE_INTEGER
      : room === cursor.room
      ? cursor.seq
      : undefined;
    end = seq === undefined
      ? [...keys.searchPostings(room, term), cursor.at]
      : keys.searchTerm(room, term, cursor.at, seq);
  }
  return { start, end };
}

/**
 * The terms of `room` that start with `prefix`, other than `prefix` itself, alphabetically,
 * at most `max`: one KV read per term found (it skips each term's postings).
 */
export async function termsStartingWith(
  kv: Deno.Kv,
  room: string,
  prefix: string,
  max: number,
): Promise<string[]> {
  const found: string[] = [];
  let from = keys.searchTermsAfter(room, prefix);
  const end = keys.searchTermsUntil(room, prefix);
  while (found.length < max) {
    const next = await kv.list({ start: from, end }, { limit: 1 }).next();
    if (next.done) break;
    const { term } = decode.searchTerm(next.value.key);
    found.push(term);
    from = keys.searchTermsAfter(room, term);
  }
  return found;
}

/** One stream of a merge, and the entry it read last but did not give out yet. */
interface Stream {
  iterator: AsyncIterator<Deno.KvEntry<SearchPosting>>;
  head?: Candidate;
}

/** Merges streams into the order of {@linkcode newerThan}, one candidate at a time. */
export class MergedPostings {
  #streams: Stream[];
  #started = false;

  /** Merges `streams` (each already newest first). */
  constructor(streams: AsyncIterator<Deno.KvEntry<SearchPosting>>[]) {
    this.#streams = streams.map((iterator) => ({ iterator }));
  }

  /** The next candidate, or undefined when every stream is done. */
  async next(): Promise<Candidate | undefined> {
    if (!this.#started) {
      this.#started = true;
      await Promise.all(this.#streams.map((stream) => this.#advance(stream)));
    }
    let best: Stream | undefined;
    for (const stream of this.#streams) {
      if (stream.head && (!best?.head || newerThan(stream.head, best.head))) best = stream;
    }
    if (!best?.head) return undefined;
    const head = best.head;
    await this.#advance(best);
    return head;
  }

  async #advance(stream: Stream): Promise<void> {
    const next = await stream.iterator.next();
    if (next.done) {
      delete stream.head;
      return;
    }
    const { room, at, seq } = decode.searchTerm(next.value.key);
    stream.head = { room, at, seq, posting: next.value.value };
  }
}
