import assert from "node:assert/strict";
import { MAX_ROOM_TOPIC_CHARS } from "../common/api_types.ts";
import { roomFieldsProblem } from "./room_fields.ts";

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
