import assert from "node:assert/strict";
import { NotifyLevels } from "./notify_levels.ts";

// Versions as KV writes them: fixed-length hex, a later write greater.
const V1 = "00000000000000010000";
const V2 = "00000000000000020000";
const V3 = "00000000000000030000";

Deno.test("NotifyLevels.levelOf() is the page's choice, else every message in a DM and mentions in a group", () => {
  const levels = new NotifyLevels({ levels: { quiet: "none" }, version: "" });
  assert.equal(levels.levelOf("quiet", false), "none");
  assert.equal(levels.levelOf("dm", true), "all");
  assert.equal(levels.levelOf("group", false), "mentions");
});

Deno.test("NotifyLevels.changed() keeps a later choice when the answer of an earlier one is read after it", () => {
  // "Nothing", then "All": the first PUT's answer comes in after the second choice's event.
  const levels = new NotifyLevels({ levels: {}, version: "" });
  levels.changed({ roomId: "dm", level: "none", version: V1 });
  assert.equal(levels.levelOf("dm", true), "none");
  levels.changed({ roomId: "dm", level: null, version: V2 });
  levels.changed({ roomId: "dm", level: "none", version: V1 });
  assert.equal(levels.levelOf("dm", true), "all");
  assert.deepEqual(levels.chosen.value, {});
});

Deno.test("NotifyLevels.changed() orders each conversation on its own, over the levels the page came with", () => {
  const levels = new NotifyLevels({ levels: { a: "none", b: "all" }, version: "" });
  levels.changed({ roomId: "a", level: "mentions", version: V2 });
  levels.changed({ roomId: "b", level: null, version: V1 });
  assert.deepEqual(levels.chosen.value, { a: "mentions" });
});

Deno.test("NotifyLevels.listed() takes a level cleared while offline back to the default", () => {
  // "Nothing" was told; then, with the socket down, cleared on another device (no entry left).
  const levels = new NotifyLevels({ levels: {}, version: "" });
  levels.changed({ roomId: "dm", level: "none", version: V1 });
  levels.listed({ levels: {}, version: V2 });
  assert.equal(levels.levelOf("dm", true), "all");
  levels.changed({ roomId: "dm", level: "none", version: V1 });
  assert.equal(levels.levelOf("dm", true), "all", "an event older than the list is dropped");
});

Deno.test("NotifyLevels.listed() keeps a conversation whose event is newer than the list, and takes the rest", () => {
  // The list was read before "Mentions" was chosen in `a`, and its answer came in after the event.
  const levels = new NotifyLevels({ levels: { b: "all" }, version: V1 });
  levels.changed({ roomId: "a", level: "mentions", version: V3 });
  levels.listed({ levels: { a: "none", c: "none" }, version: V2 });
  assert.deepEqual(levels.chosen.value, { a: "mentions", c: "none" });
  levels.listed({ levels: { b: "mentions" }, version: V1 });
  assert.deepEqual(levels.chosen.value, { a: "mentions", c: "none" }, "an older list is dropped");
});

Deno.test("NotifyLevels.refresh() reads the list again and drops an answer overtaken by a later refresh", async () => {
  const answers = [Promise.withResolvers<Response>(), Promise.withResolvers<Response>()];
  const paths: string[] = [];
  const fetch = globalThis.fetch;
  globalThis.fetch = (input) => {
    paths.push(String(input));
    return answers[paths.length - 1]!.promise;
  };
  try {
    const levels = new NotifyLevels({ levels: {}, version: "" });
    const first = levels.refresh();
    const second = levels.refresh();
    answers[1]!.resolve(Response.json({ levels: { dm: "none" }, version: V2 }));
    await second;
    answers[0]!.resolve(Response.json({ levels: {}, version: V1 }));
    await first;
    assert.deepEqual(paths, ["/api/me/notifications", "/api/me/notifications"]);
    assert.equal(levels.levelOf("dm", true), "none");
  } finally {
    globalThis.fetch = fetch;
  }
});
