/**
 * Message search for one user: every message of the rooms they are a member of at the moment
 * of the search (so never a room they left, were removed or banned from, or that was deleted),
 * matched by the rules of `lib/common/search_query.ts`, newest first, in pages.
 *
 * The index (`search_pending.ts`, `search_merger.ts`) lists each term's messages across all
 * rooms; a search reads the postings of one term (the rarest whole word of the query in the
 * reader's rooms, see `byRarity`; for a query of one word still being typed, that word and up
 * to {@linkcode PREFIX_EXPANSIONS} indexed words that start with it) through `TermStream`,
 * which keeps the reader's rooms only and gives them newest first, pending and merged postings
 * alike. A candidate that another whole word of the query has no posting for is skipped
 * without reading its message (the words' streams are intersected, `PostingSeeker`); the rest
 * are checked against their messages as stored now: every term, the prefix, not deleted, not
 * edited away. Its work is bounded by the rarity of the word it reads and by
 * {@linkcode CANDIDATES_MAX} candidates per page; a page that reaches that bound ends early
 * with a `nextCursor` to go on from.
 *
 * Direct conversations follow the history rule (docs/SECURITY.md): after a block both members
 * still read their history, so they still find it.
 *
 * @module
 */
import type { SearchHit, SearchPage } from "../common/api_types.ts";
import type { ChatMessage } from "../common/protocol.ts";
import { type Outcome, refusal } from "../common/refusal.ts";
import {
  matchesTerms,
  parseQuery,
  queryProblemText,
  type SearchQuery,
} from "../common/search_query.ts";
import type { Accounts } from "../accounts/accounts.ts";
import type { Profiles } from "../accounts/profiles.ts";
import { keys } from "../kv/kv_keys.ts";
import type { TokenBuckets } from "../limits/token_bucket.ts";
import { roomsOfUser } from "../rooms/memberships.ts";
import { NO_SUCH_ROOM } from "../rooms/room_access.ts";
import { readRooms } from "../rooms/rooms.ts";
import type { RoomRecord } from "../rooms/room_record.ts";
import { messageTerms } from "./search_index.ts";
import {
  type Candidate,
  type CandidateStream,
  MergedPostings,
  PostingSeeker,
  type StreamBounds,
  termsStartingWith,
} from "./posting_streams.ts";
import { readPending, TermStream } from "./term_stream.ts";
import { decodeCursor, encodeCursor } from "./search_cursor.ts";

/** Index entries one page reads at most (about 30 ms of KV reads on a local file). */
export const CANDIDATES_MAX = 1000;
/**
 * Candidates of each whole word read to find the rarest (fewer than this: all of them), or
 * as many as {@linkcode RARE_PROBE_BLOCKS} blocks give.
 */
const RARE_PROBE = 64;
/** Blocks of each whole word read at most to find the rarest. */
const RARE_PROBE_BLOCKS = 8;
/** Words a one-word query being typed expands to per room, besides itself. */
export const PREFIX_EXPANSIONS = 8;
/** Searches a user may make per second, sustained (the box waits for a pause in typing). */
export const MESSAGE_SEARCH_RATE = 2;
/** Searches a user may make at once before the rate applies. */
export const MESSAGE_SEARCH_BURST = 10;
/**
 * Candidates checked against their messages together: 10 reads of 10 keys at once, so a page
 * that checks many candidates waits for few round trips.
 */
const CHECK_BATCH = 100;

/** What to search for, as the route validated it. */
export interface SearchRequest {
  q: string;
  /** Only this room (the user must be a member). */
  room?: string;
  /** Only messages of the user with this username. */
  from?: string;
  /** Only messages sent before / after this time (ms since the epoch). */
  before?: number;
  after?: number;
  /** Only messages with an attachment / an image. */
  has?: "file" | "image";
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  limit: number;
}

/** Searches the messages a user can read. */
export class MessageSearch {
  #kv: Deno.Kv;
  #accounts: Accounts;
  #profiles: Profiles;
  #limiter: TokenBuckets;

  /** Reads `kv`; resolves `from` with `accounts`, peers with `profiles`; `limiter` meters. */
  constructor(kv: Deno.Kv, accounts: Accounts, profiles: Profiles, limiter: TokenBuckets) {
    this.#kv = kv;
    this.#accounts = accounts;
    this.#profiles = profiles;
    this.#limiter = limiter;
  }

