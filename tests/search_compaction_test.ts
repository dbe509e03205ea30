/**
 * Compacted posting blocks on a real KV: the merger folds a term's per-merge blocks into few,
 * searches find every readable message once through and after a compaction (paged, newest
 * first, never a room the reader left or was never in), the folded blocks are deleted a minute
 * later, and two compactions of one run at once lose and double nothing. Also the intersection
 * of a query's words: a message lacking one of them is never a result.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Accounts } from "../lib/accounts/accounts.ts";
import { Profiles } from "../lib/accounts/profiles.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { TokenBuckets } from "../lib/limits/token_bucket.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import { deleteMembership } from "../lib/rooms/memberships.ts";
import {
  BlockCompactor,
  COMPACT_AFTER_BLOCKS,
  RETIRE_AFTER_MS,
} from "../lib/search/block_compactor.ts";
import { MessageSearch } from "../lib/search/message_search.ts";
import { SearchMerger } from "../lib/search/search_merger.ts";
import { messageTerms } from "../lib/search/search_index.ts";
import { withMemoryKv } from "./helpers/memory_kv.ts";
import { addRoomFor, indexedPostings } from "./helpers/search_postings.ts";

const READER = "reader";
const MERGES = 3 * COMPACT_AFTER_BLOCKS;

/**
 * Sends `merges` batches of 6 messages over rooms a, b (readable) and c (not), merging after
 * each batch with `merger()`, so every term gets one block per merge; every third message lacks
 * "北京". A new merger per merge never reaches its compaction bound.
 */
async function sendAndMerge(
  kv: Deno.Kv,
  clock: FakeClock,
  merger: () => SearchMerger,
  merges = MERGES,
) {
  const store = new KvMessageStore(kv, clock);
  for (let merge = 0; merge < merges; merge++) {
    clock.advance(1_000);
    await store.append(Array.from({ length: 6 }, (_, i) => {
      const n = merge * 6 + i;
      return {
        room: ["a", "b", "c"][n % 3]!,
        from: "writer",
        author: "writer",
        clientId: `m${n}`,
        text: n % 3 === 1 ? `meeting note${n}` : `meeting 北京 note${n}`,
      };
    }));
    await merger().mergeOnce();
  }
  return store;
}

function searchOf(kv: Deno.Kv, clock: FakeClock) {
  const accounts = new Accounts(kv, clock);
  const limiter = new TokenBuckets(clock, 1000, 1_000_000);
  return new MessageSearch(kv, accounts, new Profiles(kv, accounts), limiter);
}

async function withRooms(fn: (kv: Deno.Kv) => Promise<void>) {
  await withMemoryKv(async (kv) => {
    await addRoomFor(kv, "a", READER, true);
    await addRoomFor(kv, "b", READER, true);
    await addRoomFor(kv, "c", READER, false);
    await fn(kv);
  });
}

/** Every page of `q` for the reader, walked with the cursor, as "room seq" and times. */
async function allPages(search: MessageSearch, q: string, limit: number) {
  const hits: { id: string; at: number }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const found = await search.search(READER, { q, limit, ...(cursor ? { cursor } : {}) });
    assert.ok(found.ok);
    hits.push(...found.hits.map(({ room, seq, at }) => ({ id: `${room} ${seq}`, at })));
    if (!found.nextCursor) return hits;
    cursor = found.nextCursor;
  }
  throw new Error("more than 100 pages");
}

/** The stored messages of `rooms` that have every one of `terms`, as "room seq". */
async function expected(store: KvMessageStore, rooms: string[], terms: string[]) {
  const ids: string[] = [];
  for (const room of rooms) {
    for (const message of await store.after(room, 0, 10_000)) {
      const have = messageTerms(message);
      if (terms.every((term) => have.includes(term))) ids.push(`${room} ${message.seq}`);
    }
  }
  return ids.sort();
}

/** The blocks of `term` stored now, retired ones included. */
async function blockCount(kv: Deno.Kv, term: string) {
  let count = 0;
  for await (const _ of kv.list({ prefix: keys.searchBlocks(term) })) count++;
  return count;
}

/** Asserts `hits` are each once, newest first, exactly the `want` ids. */
function assertPages(hits: { id: string; at: number }[], want: string[]) {
  assert.deepEqual(hits.map((hit) => hit.id).sort(), want);
  assert.equal(new Set(hits.map((hit) => hit.id)).size, hits.length, "each once");
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.at >= hits[i]!.at, "newest first");
}

