import assert from "node:assert/strict";
import { MAX_ROOM_NAME_CHARS, MAX_ROOM_TOPIC_CHARS } from "./api_types.ts";
import { roomNameProblem, roomTopicFits } from "./room_rules.ts";

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
