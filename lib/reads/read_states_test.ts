import assert from "node:assert/strict";
import type { ChatMessage } from "../common/protocol.ts";
import type { MessageStore } from "../messages/message_store.ts";
import { readStates } from "./read_states.ts";

/** A room log of `count` messages from `from`, the ones in `mentioning` naming `me`. */
function log(count: number, mentioning: number[] = []): ChatMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    room: "r1",
    seq: i + 1,
    id: `m${i + 1}`,
    from: "other",
    author: "bob",
    text: `message ${i + 1}`,
    at: 1000 + i,
    ...(mentioning.includes(i + 1) ? { mentions: ["me", "someone"] } : {}),
  }));
}

/** A store holding one room's `messages`; only what readStates reads. */
function storeOf(messages: ChatMessage[]): MessageStore {
  return {
    before: (_room, _before, limit) => Promise.resolve(messages.slice(-limit)),
  } as Partial<MessageStore> as MessageStore;
}

function lastOf(messages: ChatMessage[]) {
  const last = messages[messages.length - 1]!;
  return { seq: last.seq, at: last.at, author: last.author, from: last.from, preview: "" };
}

Deno.test("readStates() counts mentions of the reader apart from plain unread messages", async () => {
  const messages = log(10, [4, 8, 9]);
  const [state] = await readStates(storeOf(messages), new Map([["r1", 5]]), "me", [
    { room: "r1", last: lastOf(messages), joinedAt: 0 },
  ]);
  assert.deepEqual(state, { seq: 5, unread: 5, mentions: 2, more: false });
});

Deno.test("readStates() says '99+' is a lower bound when the marker is older than the window", async () => {
  const messages = log(250);
  const [state] = await readStates(storeOf(messages), new Map([["r1", 3]]), "me", [
    { room: "r1", last: lastOf(messages), joinedAt: 0 },
  ]);
  assert.deepEqual(state, { seq: 3, unread: 100, mentions: 0, more: true });
});

Deno.test("readStates() without a marker counts only what came after the user joined", async () => {
  const messages = log(10);
  const [state] = await readStates(storeOf(messages), new Map(), "me", [
    { room: "r1", last: lastOf(messages), joinedAt: 1006 },
  ]);
  assert.deepEqual(state, { seq: 7, unread: 3, mentions: 0, more: false });
});

Deno.test("readStates() reads nothing for a conversation read to its end", async () => {
  const messages = log(10);
  const store = { before: () => Promise.reject(new Error("no read expected")) };
  const [state] = await readStates(store as never, new Map([["r1", 10]]), "me", [
    { room: "r1", last: lastOf(messages), joinedAt: 0 },
  ]);
  assert.deepEqual(state, { seq: 10, unread: 0, mentions: 0, more: false });
});