Deno.test("the merger folds a term's per-merge blocks, and pages still find every readable message once", () =>
  withRooms(async (kv) => {
    const clock = new FakeClock(1_000_000);
    const merger = new SearchMerger(kv);
    const store = await sendAndMerge(kv, clock, () => merger);
    const search = searchOf(kv, clock);
    const want = await expected(store, ["a", "b"], ["meeting", "北京"]);
    assert.ok(want.length > 20);
    for (const limit of [5, 50]) assertPages(await allPages(search, "meeting 北京 ", limit), want);
    // Retired blocks still count here; once deleted, a few blocks hold the term's MERGES merges.
    await new BlockCompactor(kv, () => Date.now() + RETIRE_AFTER_MS).retire();
    const blocks = await blockCount(kv, "meeting");
    assert.ok(blocks < MERGES / 2, `${blocks} blocks for ${MERGES} merges`);
    assertPages(await allPages(search, "meeting 北京 ", 5), want);
    // "meeting" alone: the messages without "北京" too.
    assertPages(
      await allPages(search, "meeting ", 7),
      await expected(store, ["a", "b"], ["meeting"]),
    );
  }));

Deno.test("SearchMerger.compactWritten() folds the small blocks it wrote since its last fold", () =>
  withRooms(async (kv) => {
    const clock = new FakeClock(1_000_000);
    const merger = new SearchMerger(kv);
    const merges = COMPACT_AFTER_BLOCKS / 2;
    const store = await sendAndMerge(kv, clock, () => merger, merges);
    assert.equal(await blockCount(kv, "meeting"), merges, "below the bound: not folded yet");
    await merger.compactWritten();
    await new BlockCompactor(kv, () => Date.now() + RETIRE_AFTER_MS).retire();
    assert.equal(await blockCount(kv, "meeting"), 1);
    assert.equal(await blockCount(kv, "北京"), 1);
    assertPages(
      await allPages(searchOf(kv, clock), "meeting 北京 ", 5),
      await expected(store, ["a", "b"], ["meeting", "北京"]),
    );
  }));

Deno.test("folded blocks stay until retire() a minute later, and a search meanwhile lists each message once", () =>
  withRooms(async (kv) => {
    const clock = new FakeClock(1_000_000);
    const store = await sendAndMerge(kv, clock, () => new SearchMerger(kv));
    assert.equal(await blockCount(kv, "meeting"), MERGES, "one block per merge");
    let now = 5_000_000;
    const compactor = new BlockCompactor(kv, () => now);
    await compactor.compactTerm("note0");
    await compactor.compactTerm("meeting");
    const before = await blockCount(kv, "meeting");
    const search = searchOf(kv, clock);
    const want = await expected(store, ["a", "b"], ["meeting", "北京"]);
    assertPages(await allPages(search, "北京 meeting ", 6), want);
    now += RETIRE_AFTER_MS - 1;
    assert.equal(await compactor.retire(), 0, "not a minute old yet");
    now += 1;
    assert.ok(await compactor.retire() > 0);
    assert.ok(await blockCount(kv, "meeting") < before);
    assertPages(await allPages(search, "北京 meeting ", 6), want);
    // Nothing retired is left, and the index holds each posting once.
    assert.equal((await kv.list({ prefix: keys.searchRetiredAll() }).next()).done, true);
    const lines = (await indexedPostings(kv)).map((p) => `${p.room} ${p.seq} ${p.term}`);
    assert.equal(new Set(lines).size, lines.length, "no posting twice");
  }));

Deno.test("two compactions of one run at once lose and double no posting", () =>
  withRooms(async (kv) => {
    const clock = new FakeClock(1_000_000);
    const store = await sendAndMerge(kv, clock, () => new SearchMerger(kv));
    const postingsBefore = (await indexedPostings(kv)).map((p) => `${p.room} ${p.seq} ${p.term}`)
      .sort();
    const now = () => Date.now() + RETIRE_AFTER_MS;
    await Promise.all([
      new BlockCompactor(kv, now).compactTerm("北京"),
      new BlockCompactor(kv, now).compactTerm("北京"),
    ]);
    await new BlockCompactor(kv, () => Date.now() + 2 * RETIRE_AFTER_MS).retire();
    const postingsAfter = (await indexedPostings(kv)).map((p) => `${p.room} ${p.seq} ${p.term}`)
      .sort();
    assert.deepEqual(postingsAfter, [...new Set(postingsBefore)].sort());
    assertPages(
      await allPages(searchOf(kv, clock), "北京 ", 9),
      await expected(store, ["a", "b"], ["北京"]),
    );
  }));

Deno.test("after compaction, a room the reader left is searched no more", () =>
  withRooms(async (kv) => {
    const clock = new FakeClock(1_000_000);
    const store = await sendAndMerge(kv, clock, () => new SearchMerger(kv));
    await new BlockCompactor(kv).compactTerm("meeting");
    const atomic = kv.atomic();
    deleteMembership(atomic, "b", READER);
    await atomic.commit();
    assertPages(
      await allPages(searchOf(kv, clock), "meeting 北京 ", 8),
      await expected(store, ["a"], ["meeting", "北京"]),
    );
  }));
