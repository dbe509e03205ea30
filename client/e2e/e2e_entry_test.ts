import assert from "node:assert/strict";
import type { ChatMessage } from "../../lib/common/protocol.ts";
import type { E2eShown } from "../e2e_view.ts";
import { applyAction, shownOfMessage } from "./e2e_entry.ts";

function entry(seq: number, fields: Partial<ChatMessage> = {}): ChatMessage {
  return {
    room: "r",
    seq,
    id: `m${seq}`,
    at: seq * 10,
    from: "alice-id",
    author: "alice",
    text: "",
    e2e: { kind: "message", data: `d${seq}` },
    ...fields,
  };
}

function readOriginal(): Map<number, E2eShown> {
  const shown = new Map<number, E2eShown>();
  shown.set(1, shownOfMessage(entry(1), { v: 1, text: "lunch at noon?" }));
  return shown;
}

Deno.test("applyAction() applies the original sender's encrypted edit, and no one else's", () => {
  const shown = readOriginal();
  const byBob = entry(2, { kind: "edit", target: 1, from: "bob-id", author: "bob" });
  assert.equal(applyAction(shown, byBob, { v: 1, text: "bob's words", edit: 1 }), false);
  const mismatched = entry(3, { kind: "edit", target: 1 });
  assert.equal(applyAction(shown, mismatched, { v: 1, text: "elsewhere", edit: 5 }), false);
  assert.deepEqual(shown.get(1), { kind: "text", text: "lunch at noon?", from: "alice-id" });
  const own = entry(4, { kind: "edit", target: 1 });
  assert.equal(applyAction(shown, own, { v: 1, text: "lunch at one", edit: 1 }), true);
  assert.deepEqual(shown.get(1), {
    kind: "text",
    text: "lunch at one",
    from: "alice-id",
    editedAt: 40,
  });
});

Deno.test("applyAction() toggles encrypted reactions like plain ones", () => {
  const shown = readOriginal();
  const react = (seq: number, from: string, on: boolean) =>
    applyAction(
      shown,
      entry(seq, { kind: "reaction", target: 1, from, author: from }),
      { v: 1, reaction: { seq: 1, emoji: "🍜", on } },
    );
  react(2, "bob", true);
  react(3, "carol", true);
  react(4, "bob", true);
  react(5, "carol", false);
  const read = shown.get(1);
  assert.deepEqual(read?.kind === "text" && read.reactions, [
    { emoji: "🍜", users: [{ id: "bob", name: "bob" }] },
  ]);
});

Deno.test("shownOfMessage() refuses an edit or a reaction sent as a message", () => {
  assert.deepEqual(shownOfMessage(entry(2), { v: 1, text: "x", edit: 1 }), {
    kind: "undecryptable",
  });
  assert.deepEqual(
    shownOfMessage(entry(2), { v: 1, reaction: { seq: 1, emoji: "👍", on: true } }),
    { kind: "undecryptable" },
  );
});
