import assert from "node:assert/strict";
import type { LastMessage } from "../common/api_types.ts";
import { systemClock } from "../common/clock.ts";
import {
  type AppendResult,
  AuthorGoneError,
  type MessageDraft,
  type MessageStore,
} from "./message_store.ts";
import { keys } from "../kv/kv_keys.ts";
import { KvMessageStore } from "./message_store_kv.ts";
import { LINGER_BELOW_DRAFTS, MessageWriter, type MessageWriterOptions } from "./message_writer.ts";
import { FakeClock } from "../common/testing/fake_clock.ts";
import type { ChatMessage } from "../common/protocol.ts";

/** A real KV store wrapped to record each append call, and to hold or fail chosen calls. */
class RecordingStore implements MessageStore {
  /** The drafts of each append call, in call order. */
  readonly calls: MessageDraft[][] = [];
  /** Call indexes (0-based) that throw instead of storing. */
  readonly failing = new Set<number>();
  /** While set, append calls wait for it before storing. */
  gate: Promise<void> | undefined;
  /** Number of append calls that have returned. */
  returned = 0;

  constructor(readonly inner: MessageStore) {}

  async append(drafts: readonly MessageDraft[]): Promise<AppendResult[]> {
    const call = this.calls.push([...drafts]) - 1;
    if (this.gate) await this.gate;
    if (this.failing.has(call)) throw new Error(`append call ${call} failed`);
    const results = await this.inner.append(drafts);
    this.returned++;
    return results;
  }

  after(room: string, afterSeq: number, limit: number): Promise<ChatMessage[]> {
    return this.inner.after(room, afterSeq, limit);
  }

  before(room: string, beforeSeq: number | undefined, limit: number): Promise<ChatMessage[]> {
    return this.inner.before(room, beforeSeq, limit);
  }

  head(room: string): Promise<number> {
    return this.inner.head(room);
  }

  heads(rooms: readonly string[]): Promise<number[]> {
    return this.inner.heads(rooms);
  }

  lastMessages(rooms: readonly string[]): Promise<(LastMessage | null)[]> {
    return this.inner.lastMessages(rooms);
  }
}

interface Committed {
  room: string;
  seqs: number[];
  /** Number of append calls made when the handler ran: identifies the batch. */
  afterCall: number;
}

async function withWriter(
  fn: (
    writer: MessageWriter,
    store: RecordingStore,
    committed: Committed[],
    kv: Deno.Kv,
  ) => Promise<void>,
  options: MessageWriterOptions = {},
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const store = new RecordingStore(new KvMessageStore(kv, systemClock));
  const committed: Committed[] = [];
  const writer = new MessageWriter(store, (room, messages) => {
    committed.push({ room, seqs: messages.map((m) => m.seq), afterCall: store.calls.length });
  }, options);
  try {
    await fn(writer, store, committed, kv);
  } finally {
    await writer.flush();
    kv.close();
  }
}

function draft(room: string, clientId: string, from = "u1"): MessageDraft {
  return { room, from, author: `name-${from}`, clientId, text: `text of ${clientId}` };
}

Deno.test("MessageWriter groups 200 writes issued at once into few store.append calls", async () => {
  await withWriter(async (writer, store) => {
    const writes = Array.from(
      { length: 200 },
      (_, i) => writer.write(draft("room", `client-${i}`)),
    );
    const results = await Promise.all(writes);
    assert.ok(store.calls.length <= 3, `${store.calls.length} append calls`);
    assert.equal(store.calls.flat().length, 200);
    assert.ok(results.every((r) => !r.duplicate));
    assert.deepEqual(
      results.map((r) => r.message.seq).sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    results.forEach((result, i) => assert.equal(result.message.text, `text of client-${i}`));
  });
});

Deno.test("MessageWriter commits a lone write at once, without waiting for company", async () => {
  const clock = new FakeClock();
  await withWriter(async (writer, store) => {
    const result = await writer.write(draft("room", "client-1"));
    assert.equal(result.message.seq, 1);
    assert.equal(store.calls.length, 1);
    assert.deepEqual(clock.pending, [], "no linger timer was set");
  }, { timers: clock });
});

/** Yields to the event loop until `done()` holds (the store's commits run on real KV). */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 2000; turn++) {
    if (done()) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`never happened: ${what}`);
}

/**
 * Makes the writer busy: a first write whose commit is held until a second write has queued
 * behind it. Resolves once that commit has returned, when the writer decides whether to linger.
 */
