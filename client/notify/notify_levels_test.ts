import assert from "node:assert/strict";
import { NotifyLevels } from "./notify_levels.ts";

// Versions as KV writes them: fixed-length hex, a later write greater.
const V1 = "00000000000000010000";
const V2 = "00000000000000020000";

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
