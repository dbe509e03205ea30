import assert from "node:assert/strict";
import type { LastMessage } from "../common/api_types.ts";
import { systemClock } from "../common/clock.ts";
import { lastMessageOf } from "../common/message_gist.ts";
import type { ChatMessage } from "../common/protocol.ts";
import { keys } from "../kv/kv_keys.ts";
import { ReadMarkers } from "../reads/read_markers.ts";
import { withMemoryKv } from "../../tests/helpers/memory_kv.ts";
import { KvMessageStore } from "./message_store_kv.ts";
import { readRoomHeads, type RoomHead } from "./room_head.ts";

const base = { room: "r", from: "u1", author: "ada" };

/** Writes `texts` as seqs 1..n of room `r` the way the old layout did: a bare head, room_last. */
async function writeOldLayout(kv: Deno.Kv, texts: string[]): Promise<ChatMessage[]> {
  const atomic = kv.atomic();
  const messages = texts.map((text, i): ChatMessage => ({
    ...base,
    seq: i + 1,
    id: `old-${i + 1}`,
    text,
    at: 1_000 + i,
  }));
  messages.forEach((message, i) => {
    atomic.set(keys.message("r", message.seq), message);
    atomic.set(keys.messageByClientId("r", "u1", `old-client-${i + 1}`), {
      id: message.id,
      seq: message.seq,
      at: message.at,
    });
  });
  atomic.set(keys.roomHead("r"), messages.length);
  atomic.set(keys.roomLast("r"), lastMessageOf(messages.at(-1)!));
  assert.ok((await atomic.commit()).ok);
  return messages;
}

Deno.test("KvMessageStore reads the head and summary of a room written by the old layout", async () => {
  await withMemoryKv(async (kv) => {
    const old = await writeOldLayout(kv, ["first", "second"]);
    const store = new KvMessageStore(kv, systemClock);
    assert.equal(await store.head("r"), 2);
    assert.deepEqual(await store.lastMessages(["r", "none"]), [lastMessageOf(old[1]!), null]);
    const [head] = await readRoomHeads(kv, ["r"]);
    assert.equal(head!.legacy, true);
  });
});

Deno.test("KvMessageStore's first append to an old-layout room continues its seqs, folds the summary into the head and deletes room_last", async () => {
  await withMemoryKv(async (kv) => {
    await writeOldLayout(kv, ["first", "second"]);
    const store = new KvMessageStore(kv, systemClock);
    const [result] = await store.append([{ ...base, clientId: "new-client-1", text: "third" }]);
    assert.equal(result!.message.seq, 3);
    const head = (await kv.get<RoomHead>(keys.roomHead("r"))).value;
    assert.deepEqual(head, { seq: 3, last: lastMessageOf(result!.message) });
    assert.equal((await kv.get(keys.roomLast("r"))).versionstamp, null);
    assert.deepEqual(await store.lastMessages(["r"]), [lastMessageOf(result!.message)]);
  });
});

Deno.test("KvMessageStore returns the original of a send stored by the old layout when it is retried", async () => {
  await withMemoryKv(async (kv) => {
    const old = await writeOldLayout(kv, ["first"]);
    const store = new KvMessageStore(kv, systemClock);
    const [retry] = await store.append([{ ...base, clientId: "old-client-1", text: "first" }]);
    assert.deepEqual(retry, { message: old[0], duplicate: true });
    assert.equal(await store.head("r"), 1);
  });
});

Deno.test("KvMessageStore keeps an old-layout room's summary in its new head when only a reaction follows", async () => {
  await withMemoryKv(async (kv) => {
    const old = await writeOldLayout(kv, ["hello"]);
    const store = new KvMessageStore(kv, systemClock);
    const reaction = { ...base, clientId: "react-0001", text: "", kind: "reaction" as const };
    await store.append([{ ...reaction, target: 1, emoji: "👍", on: true }]);
    const head = (await kv.get<RoomHead>(keys.roomHead("r"))).value;
    assert.equal(head?.seq, 2);
    assert.deepEqual(head?.last, lastMessageOf(old[0]!));
    assert.equal((await kv.get(keys.roomLast("r"))).versionstamp, null);
  });
});

