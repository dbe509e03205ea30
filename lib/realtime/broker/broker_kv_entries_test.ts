import assert from "node:assert/strict";
import type { ChatMessage } from "../../common/protocol.ts";
import type { BrokerEvent } from "./broker.ts";
import { eventTexts } from "./broker_kv_entries.ts";

const message = (seq: number): ChatMessage => ({
  room: "r",
  seq,
  id: `m${seq}`,
  from: "ann",
  author: "ann",
  text: "x".repeat(100),
  at: 1_000 + seq,
});

Deno.test("eventTexts() splits a messages event too big for one entry in seq order, and names the members to tell in its first part only", () => {
  const event: BrokerEvent = {
    kind: "messages",
    room: "r",
    messages: [1, 2, 3, 4].map(message),
    activityFor: ["ann", "bob"],
  };
  const whole = eventTexts(event);
  assert.equal(whole.length, 1);
  assert.deepEqual(JSON.parse(whole[0]!.text), event);

  // Room for about two messages an entry.
  const parts = eventTexts(event, 2 * JSON.stringify(message(1)).length + 150)
    .map((part) => JSON.parse(part.text) as Extract<BrokerEvent, { kind: "messages" }>);
  assert.deepEqual(parts.map((part) => part.messages.map((m) => m.seq)), [[1, 2], [3, 4]]);
  assert.deepEqual(parts.map((part) => part.activityFor), [["ann", "bob"], undefined]);
});
