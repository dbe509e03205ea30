/**
 * Integration tests of mentions: a real server, real WebSockets, real Deno KV.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ConversationPage } from "../lib/common/api_types.ts";
import { api, openSocket, registerUser } from "./helpers/chat_client.ts";
import { withRoom } from "./helpers/room_fixture.ts";
import { withTestServer } from "./helpers/test_server.ts";

Deno.test("a message records the members it @mentions, live, in history and on resume", async () => {
  await withTestServer(async (server) => {
    const carol = await registerUser(server.url, "carol");
    await withRoom(
      server.url,
      ["alice", "bob"],
      async ({ room, users: { alice, bob }, sockets, head }) => {
        const { alice: a, bob: b } = sockets;
        // Carol exists but is no member; nobody_here is no user; case does not matter.
        const text = `hi @${bob.name.toUpperCase()}, @${carol.name}, @nobody_here, ` +
          `@${alice.name} and @${bob.name} again; mail ${bob.name}@example.com`;
        a.send({ type: "send", room: room.id, clientId: "mention-0001", text });
        const live = await b.next("message", (frame) => frame.seq === head + 1);
        assert.deepEqual(live.mentions, [bob.id, alice.id]);

        b.send({ type: "history", room: room.id, ref: "h1" });
        const history = await b.next("history", (frame) => frame.ref === "h1");
        assert.deepEqual(history.messages.at(-1)?.mentions, [bob.id, alice.id]);

        const resumed = await openSocket(server.url, bob);
        try {
          await resumed.subscribe(room.id, head);
          const again = await resumed.next("message", (frame) => frame.seq === head + 1);
          assert.deepEqual(again.mentions, [bob.id, alice.id]);
        } finally {
          await resumed.close();
        }
      },
    );
  });
});

Deno.test("a message that names no member carries no mentions", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, sockets, head }) => {
      const { alice: a, bob: b } = sockets;
      a.send({ type: "send", room: room.id, clientId: "plain-0001", text: "@no_such_user hi" });
      const live = await b.next("message", (frame) => frame.seq === head + 1);
      assert.equal("mentions" in live, false);
    })
  );
});

Deno.test("an edit recomputes the mentions: a name added is recorded and counted, one removed is not", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, users: { bob }, sockets, head }) => {
      const { alice: a, bob: b } = sockets;
      const mentionCount = async () => {
        const page = await api<ConversationPage>(server.url, bob, "GET", "/api/conversations");
        return page.body.conversations.find((c) => c.room.id === room.id)?.read?.mentions;
      };
      b.send({ type: "read", room: room.id, seq: head });
      await b.next("read", (frame) => frame.seq === head);
      a.send({ type: "send", room: room.id, clientId: "edit-m-0001", text: "see you" });
      const sent = await b.next("message", (frame) => frame.seq === head + 1);
      assert.equal("mentions" in sent, false);
      assert.equal(await mentionCount(), 0);

      const edit = (clientId: string, text: string) =>
        a.send({ type: "edit", room: room.id, clientId, target: sent.seq, text });
      edit("edit-m-0002", `see you @${bob.name}`);
      const added = await b.next("message", (frame) => frame.kind === "edit");
      assert.deepEqual(added.changed?.mentions, [bob.id]);
      assert.equal("mentions" in added, false, "the action entry itself mentions nobody");
      assert.equal(await mentionCount(), 1);

      b.send({ type: "history", room: room.id, ref: "h-edit" });
      const history = await b.next("history", (frame) => frame.ref === "h-edit");
      assert.deepEqual(history.messages.find((m) => m.seq === sent.seq)?.mentions, [bob.id]);

      edit("edit-m-0003", "see you all");
      const removed = await b.next("message", (f) => f.kind === "edit" && f.seq > added.seq);
      assert.equal(removed.changed && "mentions" in removed.changed, false);
      assert.equal(await mentionCount(), 0);
    })
  );
});
