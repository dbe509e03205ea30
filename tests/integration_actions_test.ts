/**
 * Edits, deletes, reactions and replies over a real server and real WebSockets: who may do
 * what, dedupe of retried actions, and the final state after a resume or in history.
 *
 * @module
 */
import assert from "node:assert/strict";
import { CLOSE_VERSION_MISMATCH, type ServerFrame } from "../lib/common/protocol.ts";
import { api, createRoom, openSocket, TestSocket, type TestUser } from "./helpers/chat_client.ts";
import { withRoom } from "./helpers/room_fixture.ts";
import { withTestServer } from "./helpers/test_server.ts";

type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

/** Sends a message and returns its ack. */
async function post(socket: TestSocket, room: string, clientId: string, text: string) {
  socket.send({ type: "send", room, clientId, text });
  return await socket.next("ack", (frame) => frame.clientId === clientId);
}

/** The next ack or error answering `clientId`. */
async function answer(socket: TestSocket, clientId: string): Promise<Frame<"ack" | "error">> {
  const match = (frame: { clientId?: string }) => frame.clientId === clientId;
  return await Promise.race([socket.next("ack", match), socket.next("error", match)]);
}

/** The newest history page as `socket` reads it. */
async function history(socket: TestSocket, room: string) {
  const ref = crypto.randomUUID().slice(0, 8);
  socket.send({ type: "history", room, ref });
  return (await socket.next("history", (frame) => frame.ref === ref)).messages;
}

Deno.test("an edit reaches the room live, history holds the new text, and the earlier versions are readable", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, sockets: { alice, bob } }) => {
      const sent = await post(alice, room.id, "send-00001", "helo");
      alice.send({
        type: "edit",
        room: room.id,
        clientId: "edit-00001",
        target: sent.seq,
        text: "hello",
      });
      const edit = await bob.next("message", (frame) => frame.kind === "edit");
      assert.equal(edit.target, sent.seq);
      assert.equal(edit.text, "", "the entry itself holds no text");
      assert.equal(edit.changed?.text, "hello");
      assert.equal(edit.changed?.versions, 1);
      const original = (await history(bob, room.id)).find((message) => message.seq === sent.seq);
      assert.equal(original?.text, "hello");
      assert.equal(typeof original?.editedAt, "number");
      bob.send({ type: "versions", room: room.id, target: sent.seq, ref: "v" });
      const versions = await bob.next("versions", (frame) => frame.ref === "v");
      assert.deepEqual(versions.versions.map((version) => version.text), ["helo"]);
    })
  );
});

Deno.test("only the sender edits; a member cannot delete another's message, the owner can", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["owner", "bob", "carol"], async ({ room, sockets }) => {
      const { owner, bob, carol } = sockets;
      const sent = await post(bob, room.id, "send-00001", "bob's words");
      const target = sent.seq;
      carol.send({ type: "edit", room: room.id, clientId: "edit-00001", target, text: "mine" });
      assert.equal((await answer(carol, "edit-00001") as Frame<"error">).code, "not_allowed");
      owner.send({ type: "edit", room: room.id, clientId: "edit-00002", target, text: "mine" });
      assert.equal((await answer(owner, "edit-00002") as Frame<"error">).code, "not_allowed");
      carol.send({ type: "delete", room: room.id, clientId: "del-000001", target });
      assert.equal((await answer(carol, "del-000001") as Frame<"error">).code, "not_allowed");
      carol.send({ type: "edit", room: room.id, clientId: "edit-00003", target: 1, text: "x" });
      assert.equal((await answer(carol, "edit-00003") as Frame<"error">).code, "not_allowed");
      carol.send({ type: "delete", room: room.id, clientId: "del-000002", target: 9999 });
      assert.equal((await answer(carol, "del-000002") as Frame<"error">).code, "no_such_message");
      assert.equal((await history(carol, room.id)).at(-1)?.text, "bob's words");

      owner.send({ type: "delete", room: room.id, clientId: "del-000003", target });
      assert.equal((await answer(owner, "del-000003")).type, "ack");
      const deleted = (await history(carol, room.id)).find((message) => message.seq === target);
      assert.equal(deleted?.deleted, true);
      assert.equal(deleted?.text, "");
      bob.send({ type: "edit", room: room.id, clientId: "edit-00004", target, text: "back" });
      assert.equal((await answer(bob, "edit-00004") as Frame<"error">).code, "no_such_message");
    })
  );
});

Deno.test("a retried edit or reaction with the same clientId is stored once", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, sockets: { alice, bob } }) => {
      const { seq: target } = await post(alice, room.id, "send-00001", "hi");
      const react = { type: "react", room: room.id, target, emoji: "👍", on: true } as const;
      bob.send({ ...react, clientId: "react-0001" });
      const first = await answer(bob, "react-0001") as Frame<"ack">;
      // The retry after a lost ack, and a second click with a new clientId: both change nothing.
      bob.send({ ...react, clientId: "react-0001" });
      bob.send({ ...react, clientId: "react-0002" });
      const acks = () => bob.frames.filter((f) => f.type === "ack" && f.clientId === "react-0001");
      await bob.next("ack", (frame) => frame.clientId === "react-0002");
      assert.equal(acks().length, 2);
      assert.equal((acks()[1] as Frame<"ack">).seq, first.seq);
      alice.send({ type: "edit", room: room.id, clientId: "edit-00001", target, text: "hey" });
      const edited = await answer(alice, "edit-00001") as Frame<"ack">;
      alice.send({ type: "edit", room: room.id, clientId: "edit-00001", target, text: "hey" });
      alice.send({ type: "ping", ref: "p" });
      await alice.next("pong");
      const again = alice.frames.filter((f) => f.type === "ack" && f.clientId === "edit-00001");
      assert.equal(again.length, 2);
      assert.equal((again[1] as Frame<"ack">).seq, edited.seq);

      const message = (await history(alice, room.id)).find((m) => m.seq === target)!;
      assert.deepEqual(message.reactions?.map((r) => [r.emoji, r.users.length]), [["👍", 1]]);
      assert.equal(message.versions, 1);
      bob.send({ ...react, on: false, clientId: "react-0003" });
      await answer(bob, "react-0003");
      const cleared = (await history(alice, room.id)).find((m) => m.seq === target)!;
      assert.equal(cleared.reactions, undefined);
    })
  );
});

