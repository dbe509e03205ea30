/**
 * The merged search index on a real KV: the merger folds pending entries into posting blocks
 * without losing or repeating a posting, two mergers at once do not either, a merge that dies
 * before its commit leaves everything pending and searchable, and a search finds pending and
 * merged messages alike, each once, newest first, in pages.
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
import { MessageSearch } from "../lib/search/message_search.ts";
import { BLOCK_SPAN_MS } from "../lib/search/merge_plan.ts";
import { SearchMerger } from "../lib/search/search_merger.ts";
import type { PendingPostings } from "../lib/search/search_pending.ts";
import { messageTerms } from "../lib/search/search_index.ts";
import { withMemoryKv } from "./helpers/memory_kv.ts";
import { addRoomFor, indexedPostings } from "./helpers/search_postings.ts";

const READER = "reader";

/**
 * Sends `count` messages in batches of `batch`, over rooms a, b (readable) and c (not),
 * numbered from `first`.
 */
async function sendMany(
  store: KvMessageStore,
  clock: FakeClock,
  count: number,
  batch: number,
  first = 0,
) {
  for (let sent = first; sent < first + count; sent += batch) {
    clock.advance(1);
    await store.append(Array.from({ length: Math.min(batch, first + count - sent) }, (_, i) => {
      const n = sent + i;
      return {
        room: ["a", "b", "c"][n % 3]!,
        from: "writer",
        author: "writer",
        clientId: `m${n}`,
        text: `meeting 北京 会议 note${n % 7} item${n}`,
      };
    }));
  }
}

/** The index's postings as sorted "room seq term" lines (duplicates kept). */
async function postingLines(kv: Deno.Kv) {
  return (await indexedPostings(kv)).map((p) => `${p.room} ${p.seq} ${p.term}`).sort();
}

/** What the stored messages should be indexed by, as sorted "room seq term" lines. */
async function expectedLines(store: KvMessageStore) {
  const lines: string[] = [];
  for (const room of ["a", "b", "c"]) {
    for (const message of await store.after(room, 0, 10_000)) {
      for (const term of messageTerms(message)) lines.push(`${room} ${message.seq} ${term}`);
    }
  }
  return lines.sort();
}

function services(kv: Deno.Kv, clock: FakeClock) {
  const store = new KvMessageStore(kv, clock);
  const accounts = new Accounts(kv, clock);
  const limiter = new TokenBuckets(clock, 1000, 1_000_000);
  const search = new MessageSearch(kv, accounts, new Profiles(kv, accounts), limiter);
  return { store, search };
}

async function withRooms(fn: (kv: Deno.Kv) => Promise<void>) {
  await withMemoryKv(async (kv) => {
    await addRoomFor(kv, "a", READER, true);
    await addRoomFor(kv, "b", READER, true);
    await addRoomFor(kv, "c", READER, false);
    await fn(kv);
  });
}

/** Every page of `q` for the reader, walked with the cursor. */
async function allPages(search: MessageSearch, q: string, limit: number) {
  const hits: { room: string; seq: number; at: number }[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const found = await search.search(READER, { q, limit, ...(cursor ? { cursor } : {}) });
    assert.ok(found.ok);
    hits.push(...found.hits.map(({ room, seq, at }) => ({ room, seq, at })));
    if (!found.nextCursor) return hits;
    cursor = found.nextCursor;
  }
  throw new Error("more than 100 pages");
}

Deno.test("SearchMerger.mergeAll() moves every pending posting into blocks, each once", () =>
  withRooms(async (kv) => {
    const clock = new FakeClock(1_000_000);
    const { store } = services(kv, clock);
    await sendMany(store, clock, 300, 20);
    const expected = await expectedLines(store);
    assert.deepEqual(await postingLines(kv), expected);
    assert.ok((await indexedPostings(kv)).every((p) => !p.merged));
    const merged = await new SearchMerger(kv).mergeAll();
    assert.equal(merged, 300);
    const after = await indexedPostings(kv);
    assert.ok(after.every((p) => p.merged), "nothing left pending");
    assert.deepEqual(await postingLines(kv), expected);
  }));

Deno.test("two mergers at once merge every posting exactly once", () =>
  withRooms(async (kv) => {
    const clock = new FakeClock(1_000_000);
    const { store } = services(kv, clock);
    // 150 pending entries: more than one merge reads, so the two race over several rounds.
    await sendMany(store, clock, 600, 4);
    const expected = await expectedLines(store);
    const [one, two] = await Promise.all([
      new SearchMerger(kv).mergeAll(),
      new SearchMerger(kv).mergeAll(),
    ]);
    assert.equal(one + two, 600);
    assert.ok((await indexedPostings(kv)).every((p) => p.merged));
    assert.deepEqual(await postingLines(kv), expected);
  }));