async function busyWriter(
  writer: MessageWriter,
  store: RecordingStore,
): Promise<Promise<unknown>[]> {
  const gate = Promise.withResolvers<void>();
  store.gate = gate.promise;
  const writes = [writer.write(draft("room", "client-1"))];
  await until(() => store.calls.length === 1, "the first write reached the store");
  writes.push(writer.write(draft("room", "client-2"))); // arrives during the commit
  store.gate = undefined;
  gate.resolve();
  await writes[0];
  return writes;
}

Deno.test("MessageWriter lingers exactly lingerMs after a commit during which writes arrived", async () => {
  const clock = new FakeClock();
  await withWriter(async (writer, store) => {
    const writes = await busyWriter(writer, store);
    await until(() => clock.pending.length === 1, "the writer lingers");
    assert.deepEqual(clock.pending, [10]);
    // Writes that trickle in while it lingers join the same commit.
    writes.push(writer.write(draft("room", "client-3")));
    clock.advance(9);
    writes.push(writer.write(draft("room", "client-4")));
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(store.calls.length, 1, "nothing is committed before the linger ends");
    clock.advance(1);
    await Promise.all(writes);
    assert.deepEqual(
      store.calls.map((call) => call.map((d) => d.clientId)),
      [["client-1"], ["client-2", "client-3", "client-4"]],
    );
  }, { lingerMs: 10, timers: clock });
});

Deno.test("MessageWriter does not linger once LINGER_BELOW_DRAFTS drafts are queued", async () => {
  const clock = new FakeClock();
  await withWriter(async (writer, store) => {
    const gate = Promise.withResolvers<void>();
    store.gate = gate.promise;
    const writes = [writer.write(draft("room", "client-0"))];
    await until(() => store.calls.length === 1, "the first write reached the store");
    for (let i = 1; i <= LINGER_BELOW_DRAFTS; i++) {
      writes.push(writer.write(draft("room", `client-${i}`)));
    }
    store.gate = undefined;
    gate.resolve();
    try {
      // The fake clock does not move: a linger would hold the second commit back.
      await until(() => store.calls.length === 2, "the queued drafts were committed");
    } finally {
      clock.advance(1_000);
    }
    await Promise.all(writes);
    assert.deepEqual(store.calls.map((call) => call.length), [1, LINGER_BELOW_DRAFTS]);
  }, { timers: clock });
});

Deno.test("MessageWriter with lingerMs 0 commits what is queued as soon as the last commit ends", async () => {
  await withWriter(async (writer, store) => {
    const gate = Promise.withResolvers<void>();
    store.gate = gate.promise;
    const writes = [writer.write(draft("room", "client-1"))];
    await new Promise((resolve) => setTimeout(resolve, 5));
    writes.push(writer.write(draft("room", "client-2")));
    store.gate = undefined;
    gate.resolve();
    await writes[0];
    await new Promise((resolve) => setTimeout(resolve, 5));
    writes.push(writer.write(draft("room", "client-3")));
    await Promise.all(writes);
    assert.deepEqual(
      store.calls.map((call) => call.map((d) => d.clientId)),
      [["client-1"], ["client-2"], ["client-3"]],
    );
  }, { lingerMs: 0 });
});

Deno.test("MessageWriter.write() resolves only after the store has returned", async () => {
  await withWriter(async (writer, store) => {
    const gate = Promise.withResolvers<void>();
    store.gate = gate.promise;
    let acked = false;
    const write = writer.write(draft("room", "client-1")).then((result) => {
      acked = true;
      assert.equal(store.returned, 1);
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(store.calls.length, 1);
    assert.equal(acked, false);
    store.gate = undefined;
    gate.resolve();
    const result = await write;
    assert.equal(acked, true);
    assert.equal(await store.head("room"), 1);
    assert.deepEqual(await store.after("room", 0, 10), [result.message]);
  });
});

Deno.test("MessageWriter calls onCommitted once per room per batch, with ascending seqs", async () => {
  await withWriter(async (writer, store, committed) => {
    const rooms = ["a", "b", "c"];
    const writes = Array.from(
      { length: 60 },
      (_, i) => writer.write(draft(rooms[i % 3]!, `client-${i}`)),
    );
    // A repeat inside the batch is announced once.
    writes.push(writer.write(draft("a", "client-3")));
    await Promise.all(writes);
    for (let call = 1; call <= store.calls.length; call++) {
      const ofBatch = committed.filter((c) => c.afterCall === call).map((c) => c.room);
      assert.equal(new Set(ofBatch).size, ofBatch.length, `batch ${call} announced a room twice`);
    }
    for (const room of rooms) {
      const seqs = committed.filter((c) => c.room === room).flatMap((c) => c.seqs);
      assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => i + 1));
    }
    for (const { seqs } of committed) {
      assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    }
  });
});

