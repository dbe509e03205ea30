import assert from "node:assert/strict";
import { systemClock } from "../common/clock.ts";
import type { ChatMessage } from "../common/protocol.ts";
import { releaseAttachments } from "../files/file_sweeper.ts";
import { keys } from "../kv/kv_keys.ts";
import { withMemoryKv } from "../../tests/helpers/memory_kv.ts";
import { withHeldCommits } from "../../tests/helpers/commit_scheduler.ts";
import {
  backfillAuthorFiles,
  messagesWithFilesBy,
  startAuthorFilesBackfill,
} from "./author_files.ts";
import type { MessageDraft } from "./message_store.ts";
import { KvMessageStore } from "./message_store_kv.ts";

const file = { id: "f".repeat(64), name: "a.png", size: 3, type: "image/png" };

function draft(room: string, clientId: string, from: string, withFile: boolean): MessageDraft {
  return {
    room,
    from,
    author: from,
    clientId,
    text: withFile ? "" : "words",
    ...(withFile ? { attachments: [file] } : {}),
  };
}

/** Stores the drafts as a live account `u1` and `u2` would send them; the messages stored. */
async function stored(kv: Deno.Kv, drafts: MessageDraft[]): Promise<ChatMessage[]> {
  for (const id of ["u1", "u2"]) await kv.set(keys.user(id), { id, name: id });
  const results = await new KvMessageStore(kv, systemClock).append(drafts);
  return results.map((result) => result.message);
}

const places = (messages: readonly ChatMessage[]) => messages.map((m) => `${m.room}/${m.seq}`);

Deno.test("messagesWithFilesBy() finds a user's messages with files in every room, not their words, not others', not deleted ones", async () => {
  await withMemoryKv(async (kv) => {
    const messages = await stored(kv, [
      draft("r1", "a", "u1", true),
      draft("r1", "b", "u1", false),
      draft("r2", "c", "u2", true),
      draft("r3", "d", "u1", true),
      draft("r3", "e", "u1", true),
    ]);
    // The last is deleted, and its files released.
    const deleted = messages[4]!;
    await kv.set(keys.message(deleted.room, deleted.seq), { ...deleted, deleted: true });
    await releaseAttachments(kv, deleted);
    const found = await messagesWithFilesBy(kv, "u1");
    assert.deepEqual(places(found.messages), ["r1/1", "r3/1"]);
    assert.deepEqual(found.entries, [
      keys.authorFile("u1", "r1", 1),
      keys.authorFile("u1", "r3", 1),
    ]);
  });
});

Deno.test("backfillAuthorFiles() lists the messages with files stored before the list, once per KV", async () => {
  await withMemoryKv(async (kv) => {
    await stored(kv, [
      draft("r1", "a", "u1", true),
      draft("r1", "b", "u2", true),
      draft("r2", "c", "u1", false),
    ]);
    // As stored before 2026-12-03: the `file_ref` entries only.
    for await (const entry of kv.list({ prefix: ["author_file"] })) await kv.delete(entry.key);
    assert.deepEqual((await messagesWithFilesBy(kv, "u1")).messages, []);

    assert.equal(await backfillAuthorFiles(kv, systemClock), 2);
    assert.deepEqual(places((await messagesWithFilesBy(kv, "u1")).messages), ["r1/1"]);
    assert.deepEqual(places((await messagesWithFilesBy(kv, "u2")).messages), ["r1/2"]);
    // Later starts only read the marker.
    await kv.delete(keys.authorFile("u2", "r1", 2));
    assert.equal(await backfillAuthorFiles(kv, systemClock), 0);
    assert.deepEqual((await messagesWithFilesBy(kv, "u2")).messages, []);
  });
});

Deno.test("backfillAuthorFiles() run by two nodes at once lists no message deleted between a run's read and its commit", async () => {
  await withMemoryKv(async (kv) => {
    const messages = await stored(kv, [
      draft("r1", "a", "u1", true),
      draft("r1", "b", "u2", true),
      draft("r2", "c", "u1", true),
    ]);
    for await (const entry of kv.list({ prefix: ["author_file"] })) await kv.delete(entry.key);
    // One node's run is held at its commit, after it read the messages.
    const { promise: read, resolve: reachCommit } = Promise.withResolvers<void>();
    const { promise: released, resolve: release } = Promise.withResolvers<void>();
    const held = withHeldCommits(kv, () => {
      reachCommit();
      return released;
    });
    const first = backfillAuthorFiles(held, systemClock);
    await read;
    // Meanwhile another node's run lists them all, and u1's message in r2 is deleted.
    assert.equal(await backfillAuthorFiles(kv, systemClock), 3);
    const deleted = messages[2]!;
    await kv.set(keys.message(deleted.room, deleted.seq), { ...deleted, deleted: true });
    await releaseAttachments(kv, deleted);
    release();
    assert.equal(await first, 2, "the held run reads again");
    assert.deepEqual((await messagesWithFilesBy(kv, "u1")).entries, [
      keys.authorFile("u1", "r1", 1),
    ]);
    assert.deepEqual(places((await messagesWithFilesBy(kv, "u2")).messages), ["r1/2"]);
  });
});

Deno.test("startAuthorFilesBackfill() lists in the background; its wait runs the backfill again after a failed run", async () => {
  await withMemoryKv(async (kv) => {
    await stored(kv, [draft("r1", "a", "u1", true)]);
    for await (const entry of kv.list({ prefix: ["author_file"] })) await kv.delete(entry.key);
    // The first commit of the backfill fails, as a KV error would.
    let failures = 1;
    const failing = withHeldCommits(kv, () => {
      if (failures-- > 0) return Promise.reject(new Error("KV unavailable"));
      return Promise.resolve();
    });
    const errors: unknown[] = [];
    const listed = startAuthorFilesBackfill(failing, systemClock, (error) => errors.push(error));
    await assert.rejects(listed(), /KV unavailable/);
    assert.deepEqual((await messagesWithFilesBy(kv, "u1")).messages, []);
    await listed();
    assert.deepEqual(places((await messagesWithFilesBy(kv, "u1")).messages), ["r1/1"]);
    assert.equal(errors.length, 1);
    assert.notEqual((await kv.get(keys.authorFileIndexBuilt())).versionstamp, null);
  });
});
