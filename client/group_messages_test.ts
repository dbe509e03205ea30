import assert from "node:assert/strict";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { groupMessages } from "./group_messages.ts";

const ME = { id: "u1", name: "ada" };
const message = (seq: number, from: string, at: number): ChatMessage => ({
  room: "r1",
  seq,
  id: `m${seq}`,
  from,
  author: from === ME.id ? ME.name : "bob",
  text: `t${seq}`,
  at,
});

Deno.test("groupMessages() groups consecutive messages by author and marks own ones", () => {
  const groups = groupMessages(
    [message(1, "u2", 0), message(2, "u2", 1000), message(3, "u1", 2000)],
    [{ clientId: "cccccccc", room: "r1", text: "later", createdAt: 3000, status: "pending" }],
    ME,
  );
  assert.deepEqual(groups.map((group) => [group.author, group.own, group.messages.length]), [
    ["bob", false, 2],
    ["ada", true, 2],
  ]);
  assert.deepEqual(groups[1]?.messages.map((item) => item.status), ["sent", "pending"]);
  assert.equal(groups[0]?.messages[0]?.status, undefined);
});

Deno.test("groupMessages() starts a new group after five quiet minutes", () => {
  const groups = groupMessages([message(1, "u2", 0), message(2, "u2", 5 * 60_000 + 1)], [], ME);
  assert.equal(groups.length, 2);
});

Deno.test("groupMessages() shows a text held for keys as waiting until it can go, and as failed when it failed", () => {
  const held = { room: "r1", text: "soon", createdAt: 1000, held: "keys" as const };
  const groups = groupMessages([], [
    { ...held, clientId: "aaaaaaaa", status: "pending" },
    { ...held, clientId: "bbbbbbbb", status: "failed", error: "e2e.keysNeverCame" },
    { clientId: "cccccccc", room: "r1", text: "plain", createdAt: 1000, status: "pending" },
  ], ME);
  assert.deepEqual(groups[0]?.messages.map((item) => item.status), [
    "waiting",
    "failed",
    "pending",
  ]);
});
