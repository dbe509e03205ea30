import assert from "node:assert/strict";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { systemClock } from "../lib/common/clock.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { messageStoreConformance } from "./message_store_conformance.ts";
import { messageActionsConformance } from "./message_actions_conformance.ts";

messageStoreConformance("KvMessageStore on :memory: KV", async () => {
  const kv = await Deno.openKv(":memory:");
  return {
    store: new KvMessageStore(kv, systemClock),
    close: () => Promise.resolve(kv.close()),
  };
});

messageStoreConformance(
  "KvMessageStore on a KV file",
  async () => {
    const { path, remove } = await tempKvPath();
    const kv = await Deno.openKv(path);
    return {
      store: new KvMessageStore(kv, systemClock),
      close: async () => {
        kv.close();
        await remove();
      },
    };
  },
  {
    makeTwins: async () => {
      const { path, remove } = await tempKvPath();
      const first = await Deno.openKv(path);
      const second = await Deno.openKv(path);
      return {
        stores: [new KvMessageStore(first, systemClock), new KvMessageStore(second, systemClock)],
        close: async () => {
          first.close();
          second.close();
          await remove();
        },
      };
    },
  },
);

async function tempKvPath(): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "message_store_test_" });
  return {
    path: `${dir}/chat.kv`,
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

messageActionsConformance("KvMessageStore on :memory: KV", async () => {
  const kv = await Deno.openKv(":memory:");
  return {
    store: new KvMessageStore(kv, systemClock),
    close: () => Promise.resolve(kv.close()),
  };
});

Deno.test("KvMessageStore hands each deleted message, as it was, to its releaseDeleted hook once", async () => {
  const kv = await Deno.openKv(":memory:");
  const released: ChatMessage[] = [];
  const store = new KvMessageStore(kv, systemClock, {
    releaseDeleted: (messages) => released.push(...messages),
  });
  try {
    const base = { room: "r", from: "u1", author: "ada" };
    await store.append([{ ...base, clientId: "send-001", text: "with a file" }]);
    const remove = { ...base, clientId: "del-0001", text: "", kind: "delete" as const, target: 1 };
    await store.append([remove]);
    await store.append([remove]);
    assert.deepEqual(released.map((message) => [message.seq, message.text]), [[1, "with a file"]]);
  } finally {
    kv.close();
  }
});

Deno.test("KvMessageStore.append() of 300 messages with files by 300 live accounts stores them all, within KV's checks per commit", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const authors = Array.from({ length: 300 }, (_, i) => `author-${i}`);
    for (const id of authors) await kv.set(keys.user(id), { id, name: id });
    const store = new KvMessageStore(kv, systemClock);
    const results = await store.append(authors.map((from, i) => ({
      room: `room-${i % 3}`,
      from,
      author: from,
      clientId: `file-${i}`,
      text: "",
      attachments: [{ id: i.toString(16).padStart(64, "0"), name: "a.png", size: 1, type: "x" }],
    })));
    assert.equal(results.length, 300);
    assert.deepEqual(await store.heads(["room-0", "room-1", "room-2"]), [100, 100, 100]);
  } finally {
    kv.close();
  }
});