Deno.test("a scheduled merge takes what was pending when it began, not sends arriving meanwhile", () =>
  withRooms(async (kv) => {
    const clock = new FakeClock(1_000_000);
    const { store } = services(kv, clock);
    await sendMany(store, clock, 60, 10);
    // 20 s later the oldest entry is due by age; a send lands while the merge commits.
    clock.advance(20_000);
    let arrived: Promise<unknown> | undefined;
    const racing = new Proxy(kv, {
      get(target, name) {
        if (name !== "atomic") return Reflect.get(target, name, target).bind?.(target);
        return () => {
          const atomic = target.atomic();
          const commit = atomic.commit.bind(atomic);
          atomic.commit = async () => {
            arrived ??= sendMany(store, clock, 1, 1, 60);
            await arrived;
            return await commit();
          };
          return atomic;
        };
      },
    });
    const merger = new SearchMerger(racing);
    merger.start(1, () => clock.now());
    while (!(await indexedPostings(kv)).some((p) => p.merged)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await merger.stop();
    const postings = await indexedPostings(kv);
    const pending = new Set(postings.filter((p) => !p.merged).map((p) => `${p.room} ${p.seq}`));
    // The 61st message (room a, seq 21) waits for the next merge: chasing every send as it
    // arrives merges an entry or two at a time, the costliest merges per message.
    assert.deepEqual([...pending], ["a 21"]);
    const merged = new Set(postings.filter((p) => p.merged).map((p) => `${p.room} ${p.seq}`));
    assert.equal(merged.size, 60, "the 60 pending when it began are merged");
  }));

Deno.test("a merge that dies before its commit leaves every posting pending and searchable", () =>
  withRooms(async (kv) => {
    const clock = new FakeClock(1_000_000);
    const { store, search } = services(kv, clock);
    await sendMany(store, clock, 90, 10);
    const expected = await expectedLines(store);
    // The process dies in the merge's commit: it never reaches KV.
    const dying = new Proxy(kv, {
      get(target, name) {
        if (name !== "atomic") return Reflect.get(target, name, target).bind?.(target);
        return () => {
          const atomic = target.atomic();
          atomic.commit = () => Promise.reject(new Error("killed"));
          return atomic;
        };
      },
    });
    await assert.rejects(new SearchMerger(dying).mergeOnce(), /killed/);
    assert.deepEqual(await postingLines(kv), expected);
    assert.ok((await indexedPostings(kv)).every((p) => !p.merged));
    assert.equal((await allPages(search, "meeting ", 50)).length, 60);
    await new SearchMerger(kv).mergeAll();
    assert.deepEqual(await postingLines(kv), expected);
    assert.equal((await allPages(search, "meeting ", 50)).length, 60);
  }));

Deno.test("a search finds pending and merged messages alike, each once, newest first", () =>
  withRooms(async (kv) => {
    const clock = new FakeClock(1_000_000);
    const { store, search } = services(kv, clock);
    await sendMany(store, clock, 120, 10);
    await new SearchMerger(kv).mergeAll();
    // Far later, past a block's span, more messages that stay pending.
    clock.advance(3 * BLOCK_SPAN_MS);
    await sendMany(store, clock, 60, 10, 120);
    // An edit of a merged message: found by its new words only.
    clock.advance(1);
    await store.append([{
      room: "a",
      from: "writer",
      author: "writer",
      clientId: "edit",
      kind: "edit",
      target: 1,
      text: "rewritten deploy",
    }]);
    for (const limit of [7, 50]) {
      const hits = await allPages(search, "meeting 会议 ", limit);
      assert.equal(hits.length, 120 - 1, `limit ${limit}: all readable ones but the edited one`);
      assert.equal(new Set(hits.map((h) => `${h.room} ${h.seq}`)).size, hits.length, "once each");
      assert.ok(hits.every((h) => h.room !== "c"), "never the unreadable room");
      for (let i = 1; i < hits.length; i++) {
        assert.ok(hits[i - 1]!.at >= hits[i]!.at, "newest first");
      }
    }
    const edited = await allPages(search, "rewritten deploy", 10);
    assert.deepEqual(edited.map(({ room, seq }) => ({ room, seq })), [{ room: "a", seq: 1 }]);
    // A date bound reaches the merged messages past the pending ones.
    const old = await allPages(search, "meeting ", 50).then(async () => {
      const found = await search.search(READER, {
        q: "meeting ",
        limit: 50,
        before: 1_000_000 + BLOCK_SPAN_MS,
      });
      assert.ok(found.ok);
      return found.hits;
    });
    assert.equal(old.length, 50);
    assert.ok(old.every((hit) => hit.at < 1_000_000 + BLOCK_SPAN_MS));
  }));

Deno.test("a pending entry too large for one commit is merged in several, nothing lost", () =>
  withRooms(async (kv) => {
    // 15 messages of 100 distinct words of 32 letters each: 1,500 blocks, over KV's limits of
    // mutations and of key bytes for one commit.
    const postings = Array.from({ length: 15 }, (_, m) => ({
      room: "a",
      seq: m + 1,
      at: 1_000 + m,
      from: "writer",
      terms: Array.from({ length: 100 }, (_, t) => `w${m}x${t}`.padEnd(32, "z")),
    }));
    await kv.set(keys.searchPending(1_000, "big"), { postings } satisfies PendingPostings);
    assert.equal(await new SearchMerger(kv).mergeAll(), 15);
    const lines = await postingLines(kv);
    assert.equal(lines.length, 1_500);
    assert.equal(new Set(lines).size, 1_500);
    assert.ok((await indexedPostings(kv)).every((p) => p.merged));
  }));
