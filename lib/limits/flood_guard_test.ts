import assert from "node:assert/strict";
import { FakeClock } from "../common/testing/fake_clock.ts";
import { FloodGuard, SAME_TEXT_WINDOW_MS } from "./flood_guard.ts";

function sendAll(guard: FloodGuard, user: string, room: string, ids: string[], text: string) {
  return ids.map((id) => guard.allow(user, room, id, text));
}

Deno.test("FloodGuard.allow() lets a text through `max` times with new clientIds, then refuses it", () => {
  const guard = new FloodGuard(new FakeClock(), 3);
  assert.deepEqual(
    sendAll(guard, "alice", "r1", ["c1", "c2", "c3", "c4", "c5"], "spam"),
    [true, true, true, false, false],
  );
});

Deno.test("FloodGuard.allow() does not count a resend of a clientId it already allowed", () => {
  const guard = new FloodGuard(new FakeClock(), 2);
  assert.deepEqual(
    sendAll(guard, "alice", "r1", ["c1", "c1", "c2", "c1", "c2", "c2"], "spam"),
    [true, true, true, true, true, true],
  );
  assert.equal(guard.allow("alice", "r1", "c3", "spam"), false);
  assert.equal(guard.allow("alice", "r1", "c3", "spam"), false, "a refused clientId stays refused");
});

Deno.test("FloodGuard.allow() counts per user and per room", () => {
  const guard = new FloodGuard(new FakeClock(), 1);
  assert.equal(guard.allow("alice", "r1", "c1", "hi"), true);
  assert.equal(guard.allow("alice", "r1", "c2", "hi"), false);
  assert.equal(guard.allow("alice", "r2", "c3", "hi"), true);
  assert.equal(guard.allow("bob", "r1", "c4", "hi"), true);
});

Deno.test("FloodGuard.allow() compares texts exactly: another text is not a repeat", () => {
  const guard = new FloodGuard(new FakeClock(), 1);
  assert.equal(guard.allow("alice", "r1", "c1", "hi"), true);
  assert.equal(guard.allow("alice", "r1", "c2", "hi "), true);
  assert.equal(guard.allow("alice", "r1", "c3", "Hi "), true);
  assert.equal(guard.allow("alice", "r1", "c4", "Hi "), false);
});

Deno.test("FloodGuard.allow() allows the text again once the window since its first use has passed", () => {
  const clock = new FakeClock();
  const guard = new FloodGuard(clock, 2);
  assert.deepEqual(sendAll(guard, "alice", "r1", ["c1", "c2", "c3"], "spam"), [true, true, false]);
  clock.advance(SAME_TEXT_WINDOW_MS);
  assert.equal(guard.allow("alice", "r1", "c4", "spam"), false, "the window includes its end");
  clock.advance(1);
  assert.deepEqual(sendAll(guard, "alice", "r1", ["c5", "c6", "c7"], "spam"), [true, true, false]);
});

Deno.test("FloodGuard keeps refusing while many other users and rooms pass through it", () => {
  const clock = new FakeClock();
  const guard = new FloodGuard(clock, 1);
  assert.equal(guard.allow("alice", "r1", "c1", "spam"), true);
  for (let i = 0; i < 10_200; i++) guard.allow(`user${i}`, "r1", `id${i}`, "hello");
  assert.equal(guard.allow("alice", "r1", "c2", "spam"), false);
});

Deno.test("FloodGuard.allow() counts a text's repeats even when other texts alternate with it", () => {
  const clock = new FakeClock();
  const guard = new FloodGuard(clock, 3);
  const verdicts: boolean[] = [];
  for (let i = 0; i < 8; i++) {
    verdicts.push(guard.allow("u", "r", `c${i}`, i % 2 === 0 ? "spam" : "eggs"));
  }
  assert.deepEqual(verdicts, [true, true, true, true, true, true, false, false]);
});