  /**
   * One page of the messages `userId` can read that match `request`, newest first. A bad
   * query or cursor is refused (400) before it costs a token; past the rate, 429; a room
   * filter naming a room they are not in, 404 as for a room that does not exist.
   */
  async search(userId: string, request: SearchRequest): Promise<Outcome<SearchPage>> {
    const query = parseQuery(request.q);
    if (typeof query === "string") {
      const { code, params } = queryProblemText(query);
      return refusal(400, code, params);
    }
    const cursor = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    if (cursor === null) return refusal(400, "refusal.badCursor");
    const allowed = this.#limiter.take(userId);
    if (!allowed.ok) {
      const wait = Math.max(1, Math.ceil(allowed.retryAfterMs / 1000));
      return { ...refusal(429, "refusal.searchRateLimited"), retryAfterSeconds: wait };
    }
    const rooms = await this.#readableRooms(userId, request.room);
    if (!rooms) return NO_SUCH_ROOM;
    // An unknown sender matches nothing (null), which is not the same as no filter.
    const from = request.from === undefined
      ? undefined
      : (await this.#accounts.findByName(request.from))?.id ?? null;
    if (rooms.size === 0 || from === null) return { ok: true, hits: [] };
    const bounds: StreamBounds = { before: request.before, after: request.after, cursor };
    const streams = await this.#streams(new Set(rooms.keys()), query, bounds);
    const merged = new MergedPostings(streams.merged);
    // A candidate of the rarest word is read only if every other word has it too.
    const others = streams.others.map((stream) => new PostingSeeker(stream));
    const found: { candidate: Candidate; message: ChatMessage }[] = [];
    let read = 0;
    let last: Candidate | undefined;
    let exhausted = false;
    // Candidates found in every whole word's postings almost all match (a stale posting is
    // rare), so only as many are read as the page still needs; a word still being typed after
    // others is checked on the message, so those are read CHECK_BATCH at a time.
    const typedAfterWords = query.prefix && query.terms.length > 1;
    while (found.length < request.limit && !exhausted && read < CANDIDATES_MAX) {
      const batch: Candidate[] = [];
      const size = typedAfterWords
        ? CHECK_BATCH
        : Math.min(CHECK_BATCH, request.limit - found.length);
      while (batch.length < size && read < CANDIDATES_MAX) {
        const candidate = await merged.next();
        if (!candidate) {
          exhausted = true;
          break;
        }
        read++;
        // Expanded words of one room can list one message twice, one after the other.
        if (last && last.room === candidate.room && last.seq === candidate.seq) continue;
        last = candidate;
        if (!wanted(candidate, from, request.has)) continue;
        if (await holdAll(others, candidate)) batch.push(candidate);
      }
      const messages = await this.#messages(batch);
      batch.forEach((candidate, i) => {
        const message = messages[i];
        if (message && found.length < request.limit && matches(message, candidate, query)) {
          found.push({ candidate, message });
        }
      });
    }
    const end = found.length === request.limit ? found.at(-1)!.candidate : last;
    const hits = await this.#hits(userId, rooms, found.map((f) => f.message));
    const more = !exhausted || found.length === request.limit;
    return more && end ? { ok: true, hits, nextCursor: encodeCursor(end) } : { ok: true, hits };
  }

  /** The rooms `userId` is a member of now (only `only` when given), by id; null: not in it. */
  async #readableRooms(userId: string, only?: string): Promise<Map<string, RoomRecord> | null> {
    const ids = only === undefined
      ? (await roomsOfUser(this.#kv, userId)).map(({ roomId }) => roomId)
      : (await this.#kv.get(keys.roomMember(only, userId))).versionstamp
      ? [only]
      : null;
    if (!ids) return null;
    // A room being deleted loses its record first: from then on it is not searched.
    const records = await readRooms(this.#kv, ids);
    const rooms = new Map<string, RoomRecord>();
    records.forEach((record, i) => record && rooms.set(ids[i]!, record));
    return rooms;
  }

  /**
   * The candidates to check: the streams merged into one, and the streams of the query's other
   * whole words, which every candidate must also be in.
   */
  async #streams(
    rooms: ReadonlySet<string>,
    query: SearchQuery,
    bounds: StreamBounds,
  ): Promise<{ merged: CandidateStream[]; others: CandidateStream[] }> {
    const pending = await readPending(this.#kv);
    const scope = { rooms, bounds };
    const stream = (term: string) => new TermStream(this.#kv, term, scope, pending);
    const whole = query.prefix ? query.terms.slice(0, -1) : query.terms;
    if (whole.length === 1) return { merged: [stream(whole[0]!)], others: [] };
    if (whole.length > 1) {
      const [rarest, ...others] = await byRarity(whole.map(stream));
      return { merged: [rarest!], others };
    }
    const typed = query.terms[0]!;
    const words = [typed, ...await termsStartingWith(this.#kv, typed, PREFIX_EXPANSIONS, pending)];
    return { merged: words.map(stream), others: [] };
  }

  async #messages(candidates: Candidate[]): Promise<(ChatMessage | null)[]> {
    const reads: Promise<Deno.KvEntryMaybe<ChatMessage>[]>[] = [];
    for (let i = 0; i < candidates.length; i += 10) {
      const batch = candidates.slice(i, i + 10);
      reads.push(this.#kv.getMany<ChatMessage[]>(batch.map((c) => keys.message(c.room, c.seq))));
    }
    return (await Promise.all(reads)).flat().map((entry) => entry.value);
  }

  async #hits(
    userId: string,
    rooms: Map<string, RoomRecord>,
    messages: ChatMessage[],
  ): Promise<SearchHit[]> {
    const peerOf = (room: RoomRecord) => room.members?.find((member) => member !== userId);
    const peerIds = new Set<string>();
    for (const message of messages) {
      const room = rooms.get(message.room)!;
      const peer = room.visibility === "direct" ? peerOf(room) : undefined;
      if (peer) peerIds.add(peer);
    }
    const peers = new Map(
      (await this.#profiles.getMany([...peerIds])).map((profile) => [profile.id, profile]),
    );
    return messages.map((message) => {
      const room = rooms.get(message.room)!;
      const direct = room.visibility === "direct";
      const peer = direct ? peers.get(peerOf(room) ?? "") : undefined;
      const files = (message.attachments ?? []).map((attachment) => attachment.name);
      return {
        room: message.room,
        roomName: direct ? peer?.displayName ?? "" : room.name,
        direct,
        seq: message.seq,
        at: message.at,
        from: message.from,
        author: message.author,
        text: message.text,
        ...(files.length > 0 ? { files } : {}),
      };
    });
  }
}

/** Whether every one of `seekers` holds `position` (each read up to it). */
async function holdAll(seekers: readonly PostingSeeker[], position: Candidate): Promise<boolean> {
  for (const seeker of seekers) {
    if (!await seeker.holds(position)) return false;
  }
  return true;
}

/** Whether the posting passes the sender and attachment filters. */
function wanted(candidate: Candidate, from: string | undefined, has: SearchRequest["has"]) {
  const { posting } = candidate;
  if (from !== undefined && posting.from !== from) return false;
  if (has === "file" && !posting.files) return false;
  return has !== "image" || posting.images === true;
}

/** Whether the message, as stored now, is the one indexed and matches every term. */
function matches(message: ChatMessage, candidate: Candidate, query: SearchQuery): boolean {
  return message.at === candidate.at && matchesTerms(messageTerms(message), query);
}

/**
 * The streams of `streams`, the rarest in the reader's rooms first: each is probed for its
 * newest RARE_PROBE candidates (or RARE_PROBE_BLOCKS blocks); one that ran out is the rarest
 * (the fewest first), else the one whose probe reached furthest back in time for its
 * candidates. Each gives out its probed candidates again before the rest.
 */
async function byRarity(streams: TermStream[]): Promise<CandidateStream[]> {
  const probes = await Promise.all(streams.map(async (stream) => {
    const found: Candidate[] = [];
    while (found.length < RARE_PROBE && stream.blocksRead < RARE_PROBE_BLOCKS) {
      const next = await stream.next();
      if (!next) break;
      found.push(next);
    }
    const newest = found[0]?.at ?? 0;
    const reached = stream.frontier === -Infinity ? -Infinity : stream.frontier;
    return { stream, found, density: found.length / Math.max(1, newest - reached) };
  }));
  probes.sort((a, b) => a.density - b.density || a.found.length - b.found.length);
  return probes.map(({ stream, found }) => {
    let replay = 0;
    return {
      next: () => replay < found.length ? Promise.resolve(found[replay++]) : stream.next(),
    };
  });
}
