import assert from "node:assert/strict";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { arrivalsAfter } from "./arrivals.ts";

const message = (seq: number, from: string): ChatMessage => ({
  room: "r1",
  seq,
  id: `m${seq}`,
  from,
  author: from,
  text: `text ${seq}`,
  at: seq * 1000,
});

Deno.test("arrivalsAfter() returns only the others' messages newer than the seen seq", () => {
  const list = [message(1, "bob"), message(2, "me"), message(3, "bob"), message(4, "me")];
  assert.deepEqual(arrivalsAfter(list, 1, "me").map((m) => m.seq), [3]);
});

Deno.test("arrivalsAfter() returns nothing when no message is newer than the seen seq", () => {
  assert.deepEqual(arrivalsAfter([message(1, "bob"), message(2, "bob")], 2, "me"), []);
});

Deno.test("arrivalsAfter() keeps several arrivals in order", () => {
  const list = [message(5, "bob"), message(6, "carol"), message(7, "bob")];
  assert.deepEqual(arrivalsAfter(list, 5, "me").map((m) => m.seq), [6, 7]);
});