Deno.test("KvMessageStore shows an old-layout room's last message edited when an edit of it is the next append", async () => {
  await withMemoryKv(async (kv) => {
    await writeOldLayout(kv, ["helo"]);
    const store = new KvMessageStore(kv, systemClock);
    const edit = { ...base, clientId: "edit-00001", text: "hello", kind: "edit" as const };
    await store.append([{ ...edit, target: 1 }]);
    const [last] = await store.lastMessages(["r"]);
    assert.equal(last?.seq, 1);
    assert.equal(last?.preview, "hello");
    assert.equal(last?.edited, true);
    assert.equal(await store.head("r"), 2);
  });
});

Deno.test("KvMessageStore keeps the summary of the newest non-action message in the head across actions", async () => {
  await withMemoryKv(async (kv) => {
    const store = new KvMessageStore(kv, systemClock);
    await store.append([{ ...base, clientId: "send-00001", text: "one" }]);
    await store.append([{ ...base, clientId: "send-00002", text: "two" }]);
    const reaction = { ...base, clientId: "react-0001", text: "", kind: "reaction" as const };
    await store.append([{ ...reaction, target: 1, emoji: "👍", on: true }]);
    const [last] = await store.lastMessages(["r"]);
    assert.equal(last?.preview, "two");
    assert.equal(await store.head("r"), 3);
    const remove = { ...base, clientId: "delete-001", text: "", kind: "delete" as const };
    await store.append([{ ...remove, target: 2 }]);
    const [deleted] = await store.lastMessages(["r"]);
    assert.equal(deleted?.seq, 2);
    assert.equal(deleted?.deleted, true);
  });
});

Deno.test("ReadMarkers.advance() caps a marker at the room's head in either layout", async () => {
  await withMemoryKv(async (kv) => {
    await writeOldLayout(kv, ["first", "second"]);
    await kv.set(keys.user("u2"), { id: "u2", name: "u2" });
    const markers = new ReadMarkers(kv);
    assert.deepEqual(await markers.advance("u2", "r", 9), { from: 0, to: 2 });
    const store = new KvMessageStore(kv, systemClock);
    await store.append([{ ...base, clientId: "new-client-1", text: "third" }]);
    assert.deepEqual(await markers.advance("u2", "r", 9), { from: 2, to: 3 });
  });
});

Deno.test("readRoomHeads() gives a room without messages seq 0, no summary and no versionstamp", async () => {
  await withMemoryKv(async (kv) => {
    const summary: LastMessage = { seq: 1, at: 1, author: "ada", from: "u1", preview: "x" };
    await kv.set(keys.roomHead("other"), { seq: 1, last: summary } satisfies RoomHead);
    assert.deepEqual(await readRoomHeads(kv, ["none", "other"]), [
      { seq: 0, last: null, versionstamp: null, legacy: false },
      {
        seq: 1,
        last: summary,
        versionstamp: (await kv.get(keys.roomHead("other"))).versionstamp,
        legacy: false,
      },
    ]);
  });
});

Deno.test("readRoomHeads() of an old-layout room hands a commit the first read's versionstamp, so a room changed before the second read fails the commit's check", async () => {
  await withMemoryKv(async (kv) => {
    const old = await writeOldLayout(kv, ["first"]);
    // Another worker commits the new layout between the two reads of an old-layout head.
    let reads = 0;
    const racing = {
      getMany: async (readKeys: Deno.KvKey[]) => {
        if (++reads === 2) {
          await kv.set(keys.roomHead("r"), { seq: 2, last: lastMessageOf(old[0]!) });
        }
        return await kv.getMany(readKeys);
      },
    } as unknown as Deno.Kv;
    const [head] = await readRoomHeads(racing, ["r"]);
    assert.equal(reads, 2);
    const commit = await kv.atomic()
      .check({ key: keys.roomHead("r"), versionstamp: head!.versionstamp })
      .set(keys.roomHead("r"), { seq: head!.seq + 1 })
      .commit();
    assert.equal(commit.ok, false);
  });
});

Deno.test("ReadMarkers.advance() writes no marker for an account being deleted or gone", async () => {
  await withMemoryKv(async (kv) => {
    await writeOldLayout(kv, ["first", "second"]);
    await kv.set(keys.user("u2"), { id: "u2", name: "u2", disabled: true, deleting: true });
    const markers = new ReadMarkers(kv);
    assert.equal(await markers.advance("u2", "r", 9), undefined);
    assert.equal(await markers.advance("gone", "r", 9), undefined);
    for (const user of ["u2", "gone"]) {
      assert.deepEqual(await Array.fromAsync(kv.list({ prefix: keys.readMarkers(user) })), []);
    }
  });
});
