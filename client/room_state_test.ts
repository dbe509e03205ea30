import assert from "node:assert/strict";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { RoomState } from "./room_state.ts";

const message = (seq: number): ChatMessage => ({
  room: "r1",
  seq,
  id: `m${seq}`,
  from: "u1",
  author: "ada",
  text: "hi",
  at: seq,
});

Deno.test("RoomState.insert() keeps one message per seq, in seq order", () => {
  const room = new RoomState("r1");
  assert.equal(room.insert([message(5), message(6)]), 2);
  assert.equal(room.insert([message(2), message(6), message(3), message(3)]), 2);
  assert.deepEqual(room.list.value.map((item) => item.seq), [2, 3, 5, 6]);
  assert.equal(room.insert([message(6)]), 0);
});

Deno.test("RoomState.resumeAfter() stops at the first gap", () => {
  const room = new RoomState("r1");
  assert.equal(room.resumeAfter(), undefined, "never loaded");
  room.applyPage([], false, false);
  assert.equal(room.resumeAfter(), 0, "loaded and empty");
  room.insert([message(4), message(5), message(6), message(9)]);
  assert.equal(room.resumeAfter(), 6);
});

Deno.test("RoomState.applyPage() trusts the newest page's hasMore only below what is held", () => {
  const room = new RoomState("r1");
  room.insert([message(10)]);
  room.applyPage([message(8), message(9), message(10)], true, false);
  assert.equal(room.hasMore.value, true);
  assert.equal(room.loaded.value, true);
  room.applyPage([message(1), message(7)], false, true);
  assert.equal(room.hasMore.value, false);
});

Deno.test("RoomState.reset() forgets everything and bumps the epoch", () => {
  const room = new RoomState("r1");
  room.applyPage([message(1)], false, false);
  room.reset();
  assert.deepEqual(room.list.value, []);
  assert.equal(room.loaded.value, false);
  assert.equal(room.hasMore.value, true);
  assert.equal(room.epoch, 1);
});

Deno.test("RoomState.insert() applies an action entry's target state only when it is newer, and lists no action entry", () => {
  const room = new RoomState("r1");
  room.insert([message(1)]);
  const entry = (seq: number, text: string, revision: number): ChatMessage => ({
    ...message(seq),
    kind: "edit",
    target: 1,
    text: "",
    changed: { ...message(1), text, revision, editedAt: seq },
  });
  room.insert([entry(3, "final", 3)]);
  // A late, older entry (and a repeat) must not undo the newer state.
  room.insert([entry(2, "older", 2), entry(3, "final", 3)]);
  assert.deepEqual(room.list.value.map((item) => [item.seq, item.text]), [[1, "final"]]);
  assert.equal(room.resumeAfter(), 3, "action entries keep the seqs contiguous for resume");
  assert.equal(room.messages.value.get(3)?.changed, undefined);
});
