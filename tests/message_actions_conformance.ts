/**
 * The contract of edits, deletes and reactions that every {@linkcode MessageStore} (with its
 * {@linkcode MessageLookup}) keeps: each is an entry with its own seq, deduped by clientId,
 * and the target's final state is what history, lookups and the room summary show.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { MessageDraft, MessageLookup, MessageStore } from "../lib/messages/message_store.ts";

/** A fresh, empty store and the function that releases it. */
export interface ActionStoreHandle {
  store: MessageStore & MessageLookup;
  close(): Promise<void>;
}

/** Registers the cases, named `"<name>: <behaviour>"`. */
export function messageActionsConformance(
  name: string,
  makeStore: () => Promise<ActionStoreHandle>,
): void {
  const test = (behaviour: string, fn: (store: MessageStore & MessageLookup) => Promise<void>) => {
    Deno.test(`${name}: ${behaviour}`, async () => {
      const { store, close } = await makeStore();
      try {
        await fn(store);
      } finally {
        await close();
      }
    });
  };

  test("an edit is an entry of its own that rewrites its target and keeps the earlier text", async (store) => {
    const [sent] = await store.append([send("r", "u1", "send-001", "first")]);
    const [edit] = await store.append([action("r", "u1", "edit-001", 1, "edit", "second")]);
    assert.equal(edit!.message.seq, 2);
    assert.equal(edit!.message.text, "");
    assert.equal(edit!.message.changed?.text, "second");
    const target = await store.get("r", 1);
    assert.equal(target?.text, "second");
    assert.equal(target?.versions, 1);
    assert.equal(target?.revision, 2);
    assert.equal(target?.id, sent!.message.id);
    assert.deepEqual((await store.versions("r", 1)).map((version) => version.text), ["first"]);
    assert.deepEqual((await store.before("r", undefined, 10)).map((m) => m.text), ["second", ""]);
    const [last] = await store.lastMessages(["r"]);
    assert.equal(last?.seq, 1, "an action is not the room's newest message");
    assert.equal(last?.preview, "second");
    assert.equal(last?.edited, true);
  });

  test("a delete erases the text and every earlier version, and the summary says so", async (store) => {
    await store.append([send("r", "u1", "send-001", "secret")]);
    await store.append([
      action("r", "u1", "edit-001", 1, "edit", "secret 2"),
      action("r", "u1", "edit-002", 1, "edit", "secret 3"),
    ]);
    await store.append([action("r", "u1", "del-0001", 1, "delete")]);
    const target = await store.get("r", 1);
    assert.equal(target?.deleted, true);
    assert.equal(target?.text, "");
    assert.equal(target?.versions, undefined);
    assert.deepEqual(await store.versions("r", 1), []);
    const all = JSON.stringify(await store.after("r", 0, 10));
    assert.ok(!all.includes("secret"), all);
    const [last] = await store.lastMessages(["r"]);
    assert.equal(last?.deleted, true);
    assert.equal(last?.preview, "");
  });

  test("an edit and a delete of one message in one batch end deleted, with nothing kept", async (store) => {
    await store.append([send("r", "u1", "send-001", "oops")]);
    await store.append([
      action("r", "u1", "edit-001", 1, "edit", "oops 2"),
      action("r", "u1", "del-0001", 1, "delete"),
      action("r", "u1", "edit-002", 1, "edit", "too late"),
    ]);
    assert.equal((await store.get("r", 1))?.text, "");
    assert.deepEqual(await store.versions("r", 1), []);
    assert.equal(await store.head("r"), 4);
  });

  test("a repeated action clientId is stored once and changes its target once", async (store) => {
    await store.append([send("r", "u1", "send-001", "a")]);
    const first = await store.append([action("r", "u1", "edit-001", 1, "edit", "b")]);
    const again = await store.append([
      action("r", "u1", "edit-001", 1, "edit", "b"),
      action("r", "u1", "edit-001", 1, "edit", "b"),
    ]);
    assert.deepEqual(again.map((result) => result.duplicate), [true, true]);
    assert.equal(again[0]!.message.seq, first[0]!.message.seq);
    assert.equal((await store.get("r", 1))?.versions, 1);
    assert.equal(await store.head("r"), 2);
  });

  test("reactions are a set per emoji: on twice counts once, off removes, order is kept", async (store) => {
    await store.append([send("r", "u1", "send-001", "hi")]);
    await store.append([
      react("r", "u2", "re-00001", 1, "👍", true),
      react("r", "u3", "re-00002", 1, "🎉", true),
      react("r", "u2", "re-00003", 1, "👍", true),
      react("r", "u3", "re-00004", 1, "👍", true),
    ]);
    let target = await store.get("r", 1);
    assert.deepEqual(
      target?.reactions?.map((r) => [r.emoji, r.users.map((u) => u.id)]),
      [["👍", ["u2", "u3"]], ["🎉", ["u3"]]],
    );
    await store.append([react("r", "u3", "re-00005", 1, "🎉", false)]);
    await store.append([react("r", "u3", "re-00006", 1, "🎉", false)]);
    target = await store.get("r", 1);
    assert.deepEqual(target?.reactions?.map((r) => r.emoji), ["👍"]);
  });

  test("after() gives each action entry its target's current state", async (store) => {
    await store.append([send("r", "u1", "send-001", "v1")]);
    await store.append([action("r", "u1", "edit-001", 1, "edit", "v2")]);
    await store.append([action("r", "u1", "edit-002", 1, "edit", "v3")]);
    const entries = await store.after("r", 1, 10);
    assert.deepEqual(entries.map((entry) => entry.changed?.text), ["v3", "v3"]);
    assert.ok(entries.every((entry) => entry.changed?.revision === 3));
  });

  test("a reply keeps the quote it was given", async (store) => {
    await store.append([send("r", "u1", "send-001", "question")]);
    const replyTo = { seq: 1, from: "u1", author: "name-u1", excerpt: "question" };
    await store.append([{ ...send("r", "u2", "send-002", "answer"), replyTo }]);
    assert.deepEqual((await store.get("r", 2))?.replyTo, replyTo);
  });
}

function send(room: string, from: string, clientId: string, text: string): MessageDraft {
  return { room, from, author: `name-${from}`, clientId, text };
}

function action(
  room: string,
  from: string,
  clientId: string,
  target: number,
  kind: "edit" | "delete",
  text = "",
): MessageDraft {
  return { ...send(room, from, clientId, text), kind, target };
}

function react(
  room: string,
  from: string,
  clientId: string,
  target: number,
  emoji: string,
  on: boolean,
): MessageDraft {
  return { ...send(room, from, clientId, ""), kind: "reaction", target, emoji, on };
}
