import assert from "node:assert/strict";
import { FakeClock } from "../common/testing/fake_clock.ts";
import { POSTING_RIGHTS_TTL_MS, PostingRights, type ReadPostingRefusal } from "./posting_rights.ts";

/** A store read backed by mutable sets, counting the reads. */
function checksOf() {
  const state = { members: new Set(["room"]), muted: new Set<string>(), reads: 0 };
  const checks: ReadPostingRefusal = (room) => {
    state.reads++;
    if (!state.members.has(room)) return Promise.resolve("not_member");
    return Promise.resolve(state.muted.has(room) ? "muted" : undefined);
  };
  return { state, checks };
}

Deno.test("PostingRights.refusal() reads the store once, then trusts the answer until it expires", async () => {
  const clock = new FakeClock();
  const { state, checks } = checksOf();
  const rights = new PostingRights(checks, clock);
  assert.equal(await rights.refusal("room"), undefined);
  for (let i = 0; i < 100; i++) assert.equal(await rights.refusal("room"), undefined);
  assert.equal(state.reads, 1);
  state.members.delete("room");
  clock.advance(POSTING_RIGHTS_TTL_MS);
  assert.equal(await rights.refusal("room"), "not_member", "read again once expired");
});

Deno.test("PostingRights.changed() makes the next refusal() read the store: a mute applies at once", async () => {
  const clock = new FakeClock();
  const { state, checks } = checksOf();
  const rights = new PostingRights(checks, clock);
  assert.equal(await rights.refusal("room"), undefined);
  state.muted.add("room");
  rights.changed("room");
  assert.equal(await rights.refusal("room"), "muted");
  state.muted.delete("room");
  state.members.delete("room");
  rights.changed();
  assert.equal(await rights.refusal("room"), "not_member");
});

Deno.test("PostingRights does not remember an answer read while a change notice arrived", async () => {
  const clock = new FakeClock();
  const { state, checks } = checksOf();
  const gate = Promise.withResolvers<void>();
  const asked = Promise.withResolvers<void>();
  const rights = new PostingRights(async (room) => {
    const answer = await checks(room); // read now, answered later
    asked.resolve();
    await gate.promise;
    return answer;
  }, clock);
  const pending = rights.refusal("room");
  await asked.promise;
  rights.changed("room");
  state.muted.add("room");
  gate.resolve();
  assert.equal(await pending, undefined, "read before the mute landed");
  assert.equal(await rights.refusal("room"), "muted", "not remembered: read again");
});

Deno.test("PostingRights.refusal() with fresh reads the store even while an answer is remembered", async () => {
  const clock = new FakeClock();
  const { state, checks } = checksOf();
  const rights = new PostingRights(checks, clock);
  assert.equal(await rights.refusal("room"), undefined);
  state.muted.add("room");
  assert.equal(await rights.refusal("room"), undefined, "remembered");
  assert.equal(await rights.refusal("room", true), "muted");
  assert.equal(state.reads, 2);
});

Deno.test("PostingRights never remembers a refusal: a member added later may post at once", async () => {
  const clock = new FakeClock();
  const { state, checks } = checksOf();
  const rights = new PostingRights(checks, clock);
  assert.equal(await rights.refusal("other"), "not_member");
  state.members.add("other");
  assert.equal(await rights.refusal("other"), undefined);
});
