import assert from "node:assert/strict";
import type { NotifyLevelList } from "../../lib/common/api_types.ts";
import { NotifyLevels } from "./notify_levels.ts";
import { relistLevels } from "./relist_levels.ts";

// Versions as KV writes them: fixed-length hex, a later write greater.
const V1 = "00000000000000010000";
const V2 = "00000000000000020000";
const V3 = "00000000000000030000";

/**
 * Runs `fn` with `fetch` answering `GET /api/me/notifications` with each list in turn, when
 * the test resolves it (`answer(i, list)`), so a test orders the answers against the events.
 */
async function withLists(
  fn: (answer: (i: number, list: NotifyLevelList) => void, paths: string[]) => Promise<void>,
): Promise<void> {
  const pending: PromiseWithResolvers<Response>[] = [];
  const paths: string[] = [];
  const fetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    paths.push(`${init?.method} ${input}`);
    const answer = Promise.withResolvers<Response>();
    pending.push(answer);
    return answer.promise;
  };
  try {
    await fn((i, list) => pending[i]!.resolve(Response.json(list)), paths);
  } finally {
    globalThis.fetch = fetch;
  }
}

Deno.test("relistLevels() takes a level cleared on another device while offline back to the default", () =>
  withLists(async (answer, paths) => {
    // "Nothing" was told; then, with the socket down, cleared elsewhere (no entry is left).
    const levels = new NotifyLevels({ levels: { group: "all" }, version: "" });
    levels.changed({ roomId: "dm", level: "none", version: V1 });
    const read = relistLevels(levels);
    answer(0, { levels: { other: "none" }, version: V2 });
    await read;
    assert.deepEqual(paths, ["GET /api/me/notifications"]);
    assert.deepEqual(levels.chosen.value, { other: "none" });
    assert.equal(levels.levelOf("dm", true), "all");
    assert.equal(levels.levelOf("group", false), "mentions", "the page's choice, cleared too");
    levels.changed({ roomId: "dm", level: "none", version: V1 });
    assert.equal(levels.levelOf("dm", true), "all", "an event older than the list is dropped");
  }));

Deno.test("relistLevels() keeps a conversation whose event is newer than the list, and takes the rest", () =>
  withLists(async (answer) => {
    // The list was read before "Mentions" was chosen in `a`; its answer came in after the event.
    const levels = new NotifyLevels({ levels: { b: "all" }, version: "" });
    const read = relistLevels(levels);
    levels.changed({ roomId: "a", level: "mentions", version: V3 });
    answer(0, { levels: { a: "none", c: "none" }, version: V2 });
    await read;
    assert.deepEqual(levels.chosen.value, { a: "mentions", c: "none" });
  }));

Deno.test("relistLevels() changes nothing with an older list read after a newer one", () =>
  withLists(async (answer) => {
    const levels = new NotifyLevels({ levels: {}, version: "" });
    const first = relistLevels(levels);
    const second = relistLevels(levels);
    answer(1, { levels: { dm: "none" }, version: V2 });
    await second;
    answer(0, { levels: { group: "all" }, version: V1 });
    await first;
    assert.deepEqual(levels.chosen.value, { dm: "none" });
  }));

Deno.test("relistLevels() keeps the levels when the server does not answer", () =>
  withLists(async () => {
    const levels = new NotifyLevels({ levels: { dm: "none" }, version: "" });
    globalThis.fetch = () => Promise.reject(new TypeError("offline"));
    await relistLevels(levels);
    assert.deepEqual(levels.chosen.value, { dm: "none" });
  }));
