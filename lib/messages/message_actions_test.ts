import assert from "node:assert/strict";
import { type ChatMessage, MAX_E2E_REACTION_ENTRIES, MAX_EDITS } from "../common/protocol.ts";
import { applyAction } from "./message_actions.ts";

const sealed: ChatMessage = {
  room: "r",
  seq: 1,
  id: "m1",
  from: "u1",
  author: "alice",
  text: "",
  at: 1,
  e2e: { kind: "message", data: "AAAA" },
};
const edit = {
  kind: "edit" as const,
  from: "u1",
  author: "alice",
  text: "",
  encrypted: true as const,
};
const react = { ...edit, kind: "reaction" as const, from: "u2", author: "bob" };

Deno.test("applyAction() counts an encrypted edit on its target and leaves its content, keeping no version", () => {
  const outcome = applyAction(sealed, edit, 2, 100);
  assert.deepEqual(outcome.target, { ...sealed, versions: 1, revision: 2 });
  assert.equal(outcome.version, undefined, "the server has no earlier text to keep");
  const full = { ...sealed, versions: MAX_EDITS };
  assert.equal(applyAction(full, edit, 3, 100).target, full, "past the cap nothing changes");
});

Deno.test("applyAction() counts an encrypted reaction's entries on its target, up to the cap", () => {
  const outcome = applyAction(sealed, react, 2, 100);
  assert.deepEqual(outcome.target, { ...sealed, reactionEntries: 1, revision: 2 });
  const full = { ...sealed, reactionEntries: MAX_E2E_REACTION_ENTRIES };
  assert.equal(applyAction(full, react, 3, 100).target, full);
});