Deno.test("MessageWriter announces a duplicate write again with the original message", async () => {
  await withWriter(async (writer, _store, committed) => {
    const original = await writer.write(draft("room", "client-1"));
    await writer.flush();
    const again = await writer.write({ ...draft("room", "client-1"), text: "changed" });
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.message, original.message);
    assert.deepEqual(committed.map((c) => c.seqs), [[1], [1]]);
  });
});

Deno.test("MessageWriter rejects the writes of a failed batch and still stores later writes", async () => {
  await withWriter(async (writer, store, committed) => {
    store.failing.add(1);
    const first = writer.write(draft("room", "client-1"));
    // These two queue behind the first call and form call 1, which fails.
    const failed = [
      writer.write(draft("room", "client-2")),
      writer.write(draft("room", "client-3")),
    ];
    assert.equal((await first).message.seq, 1);
    for (const write of failed) await assert.rejects(write, /append call 1 failed/);
    await writer.flush();
    const later = await writer.write(draft("room", "client-4"));
    assert.equal(later.message.seq, 2);
    assert.equal(store.calls.length, 3);
    assert.deepEqual(committed.map((c) => c.seqs), [[1], [2]]);
    // The failed sends can be retried with the same clientIds.
    await writer.flush();
    const retried = await writer.write(draft("room", "client-2"));
    assert.equal(retried.duplicate, false);
    assert.equal(retried.message.seq, 3);
  });
});

Deno.test("MessageWriter stores a write issued as soon as an earlier write is acked", async () => {
  await withWriter(async (writer, store) => {
    await writer.write(draft("room", "client-1"));
    // No flush(): a caller that awaits one send and then sends again must not be stranded.
    const next = writer.write(draft("room", "client-2"));
    assert.equal(store.calls.length, 2, "the write waits behind a drain that has already ended");
    assert.equal((await next).message.seq, 2);
    assert.equal(await store.head("room"), 2);
  });
});

Deno.test("MessageWriter.flush() resolves once every queued write is settled", async () => {
  await withWriter(async (writer, store) => {
    const writes = Array.from({ length: 10 }, (_, i) => writer.write(draft("room", `client-${i}`)));
    await writer.flush();
    assert.equal(await store.head("room"), 10);
    await Promise.all(writes);
  });
});

Deno.test("MessageWriter refuses only the send with files of an account being deleted; the rest of its batch is stored in order", async () => {
  await withWriter(async (writer, store, _, kv) => {
    // Marked by the first commit of its deletion (`Accounts.beginDeletion`).
    await kv.set(keys.user("u2"), { id: "u2", name: "leaving", deleting: true, disabled: true });
    const gate = Promise.withResolvers<void>();
    store.gate = gate.promise;
    const first = writer.write(draft("room", "client-1"));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const file = { id: "f".repeat(64), name: "a.png", size: 3, type: "image/png" };
    const writes = [
      writer.write(draft("room", "client-2")),
      writer.write({ ...draft("room", "client-3", "u2"), attachments: [file] }),
      writer.write(draft("room", "client-4", "u2")),
    ];
    store.gate = undefined;
    gate.resolve();
    await first;
    const [text, withFile, plain] = await Promise.allSettled(writes);
    assert.equal(withFile!.status, "rejected");
    assert.ok((withFile as PromiseRejectedResult).reason instanceof AuthorGoneError);
    // Text messages of that account are not checked: they stay by design.
    assert.deepEqual(
      [text, plain].map((r) => r!.status === "fulfilled" && r!.value.message.seq),
      [2, 3],
    );
    assert.deepEqual(
      store.calls.map((call) => call.map((d) => d.clientId)),
      [["client-1"], ["client-2", "client-3", "client-4"], ["client-2", "client-4"]],
    );
    assert.equal((await kv.get(keys.fileRef(file.id, "room", 3))).versionstamp, null);
  }, { lingerMs: 0 });
});
