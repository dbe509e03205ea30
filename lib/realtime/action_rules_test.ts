import assert from "node:assert/strict";
import {
  type ChatMessage,
  MAX_E2E_REACTION_ENTRIES,
  MAX_E2E_REACTION_PAYLOAD,
  MAX_EDITS,
} from "../common/protocol.ts";
import { checkAction } from "./action_rules.ts";

const alice = { id: "u1", name: "alice" };
const bob = { id: "u2", name: "bob" };
const sealed: ChatMessage = {
  room: "r",
  seq: 1,
  id: "m1",
  from: alice.id,
  author: alice.name,
  text: "",
  at: 1,
  e2e: { kind: "message", data: "AAAA" },
};
const payload = { kind: "message" as const, data: "A".repeat(440) };

function rules(target: ChatMessage) {
  return { get: () => Promise.resolve(target), readRole: () => Promise.resolve("member" as const) };
}

const frame = { ref: "1", room: "r", clientId: "c-000001", target: 1 };

Deno.test("checkAction() refuses an encrypted edit of someone else's message, and one past MAX_EDITS", async () => {
  const editFrame = { ...frame, type: "edit" as const, text: "", e2e: payload };
  assert.ok("room" in await checkAction(editFrame, alice, rules(sealed)));
  assert.deepEqual(await checkAction(editFrame, bob, rules(sealed)), {
    code: "not_allowed",
    message: "you can only edit your own messages",
  });
  const full = { ...sealed, versions: MAX_EDITS };
  const refused = await checkAction(editFrame, alice, rules(full));
  assert.equal("code" in refused && refused.code, "too_many_edits");
});

Deno.test("checkAction() refuses an encrypted reaction past the entries cap, and one too large to be a reaction", async () => {
  const reactFrame = { ...frame, type: "react" as const, e2e: payload };
  assert.ok("room" in await checkAction(reactFrame, bob, rules(sealed)));
  const full = { ...sealed, reactionEntries: MAX_E2E_REACTION_ENTRIES };
  const tooMany = await checkAction(reactFrame, bob, rules(full));
  assert.equal("code" in tooMany && tooMany.code, "too_many_reactions");
  const large = {
    ...reactFrame,
    e2e: { ...payload, data: "A".repeat(MAX_E2E_REACTION_PAYLOAD + 4) },
  };
  const tooLarge = await checkAction(large, bob, rules(sealed));
  assert.equal("code" in tooLarge && tooLarge.code, "bad_frame");
});
