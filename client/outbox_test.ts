import assert from "node:assert/strict";
import { Outbox, type OutboxEntry } from "./outbox.ts";
import { MemoryStorage } from "./testing/memory_storage.ts";

const entry = (clientId: string, status: OutboxEntry["status"] = "pending"): OutboxEntry => ({
  clientId,
  room: "r1",
  text: `text of ${clientId}`,
  createdAt: 1,
  status,
});

Deno.test("Outbox keeps entries across pages under a key per user", () => {
  const storage = new MemoryStorage();
  const first = new Outbox(storage, "u1");
  first.add(entry("aaaaaaaa"));
  first.add(entry("bbbbbbbb"));
  first.update("bbbbbbbb", "failed", "not a member");

  const reloaded = new Outbox(storage, "u1");
  reloaded.load();
  assert.deepEqual(reloaded.entries.value, first.entries.value);
  const other = new Outbox(storage, "u2");
  other.load();
  assert.deepEqual(other.entries.value, []);
});

Deno.test("Outbox.load() skips malformed data and malformed entries", () => {
  const storage = new MemoryStorage();
  storage.setItem("chat.outbox.v1.u1", "{not json");
  const broken = new Outbox(storage, "u1");
  broken.load();
  assert.deepEqual(broken.entries.value, []);

  storage.setItem(
    "chat.outbox.v1.u1",
    JSON.stringify([entry("bad id!"), { ...entry("cccccccc"), status: "sent" }, entry("dddddddd")]),
  );
  const outbox = new Outbox(storage, "u1");
  outbox.load();
  assert.deepEqual(outbox.entries.value.map((item) => item.clientId), ["dddddddd"]);
});

Deno.test("Outbox.remove() deletes the storage key with the last entry", () => {
  const storage = new MemoryStorage();
  const outbox = new Outbox(storage, "u1");
  outbox.add(entry("aaaaaaaa"));
  assert.equal(outbox.remove("aaaaaaaa")?.clientId, "aaaaaaaa");
  assert.equal(outbox.remove("aaaaaaaa"), undefined);
  assert.equal(storage.items.size, 0);
});

Deno.test("Outbox keeps working in memory when storage throws", () => {
  const outbox = new Outbox({
    getItem: () => {
      throw new Error("blocked");
    },
    setItem: () => {
      throw new Error("quota");
    },
    removeItem: () => {},
  }, "u1");
  outbox.load();
  outbox.add(entry("aaaaaaaa"));
  assert.equal(outbox.entries.value.length, 1);
});
