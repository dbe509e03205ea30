/**
 * The contract every {@linkcode MessageStore} must keep, as a suite of `Deno.test` cases that
 * each implementation's test file registers with its own factory (as centrifuge runs one suite
 * against every broker).
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { AppendResult, MessageDraft, MessageStore } from "../lib/messages/message_store.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { timedClientId } from "../lib/common/client_id.ts";

/** A fresh, empty store and the function that releases it. */
export interface StoreHandle {
  store: MessageStore;
  close(): Promise<void>;
}

/** Two stores on one shared medium (say two KV handles on one file), as two processes see it. */
export interface TwinStores {
  stores: [MessageStore, MessageStore];
  close(): Promise<void>;
}

/** Extra capabilities of an implementation that enable more cases of the suite. */
export interface MessageStoreConformanceOptions {
  /** Opens two stores over one medium; enables the cross-process concurrency case. */
  makeTwins?: () => Promise<TwinStores>;
}

/**
 * Registers the message store conformance cases, named `"<name>: <behaviour>"`.
 *
 * `makeStore` must return a new, empty store each call; every case closes what it opened.
 */
export function messageStoreConformance(
  name: string,
  makeStore: () => Promise<StoreHandle>,
  options: MessageStoreConformanceOptions = {},
): void {
  const test = (behaviour: string, fn: (store: MessageStore) => Promise<void>) => {
    Deno.test(`${name}: ${behaviour}`, async () => {
      const { store, close } = await makeStore();
      try {
        await fn(store);
      } finally {
        await close();
      }
    });
  };

  test("append() assigns seqs 1..n without gaps, independently per room", async (store) => {
    const first = await store.append([
      draft("a", "u1", "c-0000001"),
      draft("b", "u1", "c-0000002"),
      draft("a", "u1", "c-0000003"),
    ]);
    const second = await store.append([
      draft("a", "u2", "c-0000004"),
      draft("b", "u2", "c-0000005"),
      draft("b", "u2", "c-0000006"),
    ]);
    assert.deepEqual(first.map((r) => [r.message.room, r.message.seq]), [
      ["a", 1],
      ["b", 1],
      ["a", 2],
    ]);
    assert.deepEqual(second.map((r) => [r.message.room, r.message.seq]), [
      ["a", 3],
      ["b", 2],
      ["b", 3],
    ]);
    assert.equal(await store.head("a"), 3);
    assert.equal(await store.head("b"), 3);
    assert.deepEqual(seqsOf(await store.after("a", 0, 100)), [1, 2, 3]);
    assert.deepEqual(seqsOf(await store.after("b", 0, 100)), [1, 2, 3]);
  });

  test("append() returns one result per draft, in input order, with the draft's fields", async (store) => {
    const drafts = [
      draft("x", "u1", "order-01", "one"),
      draft("y", "u2", "order-02", "two"),
      draft("x", "u2", "order-03", "three"),
      draft("z", "u1", "order-04", "four"),
      draft("y", "u1", "order-05", "five"),
    ];
    const results = await store.append(drafts);
    assert.equal(results.length, drafts.length);
    results.forEach((result, i) => {
      const sent = drafts[i]!;
      assert.equal(result.duplicate, false);
      assert.equal(result.message.room, sent.room);
      assert.equal(result.message.from, sent.from);
      assert.equal(result.message.author, sent.author);
      assert.equal(result.message.text, sent.text);
      assert.equal(typeof result.message.id, "string");
      assert.ok(result.message.id.length > 0);
      assert.ok(Number.isFinite(result.message.at));
    });
    assert.equal(new Set(results.map((r) => r.message.id)).size, drafts.length);
    assert.deepEqual(await store.append([]), []);
  });

  test("append() stores each message as returned", async (store) => {
    const results = await store.append([
      draft("room", "u1", "stored-1", "héllo 👋🏽 مرحبا"),
      draft("room", "u1", "stored-2", "second"),
    ]);
    assert.deepEqual(await store.after("room", 0, 10), results.map((r) => r.message));
  });

  for (
    const [form, repeated] of [["plain", "repeat-1"], [
      "timed",
      timedClientId(1, "repeat"),
    ]] as const
  ) {
    test(`append() of a repeated ${form} clientId in a later batch returns the original message`, async (store) => {
      const [original] = await store.append([draft("room", "u1", repeated, "first text")]);
      await store.append([draft("room", "u2", "other-01")]);
      const [again] = await store.append([draft("room", "u1", repeated, "edited text")]);
      assert.equal(again!.duplicate, true);
      assert.deepEqual(again!.message, original!.message);
      assert.equal(again!.message.text, "first text");
      assert.equal(await store.head("room"), 2);
      assert.deepEqual(seqsOf(await store.after("room", 0, 10)), [1, 2]);
    });
  }

  test("append() of a repeated clientId in the same batch stores it once", async (store) => {
    const results = await store.append([
      draft("room", "u1", "same-001", "first"),
      draft("room", "u1", "same-002", "between"),
      draft("room", "u1", "same-001", "second"),
      draft("room", "u1", "same-001", "third"),
    ]);
    assert.deepEqual(results.map((r) => r.duplicate), [false, false, true, true]);
    assert.deepEqual(results[2]!.message, results[0]!.message);
    assert.deepEqual(results[3]!.message, results[0]!.message);
    assert.equal(await store.head("room"), 2);
    assert.deepEqual((await store.after("room", 0, 10)).map((m) => m.text), ["first", "between"]);
  });

  test("append() repeats of a stored clientId inside one later batch all return the original", async (store) => {
    const [original] = await store.append([draft("room", "u1", "twice-01", "original")]);
    const results = await store.append([
      draft("room", "u1", "twice-01", "again"),
      draft("room", "u1", "new-0001", "new"),
      draft("room", "u1", "twice-01", "and again"),
    ]);
    assert.deepEqual(results.map((r) => r.duplicate), [true, false, true]);
    assert.deepEqual(results[0]!.message, original!.message);
    assert.deepEqual(results[2]!.message, original!.message);
    assert.equal(results[1]!.message.seq, 2);
  });

  test("append() treats the same clientId from another user or room as a new message", async (store) => {
    const results = await store.append([
      draft("r1", "u1", "shared-1"),
      draft("r1", "u2", "shared-1"),
      draft("r2", "u1", "shared-1"),
    ]);
    assert.deepEqual(results.map((r) => r.duplicate), [false, false, false]);
    assert.deepEqual(results.map((r) => [r.message.room, r.message.seq]), [
      ["r1", 1],
      ["r1", 2],
      ["r2", 1],
    ]);
    assert.equal(new Set(results.map((r) => r.message.id)).size, 3);
  });

  test("after() pages forward in ascending seq order and respects the limit", async (store) => {
    await fill(store, "room", 25);
    await fill(store, "room-2", 3);
    assert.deepEqual(seqsOf(await store.after("room", 0, 10)), range(1, 10));
    assert.deepEqual(seqsOf(await store.after("room", 10, 10)), range(11, 20));
    assert.deepEqual(seqsOf(await store.after("room", 20, 10)), range(21, 25));
    assert.deepEqual(await store.after("room", 25, 10), []);
    assert.deepEqual(await store.after("room", 100, 10), []);
    assert.deepEqual(seqsOf(await store.after("room", 7, 1)), [8]);
    assert.ok((await store.after("room", 0, 100)).every((m) => m.room === "room"));
  });

  test("before() pages backward, newest page first, each page ascending", async (store) => {
    await fill(store, "room", 25);
    await fill(store, "room-2", 3);
    assert.deepEqual(seqsOf(await store.before("room", undefined, 10)), range(16, 25));
    assert.deepEqual(seqsOf(await store.before("room", 16, 10)), range(6, 15));
    assert.deepEqual(seqsOf(await store.before("room", 6, 10)), range(1, 5));
    assert.deepEqual(await store.before("room", 1, 10), []);
    assert.deepEqual(seqsOf(await store.before("room", 1000, 3)), [23, 24, 25]);
    assert.deepEqual(seqsOf(await store.before("room", undefined, 100)), range(1, 25));
    assert.ok((await store.before("room", undefined, 100)).every((m) => m.room === "room"));
  });

  test("head() is 0 and pages are empty for a room with no messages", async (store) => {
    await fill(store, "other", 2);
    assert.equal(await store.head("empty"), 0);
    assert.deepEqual(await store.after("empty", 0, 10), []);
    assert.deepEqual(await store.before("empty", undefined, 10), []);
  });

  test("append() of 1,000 drafts (more than one KV commit) stores all of them gap-free", async (store) => {
    const drafts = Array.from({ length: 1000 }, (_, i) => draft("big", "u1", `bulk-${pad(i)}`));
    // The last draft repeats the first one's clientId: duplicates must be found across commits.
    drafts.push(draft("big", "u1", "bulk-0000", "repeat"));
    const results = await store.append(drafts);
    assert.deepEqual(results.slice(0, 1000).map((r) => r.message.seq), range(1, 1000));
    assert.equal(results[1000]!.duplicate, true);
    assert.deepEqual(results[1000]!.message, results[0]!.message);
    assert.equal(await store.head("big"), 1000);
    await assertRoomLog(store, "big", drafts.slice(0, 1000));
  });

  test("append() of 1,000 drafts with the longest valid room ids and clientIds stores them all", async (store) => {
    // Protocol maxima: 64-character room ids and clientIds. Keys this long are what hits a KV
    // commit's total key size limit (80 KiB) before its mutation count limit.
    const room = "R".repeat(64);
    const from = "U".repeat(22);
    const drafts = Array.from(
      { length: 1000 },
      (_, i) => draft(room, from, `${pad(i)}`.padStart(64, "c")),
    );
    const results = await store.append(drafts);
    assert.deepEqual(results.map((r) => r.message.seq), range(1, 1000));
    await assertRoomLog(store, room, drafts);
  });

  test("append() of 200 drafts with 4,000-character texts (over one commit's bytes) stores them all", async (store) => {
    const texts = ["語".repeat(4000), "😀".repeat(4000), "a".repeat(4000)];
    const drafts = Array.from(
      { length: 200 },
      (_, i) => draft(i % 2 ? "long-a" : "long-b", "u1", `long-${pad(i)}`, texts[i % 3]!),
    );
    const results = await store.append(drafts);
    assert.ok(results.every((r) => !r.duplicate));
    await assertRoomLog(store, "long-a", drafts.filter((d) => d.room === "long-a"));
    await assertRoomLog(store, "long-b", drafts.filter((d) => d.room === "long-b"));
  });

  test("append() of one batch spanning 150 rooms gives each room seqs 1..n", async (store) => {
    const drafts: MessageDraft[] = [];
    for (let round = 0; round < 2; round++) {
      for (let r = 0; r < 150; r++) {
        drafts.push(draft(`room-${r}`, "u1", `many-${round}-${pad(r)}`));
      }
    }
    const results = await store.append(drafts);
    results.forEach((result, i) => assert.equal(result.message.seq, i < 150 ? 1 : 2));
    for (let r = 0; r < 150; r += 37) {
      await assertRoomLog(store, `room-${r}`, drafts.filter((d) => d.room === `room-${r}`));
    }
  });

  test("lastMessages() summarizes each room's newest message, null for rooms with none", async (store) => {
    assert.deepEqual(await store.lastMessages([]), []);
    assert.deepEqual(await store.lastMessages(["a", "b"]), [null, null]);
    const results = await store.append([
      draft("a", "u1", "last-001", "first in a"),
      draft("b", "u2", "last-002", "only in b"),
      draft("a", "u2", "last-003", "second in a"),
    ]);
    const [a2, b1] = [results[2]!.message, results[1]!.message];
    assert.deepEqual(await store.lastMessages(["b", "none", "a", "b"]), [
      { seq: 1, at: b1.at, author: "name-u2", from: "u2", preview: "only in b" },
      null,
      { seq: 2, at: a2.at, author: "name-u2", from: "u2", preview: "second in a" },
      { seq: 1, at: b1.at, author: "name-u2", from: "u2", preview: "only in b" },
    ]);
  });

  test("lastMessages() previews the first 80 code points and ignores duplicate appends", async (store) => {
    const text = "😀".repeat(79) + "é" + "tail".repeat(100);
    const [sent] = await store.append([draft("p", "u1", "preview-1", text)]);
    const [summary] = await store.lastMessages(["p"]);
    assert.equal(summary!.preview, "😀".repeat(79) + "é");
    assert.equal(summary!.seq, sent!.message.seq);
    await store.append([draft("p", "u1", "preview-1", "a resend")]);
    assert.deepEqual(await store.lastMessages(["p"]), [summary]);
  });

  test("append() keeps a system message's kind and event in the log and in its summary", async (store) => {
    const event = { type: "renamed", by: "olga", name: "lounge" } as const;
    const system: MessageDraft = {
      room: "s",
      from: "system",
      author: "system",
      clientId: "system-0001",
      text: "olga renamed the room to “lounge”",
      kind: "system",
      event,
    };
    const results = await store.append([draft("s", "u1", "plain-0001"), system]);
    const message = results[1]!.message;
    assert.deepEqual([message.kind, message.event, message.text], ["system", event, system.text]);
    assert.deepEqual(await store.after("s", 1, 10), [message]);
    assert.deepEqual(await store.before("s", undefined, 1), [message]);
    assert.deepEqual(await store.lastMessages(["s"]), [
      { seq: 2, at: message.at, author: "system", from: "system", preview: system.text, event },
    ]);
    const [plain] = await store.after("s", 0, 1);
    assert.ok(plain && !("event" in plain) && !("kind" in plain), "a user message has neither");
  });

  test("lastMessages() matches head() for 150 rooms appended in one batch, read in one call", async (store) => {
    const drafts = Array.from(
      { length: 300 },
      (_, i) => draft(`sum-${pad(i % 150)}`, "u1", `sum-${pad(i)}`, `text ${i}`),
    );
    await store.append(drafts);
    const rooms = Array.from({ length: 150 }, (_, r) => `sum-${pad(r)}`);
    const summaries = await store.lastMessages(rooms);
    summaries.forEach((summary, r) => {
      assert.equal(summary!.seq, 2);
      assert.equal(summary!.preview, `text ${r + 150}`);
    });
  });

  test("heads() gives each room's last seq, an action's too, where lastMessages() keeps the newest message", async (store) => {
    await fill(store, "acted", 2);
    await fill(store, "plain", 3);
    await store.append([{
      ...draft("acted", "u2", "react-0001", ""),
      kind: "reaction",
      target: 2,
      emoji: "👍",
      on: true,
    }]);
    assert.deepEqual(await store.heads(["acted", "empty", "plain"]), [3, 0, 3]);
    assert.equal(await store.head("acted"), 3);
    const [last] = await store.lastMessages(["acted"]);
    assert.equal(last!.seq, 2);
  });

  test("append() of 1,000 drafts over 100 rooms with the longest ids and clientIds stores them all", async (store) => {
    // Every room new to its commit adds a head check, a head and a summary key: with 64
    // character ids this is what reaches the 80 KiB of keys per commit.
    const from = "U".repeat(22);
    const roomOf = (i: number) => `${pad(i % 100)}`.padStart(64, "R");
    const drafts = Array.from(
      { length: 1000 },
      (_, i) => draft(roomOf(i), from, `${pad(i)}`.padStart(64, "c")),
    );
    const results = await store.append(drafts);
    assert.ok(results.every((r) => !r.duplicate));
    const summaries = await store.lastMessages(Array.from({ length: 100 }, (_, r) => roomOf(r)));
    assert.ok(summaries.every((summary) => summary?.seq === 10));
    await assertRoomLog(store, roomOf(7), drafts.filter((d) => d.room === roomOf(7)));
  });

  test("concurrent append() calls on one store give unique, gap-free seqs and lose nothing", async (store) => {
    const lanes = Array.from(
      { length: 4 },
      (_, lane) => appendInBatches(store, "busy", `lane${lane}`, 60, 3),
    );
    const sent = (await Promise.all(lanes)).flat();
    assert.equal(await store.head("busy"), 240);
    await assertRoomLog(store, "busy", sent, { anyOrder: true });
  });

  if (options.makeTwins) {
    const makeTwins = options.makeTwins;
    Deno.test(
      `${name}: concurrent appends from two stores on one medium give gap-free seqs and store a resend once`,
      async () => {
        const { stores, close } = await makeTwins();
        try {
          const lanes = stores.flatMap((store, s) =>
            [0, 1].map((lane) => appendInBatches(store, "shared", `s${s}l${lane}`, 150, 5))
          );
          const sent = (await Promise.all(lanes)).flat();
          for (const store of stores) {
            assert.equal(await store.head("shared"), 600);
            await assertRoomLog(store, "shared", sent, { anyOrder: true });
          }
          // Retrying a batch through the other process still finds the originals.
          const retried = await stores[1].append(sent.slice(0, 5));
          assert.ok(retried.every((r) => r.duplicate));
          assert.equal(await stores[0].head("shared"), 600);
          // The same sends through both at once (a client resending after reconnecting
          // elsewhere) are stored once, and both sides get the one stored message.
          // Half of them timed clientIds (filed by time, `keys.messageByClientId`), half plain.
          const resent = Array.from(
            { length: 100 },
            (_, i) =>
              draft(
                "shared",
                "resender",
                i % 2 ? timedClientId(1_796_000_000_000 + i, "resent") : `resent-${pad(i)}`,
              ),
          );
          const [viaFirst, viaSecond] = await Promise.all(stores.map(async (store) => {
            const results: AppendResult[] = [];
            for (let i = 0; i < resent.length; i += 5) {
              results.push(...await store.append(resent.slice(i, i + 5)));
            }
            return results;
          }));
          viaFirst!.forEach((result, i) =>
            assert.deepEqual(result.message, viaSecond![i]!.message)
          );
          viaFirst!.forEach((result, i) =>
            assert.notEqual(result.duplicate, viaSecond![i]!.duplicate)
          );
          assert.equal(await stores[0].head("shared"), 700);
          await assertRoomLog(stores[0], "shared", [...sent, ...resent], { anyOrder: true });
        } finally {
          await close();
        }
      },
    );
  }

  Deno.test(`${name}: append() stores every distinct (room, from, clientId) exactly once (property)`, async () => {
    const draftArb = fc.record({
      room: fc.constantFrom("r1", "r2", "r3"),
      from: fc.constantFrom("u1", "u2"),
      // Both forms: plain ids are filed by room, timed ones by time (`keys.messageByClientId`).
      clientId: fc.constantFrom(
        "cid-0001",
        "cid-0002",
        "cid-0003",
        timedClientId(1_796_000_000_000, "0004"),
        timedClientId(1_796_000_000_001, "0005"),
      ),
      text: fc.string({ minLength: 1, maxLength: 20 }),
    });
    const batchesArb = fc.array(fc.array(draftArb, { maxLength: 15 }), {
      minLength: 1,
      maxLength: 5,
    });
    await fc.assert(
      fc.asyncProperty(batchesArb, async (batches) => {
        const { store, close } = await makeStore();
        try {
          const originals = new Map<string, ChatMessage>();
          const heads = new Map<string, number>();
          for (const batch of batches) {
            const drafts = batch.map((d) => ({ ...d, author: `name-${d.from}` }));
            const results = await store.append(drafts);
            assert.equal(results.length, drafts.length);
            drafts.forEach((sent, i) => {
              const result = results[i]!;
              const key = `${sent.room}|${sent.from}|${sent.clientId}`;
              const original = originals.get(key);
              if (original) {
                assert.equal(result.duplicate, true);
                assert.deepEqual(result.message, original);
              } else {
                const seq = (heads.get(sent.room) ?? 0) + 1;
                heads.set(sent.room, seq);
                assert.equal(result.duplicate, false);
                assert.equal(result.message.seq, seq);
                assert.equal(result.message.text, sent.text);
                originals.set(key, result.message);
              }
            });
          }
          for (const room of ["r1", "r2", "r3"]) {
            const expected = [...originals.values()]
              .filter((m) => m.room === room)
              .sort((a, b) => a.seq - b.seq);
            assert.equal(await store.head(room), expected.length);
            assert.deepEqual(await store.after(room, 0, 1000), expected);
          }
        } finally {
          await close();
        }
      }),
      { numRuns: 30 },
    );
  });
}

