import assert from "node:assert/strict";
import type { Conversation } from "../lib/common/api_types.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { byActivity, withNewest } from "./conversations_api.ts";

const group = (id: string, activity: number, seq?: number): Conversation => ({
  room: { id, name: id, topic: "", createdAt: 0, kind: "group" },
  activity,
  ...(seq ? { last: { seq, at: activity, author: "ann", from: "u1", preview: "old" } } : {}),
});

const message = (seq: number, at: number, text = "new text"): ChatMessage => ({
  room: "r",
  seq,
  id: `m${seq}`,
  from: "u2",
  author: "bob",
  text,
  at,
});

Deno.test("withNewest() takes a newer live message as the preview and the activity", () => {
  const updated = withNewest(group("r", 100, 3), message(4, 500, "🦕".repeat(90)));
  assert.equal(updated.activity, 500);
  assert.deepEqual(updated.last, {
    seq: 4,
    at: 500,
    author: "bob",
    from: "u2",
    preview: "🦕".repeat(80),
  });
});

Deno.test("withNewest() previews a live system message with its event", () => {
  const event = { type: "left", user: "bob" } as const;
  const system: ChatMessage = {
    ...message(4, 500, "bob left"),
    from: "system",
    author: "system",
    kind: "system",
    event,
  };
  assert.deepEqual(withNewest(group("r", 100, 3), system).last, {
    seq: 4,
    at: 500,
    author: "system",
    from: "system",
    preview: "bob left",
    event,
  });
});

Deno.test("withNewest() keeps the listed summary when the live message is not newer", () => {
  const listed = group("r", 100, 3);
  assert.equal(withNewest(listed, message(3, 900)), listed);
  assert.equal(withNewest(listed, undefined), listed);
  assert.equal(withNewest(group("e", 50), message(1, 70)).activity, 70);
});

Deno.test("byActivity() sorts most recent first, ties by room id", () => {
  const sorted = [group("b", 1), group("c", 5), group("a", 1)].sort(byActivity);
  assert.deepEqual(sorted.map((c) => c.room.id), ["c", "a", "b"]);
});

Deno.test("withNewest() shows an edit or delete of the listed newest message", () => {
  const conversation = {
    room: { kind: "group", id: "r1", name: "r", createdAt: 0 },
    activity: 5,
    last: { seq: 3, at: 5, author: "ada", from: "u1", preview: "typo" },
  } as unknown as Parameters<typeof withNewest>[0];
  const held = { room: "r1", seq: 3, id: "m3", from: "u1", author: "ada", text: "typo", at: 5 };
  assert.equal(withNewest(conversation, held), conversation);
  const deleted = withNewest(conversation, { ...held, text: "", deleted: true, revision: 4 });
  assert.equal(deleted.last?.deleted, true);
  assert.equal(deleted.last?.preview, "");
});
