import assert from "node:assert/strict";
import { systemClock } from "../common/clock.ts";
import { EVERY_ROOM_EVENT } from "../common/testing/every_room_event.ts";
import { isTimedClientId } from "../common/client_id.ts";
import { KvMessageStore } from "./message_store_kv.ts";
import { MessageWriter } from "./message_writer.ts";
import { englishEventText, systemMessages } from "./room_events.ts";

Deno.test("englishEventText() spells each event as the sentence system messages always had", () => {
  assert.deepEqual(EVERY_ROOM_EVENT.map(englishEventText), [
    "bob joined",
    "bob joined with an invite link",
    "bob left",
    "mia was kicked by adam",
    "mia was banned by adam",
    "fred was added by adam",
    "olga made mia the owner",
    "adam renamed the room to “lounge”",
    "adam set the topic: tea, and 🍰",
    "olga cleared the topic",
    "adam changed the room picture",
    "olga removed the room picture",
  ]);
});

Deno.test("englishEventText() fills a value that looks like a placeholder as it is", () => {
  assert.equal(
    englishEventText({ type: "renamed", by: "adam", name: "{by} {name}" }),
    "adam renamed the room to “{by} {name}”",
  );
});

Deno.test("systemMessages() stores a system message with the event and its English text", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new KvMessageStore(kv, systemClock);
    const writer = new MessageWriter(store, () => {});
    const post = systemMessages(writer);
    await post("lobby", { type: "kicked", user: "mia", by: "adam" });
    const [message] = await store.after("lobby", 0, 10);
    assert.deepEqual(message && { ...message, id: "", at: 0 }, {
      room: "lobby",
      seq: 1,
      id: "",
      at: 0,
      from: "system",
      author: "system",
      text: "mia was kicked by adam",
      kind: "system",
      event: { type: "kicked", user: "mia", by: "adam" },
    });
  } finally {
    kv.close();
  }
});

Deno.test("systemMessages() files a system message's idempotency record by time (msg_sent), not on its room's page (msg_client)", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const store = new KvMessageStore(kv, systemClock);
    const post = systemMessages(new MessageWriter(store, () => {}));
    await post("lobby", { type: "joined", user: "bob" });
    await post("lobby", { type: "left", user: "bob" });
    assert.deepEqual(await Array.fromAsync(kv.list({ prefix: ["msg_client"] })), []);
    const filed = await Array.fromAsync(kv.list<{ seq: number }>({ prefix: ["msg_sent"] }));
    assert.deepEqual(filed.map((entry) => [entry.key.slice(2), entry.value.seq]), [
      [["lobby", "system"], 1],
      [["lobby", "system"], 2],
    ]);
    for (const { key } of filed) assert.ok(isTimedClientId(String(key[1])), String(key[1]));
  } finally {
    kv.close();
  }
});