function draft(
  room: string,
  from: string,
  clientId: string,
  text = `text of ${clientId}`,
): MessageDraft {
  return { room, from, author: `name-${from}`, clientId, text };
}

function pad(n: number): string {
  return String(n).padStart(4, "0");
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

function seqsOf(messages: readonly ChatMessage[]): number[] {
  return messages.map((m) => m.seq);
}

async function fill(store: MessageStore, room: string, count: number): Promise<AppendResult[]> {
  return await store.append(
    Array.from({ length: count }, (_, i) => draft(room, "u1", `fill-${room}-${pad(i)}`)),
  );
}

/** Appends `count` drafts to `room` in sequential batches of `batchSize`; returns the drafts. */
async function appendInBatches(
  store: MessageStore,
  room: string,
  lane: string,
  count: number,
  batchSize: number,
): Promise<MessageDraft[]> {
  const sent: MessageDraft[] = [];
  for (let i = 0; i < count; i += batchSize) {
    const batch = Array.from(
      { length: Math.min(batchSize, count - i) },
      (_, j) => draft(room, `user-${lane}`, `${lane}-${pad(i + j)}`),
    );
    const results = await store.append(batch);
    assert.ok(results.every((r) => !r.duplicate));
    sent.push(...batch);
  }
  return sent;
}

/**
 * Asserts the room's stored log holds exactly `drafts` at seqs 1..n (in that order unless
 * `anyOrder`), each once, with unique ids.
 */
async function assertRoomLog(
  store: MessageStore,
  room: string,
  drafts: readonly MessageDraft[],
  { anyOrder = false } = {},
): Promise<void> {
  const stored: ChatMessage[] = [];
  for (let page = await store.after(room, 0, 500); page.length > 0;) {
    stored.push(...page);
    page = await store.after(room, page[page.length - 1]!.seq, 500);
  }
  assert.deepEqual(seqsOf(stored), range(1, drafts.length));
  assert.equal(new Set(stored.map((m) => m.id)).size, drafts.length);
  const identity = (m: { room: string; from: string; text: string }) =>
    `${m.room}|${m.from}|${m.text}`;
  const got = stored.map(identity);
  const want = drafts.map(identity);
  if (anyOrder) {
    got.sort();
    want.sort();
  }
  assert.deepEqual(got, want);
}
