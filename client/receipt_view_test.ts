import assert from "node:assert/strict";
import type { ChatMessage, Reader } from "../lib/common/protocol.ts";
import { receiptView } from "./receipt_view.ts";

const message = (seq: number, from: string): ChatMessage => ({
  room: "r1",
  seq,
  id: `m${seq}`,
  from,
  author: from,
  text: "t",
  at: seq,
});
const readers = (...list: Reader[]) => new Map(list.map((r) => [r.id, r]));

Deno.test("receiptView() sits under the newest own message read, counting who read that far", () => {
  const messages = [message(1, "me"), message(2, "bob"), message(3, "me"), message(4, "me")];
  const view = receiptView(
    messages,
    readers({ id: "bob", name: "bob", seq: 3 }, { id: "cy", name: "cy", seq: 1 }),
    "me",
  );
  assert.deepEqual(view, { seq: 3, readers: [{ id: "bob", name: "bob", seq: 3 }] });
});

Deno.test("receiptView() is undefined while nobody read an own message", () => {
  const messages = [message(1, "bob"), message(2, "me")];
  assert.equal(receiptView(messages, readers({ id: "bob", name: "bob", seq: 1 }), "me"), undefined);
  assert.equal(receiptView(messages, readers(), "me"), undefined);
});