Deno.test("a client back from offline gets the final state of what changed while it was away", async () => {
  await withTestServer((server) =>
    withRoom(
      server.url,
      ["alice", "bob"],
      async ({ room, users, sockets: { alice } }) => {
        const one = await post(alice, room.id, "send-00001", "one");
        const two = await post(alice, room.id, "send-00002", "two");
        const bob = await openSocket(server.url, users.bob);
        try {
          await bob.subscribe(room.id);
          const head = two.seq;
          await bob.close();
          alice.send({
            type: "edit",
            room: room.id,
            clientId: "e-0000001",
            target: one.seq,
            text: "1",
          });
          alice.send({
            type: "edit",
            room: room.id,
            clientId: "e-0000002",
            target: one.seq,
            text: "uno",
          });
          alice.send({ type: "delete", room: room.id, clientId: "d-0000001", target: two.seq });
          await alice.next("ack", (frame) => frame.clientId === "d-0000001");
          const back = await openSocket(server.url, users.bob);
          try {
            await back.subscribe(room.id, head);
            await back.waitForMessages(room.id, 3);
            const entries = back.messages(room.id);
            assert.deepEqual(entries.map((entry) => entry.kind), ["edit", "edit", "delete"]);
            // Each entry carries the target as it is now, so applying them in any order ends
            // in the final state.
            assert.equal(entries[0]!.changed?.text, "uno");
            assert.equal(entries[2]!.changed?.deleted, true);
          } finally {
            await back.close();
          }
        } finally {
          await bob.close();
        }
      },
      { connect: ["alice"] },
    )
  );
});

Deno.test("a reply quotes its original; a reply to another room's message or a missing one is refused", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets: { alice, bob } }) => {
      const other = await createRoom(server.url, users.alice, [], "elsewhere");
      alice.send({ type: "subscribe", room: other.id });
      const secret = await post(alice, other.id, "send-00001", "secret words");
      const own = await post(alice, room.id, "send-00002", "question?");
      bob.send({
        type: "send",
        room: room.id,
        clientId: "reply-0001",
        text: "answer",
        replyTo: own.seq,
      });
      await answer(bob, "reply-0001");
      const reply = await alice.next("message", (frame) => frame.text === "answer");
      assert.deepEqual(reply.replyTo, {
        seq: own.seq,
        from: users.alice.id,
        author: users.alice.name,
        excerpt: "question?",
      });
      // The other room's seq is in no way this room's: refused, nothing stored.
      const before = (await history(bob, room.id)).length;
      const refused: [string, number][] = [["reply-0002", secret.seq + 100], ["reply-0003", 99999]];
      for (const [clientId, replyTo] of refused) {
        bob.send({ type: "send", room: room.id, clientId, text: "leak?", replyTo });
        assert.equal((await answer(bob, clientId) as Frame<"error">).code, "no_such_message");
      }
      bob.send({
        type: "send",
        room: other.id,
        clientId: "reply-0004",
        text: "x",
        replyTo: secret.seq,
      });
      assert.equal((await answer(bob, "reply-0004") as Frame<"error">).code, "not_member");
      assert.equal((await history(bob, room.id)).length, before);
    })
  );
});

Deno.test("reacting in a room you left is refused", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets: { alice, bob } }) => {
      const { seq } = await post(alice, room.id, "send-00001", "bye?");
      const left = await api(
        server.url,
        users.bob as TestUser,
        "POST",
        `/api/rooms/${room.id}/leave`,
      );
      assert.equal(left.status, 204);
      await bob.next("unsubscribed", (frame) => frame.room === room.id);
      bob.send({
        type: "react",
        room: room.id,
        clientId: "react-0001",
        target: seq,
        emoji: "👋",
        on: true,
      });
      assert.equal((await answer(bob, "react-0001") as Frame<"error">).code, "not_member");
      const message = (await history(alice, room.id)).find((m) => m.seq === seq)!;
      assert.equal(message.reactions, undefined);
    })
  );
});

Deno.test("a client speaking protocol v1 is told the version does not match and is closed", async () => {
  await withTestServer(async (server) => {
    const { registerUser } = await import("./helpers/chat_client.ts");
    const alice = await registerUser(server.url, "alice");
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/ws?v=1`, {
      headers: { cookie: alice.cookie, origin: server.url },
    } as never);
    const frames: ServerFrame[] = [];
    socket.onmessage = (event) => frames.push(JSON.parse(event.data));
    const closed = await new Promise<CloseEvent>((resolve) => socket.onclose = resolve);
    assert.equal(closed.code, CLOSE_VERSION_MISMATCH);
    assert.equal(closed.reason, "version_mismatch");
    assert.deepEqual(frames.map((frame) => frame.type === "error" && frame.code), [
      "version_mismatch",
    ]);
  });
});
