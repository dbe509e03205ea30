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

Deno.test("Outbox keeps another tab's unsent entries when this tab writes", () => {
  const storage = new MemoryStorage();
  const tabA = new Outbox(storage, "u1");
  const tabB = new Outbox(storage, "u1");
  tabA.load();
  tabB.load();
  tabA.add({ ...entry("aaaaaaaa"), createdAt: 1 });
  tabB.add({ ...entry("bbbbbbbb"), createdAt: 2 });
  tabB.update("bbbbbbbb", "failed", "offline");

  const reloaded = new Outbox(storage, "u1");
  reloaded.load();
  assert.deepEqual(reloaded.entries.value.map((item) => item.clientId), ["aaaaaaaa", "bbbbbbbb"]);
  assert.equal(reloaded.get("bbbbbbbb")?.status, "failed");
});

Deno.test("Outbox forgets an entry this tab sent even when another tab writes it back", () => {
  const storage = new MemoryStorage();
  const tabA = new Outbox(storage, "u1");
  tabA.add(entry("aaaaaaaa"));
  const tabB = new Outbox(storage, "u1");
  tabB.load();
  tabA.remove("aaaaaaaa");
  assert.equal(storage.items.size, 0, "the sent entry leaves storage");
  tabB.add(entry("bbbbbbbb"));
  tabA.load();
  assert.deepEqual(
    tabA.entries.value.map((item) => item.clientId),
    ["bbbbbbbb"],
    "tab A takes up tab B's unsent entry, not the one it sent itself",
  );
  tabB.remove("aaaaaaaa");
  tabB.remove("bbbbbbbb");
  tabA.remove("bbbbbbbb");
  assert.equal(storage.items.size, 0);
});

Deno.test("Outbox.load() keeps a text held for keys waiting, fails an upload its page lost, and skips an unknown hold", () => {
  const storage = new MemoryStorage();
  storage.setItem(
    "chat.outbox.v1.u1",
    JSON.stringify([
      { ...entry("aaaaaaaa"), held: "keys" },
      { ...entry("bbbbbbbb"), held: "upload" },
      { ...entry("cccccccc"), held: "later" },
    ]),
  );
  const outbox = new Outbox(storage, "u1");
  outbox.load();
  assert.deepEqual(
    outbox.entries.value.map(({ clientId, held, status }) => [clientId, held, status]),
    [["aaaaaaaa", "keys", "pending"], ["bbbbbbbb", undefined, "failed"]],
  );
  outbox.release("aaaaaaaa", { e2e: { kind: "message", data: "ciphertext" } });
  const released = outbox.get("aaaaaaaa");
  assert.deepEqual([released?.held, released?.e2e?.data], [undefined, "ciphertext"]);
});
