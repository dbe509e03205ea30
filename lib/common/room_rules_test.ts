import assert from "node:assert/strict";
import { MAX_ROOM_NAME_CHARS, MAX_ROOM_TOPIC_CHARS } from "./api_types.ts";
import { roomFieldsProblem, roomNameProblem, roomTopicFits } from "./room_rules.ts";

Deno.test("roomNameProblem() refuses an empty name and one past the limit in code points", () => {
  assert.equal(roomNameProblem(""), "empty");
  assert.equal(roomNameProblem("a".repeat(MAX_ROOM_NAME_CHARS)), undefined);
  assert.equal(roomNameProblem("a".repeat(MAX_ROOM_NAME_CHARS + 1)), "too_long");
  // An emoji is one character for the user, two UTF-16 units for JavaScript.
  assert.equal(roomNameProblem("😀".repeat(MAX_ROOM_NAME_CHARS)), undefined);
  assert.equal(roomNameProblem("😀".repeat(MAX_ROOM_NAME_CHARS + 1)), "too_long");
});

Deno.test("roomTopicFits() accepts an empty topic and refuses one past the limit", () => {
  assert.equal(roomTopicFits(""), true);
  assert.equal(roomTopicFits("😀".repeat(MAX_ROOM_TOPIC_CHARS)), true);
  assert.equal(roomTopicFits("a".repeat(MAX_ROOM_TOPIC_CHARS + 1)), false);
});

Deno.test("roomFieldsProblem() words the name's problem first, then the topic's", () => {
  const long = "a".repeat(MAX_ROOM_TOPIC_CHARS + 1);
  assert.equal(roomFieldsProblem("ok", "ok"), undefined);
  assert.equal(roomFieldsProblem("", long)?.error, "Room name must be 1–64 characters");
  assert.equal(roomFieldsProblem("ok", long)?.error, "Topic must be at most 200 characters");
});

Deno.test("roomFieldsProblem() checks only what is being set", () => {
  const long = "a".repeat(MAX_ROOM_TOPIC_CHARS + 1);
  assert.equal(roomFieldsProblem(undefined, undefined), undefined);
  assert.equal(roomFieldsProblem(undefined, long)?.error, "Topic must be at most 200 characters");
  assert.equal(roomFieldsProblem("", undefined)?.error, "Room name must be 1–64 characters");
  assert.equal(roomFieldsProblem(undefined, ""), undefined);
});
