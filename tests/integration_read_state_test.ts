/**
 * Integration tests of read state: read markers and unread counts across two devices of one
 * user through reconnects, typing rules, and read receipts. A real server, real sockets, real
 * Deno KV.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ConversationPage, ReadState } from "../lib/common/api_types.ts";
import {
  api,
  openSocket,
  registerUser,
  type TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { withRoom } from "./helpers/room_fixture.ts";
import { withTestServer } from "./helpers/test_server.ts";

/** The user's read state of `room` as the conversation list gives it. */
async function readState(url: string, user: TestUser, room: string): Promise<ReadState> {
  const page = await api<ConversationPage>(url, user, "GET", "/api/conversations");
  const found = page.body.conversations.find((c) => c.room.id === room);
  assert.ok(found?.read, `no read state for ${room}`);
  return found.read;
}

/** Sends a message and waits for its ack; returns its seq. */
async function say(socket: TestSocket, room: string, text: string): Promise<number> {
  const clientId = `c-${crypto.randomUUID().slice(0, 12)}`;
  socket.send({ type: "send", room, clientId, text });
  return (await socket.next("ack", (frame) => frame.clientId === clientId)).seq;
}

Deno.test("reading on one device clears the unread count on the other, live and after reconnects", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, users: { alice }, sockets, head }) => {
      const { alice: phone, bob } = sockets;
      const laptop = await openSocket(server.url, alice);
      try {
        // Everything up to the setup is read by Alice; her own and system messages never count.
        phone.send({ type: "read", room: room.id, seq: head });
        await laptop.next("read", (frame) => frame.seq === head);
        await say(phone, room.id, "my own words");
        for (const text of ["one", "two", "three"]) await say(bob, room.id, text);
        assert.deepEqual(await readState(server.url, alice, room.id), {
          seq: head,
          unread: 3,
          mentions: 0,
          more: false,
        });

        const newest = head + 4;
        phone.send({ type: "read", room: room.id, seq: newest });
        const told = await laptop.next("read", (frame) => frame.seq === newest);
        assert.equal(told.room, room.id);
        await phone.next("read", (frame) => frame.seq === newest);

        // A stale or repeated marker changes nothing; one past the head stops at the head.
        phone.send({ type: "read", room: room.id, seq: head + 1 });
        phone.send({ type: "read", room: room.id, seq: newest });
        phone.send({ type: "read", room: room.id, seq: newest + 50 });
        // Frames are handled in order: once the pong is back, the three reads were.
        phone.send({ type: "ping", ref: "after-reads" });
        await phone.next("pong", (frame) => frame.ref === "after-reads");
        await laptop.close();
        await phone.close();

        const again = await openSocket(server.url, alice);
        try {
          assert.deepEqual(await readState(server.url, alice, room.id), {
            seq: newest,
            unread: 0,
            mentions: 0,
            more: false,
          });
          assert.equal(
            laptop.frames.filter((frame) => frame.type === "read").length,
            2,
            "only the moves forward were told",
          );
          await say(bob, room.id, "four");
          const state = await readState(server.url, alice, room.id);
          assert.equal(state.unread, 1);
        } finally {
          await again.close();
        }
      } finally {
        await laptop.close();
      }
    })
  );
});

Deno.test("a read marker for a room the user is not in is refused and stored nowhere", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice"], async ({ room }) => {
      const eve = await registerUser(server.url, "eve");
      const socket = await openSocket(server.url, eve);
      try {
        socket.send({ type: "read", room: room.id, seq: 1, ref: "r1" });
        const error = await socket.next("error", (frame) => frame.ref === "r1");
        assert.equal(error.code, "not_member");
        assert.equal((await server.kv.get(keys.readMarker(eve.id, room.id))).versionstamp, null);
      } finally {
        await socket.close();
      }
    }, { connect: [] })
  );
});

Deno.test("typing is passed on live, never stored, and never crosses a block either way", async () => {
  await withTestServer((server) =>
    withRoom(
      server.url,
      ["alice", "bob", "carol"],
      async ({ room, users: { alice, bob, carol }, sockets }) => {
        const { alice: a, bob: b, carol: c } = sockets;
        a.send({ type: "typing", room: room.id });
        const seen = await b.next("typing", (frame) => frame.room === room.id);
        assert.deepEqual(seen.user, { id: alice.id, name: alice.name });
        await c.next("typing", (frame) => frame.user.id === alice.id);

        // Carol blocks Bob: neither sees the other type; Alice still sees both.
        const blocked = await api(server.url, carol, "POST", "/api/friends/blocks", {
          username: bob.name,
        });
        assert.equal(blocked.status < 300, true, `block: ${blocked.status}`);
        // The block list of Carol's socket is read again on the friend list change.
        await c.next("user_event", (frame) => frame.event.kind === "friends_changed");
        b.send({ type: "typing", room: room.id });
        await a.next("typing", (frame) => frame.user.id === bob.id);
        c.send({ type: "typing", room: room.id });
        await a.next("typing", (frame) => frame.user.id === carol.id);
        // Each then sends a message, published after the typing notice by the same node.
        const fromBob = await say(b, room.id, "bob here");
        const fromCarol = await say(c, room.id, "carol here");
        await c.next("message", (frame) => frame.seq === fromBob);
        await b.next("message", (frame) => frame.seq === fromCarol);
        assert.ok(!c.frames.some((f) => f.type === "typing" && f.user.id === bob.id));
        assert.ok(!b.frames.some((f) => f.type === "typing" && f.user.id === carol.id));

        // A stop goes out at once (not held by the throttle), and nothing was stored.
        a.send({ type: "typing", room: room.id, stop: true });
        await b.next("typing", (frame) => frame.stop === true);
        a.send({ type: "history", room: room.id, ref: "h" });
        const history = await a.next("history", (frame) => frame.ref === "h");
        assert.deepEqual(
          history.messages.filter((m) => m.kind !== "system").map((m) => m.text),
          ["bob here", "carol here"],
        );
      },
    )
  );
});

Deno.test("a muted member's typing is dropped", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["alice", "bob"], async ({ room, users: { alice, bob }, sockets }) => {
      const { alice: a, bob: b } = sockets;
      const said = await say(a, room.id, "read this");
      const muted = await api(
        server.url,
        alice,
        "POST",
        `/api/rooms/${room.id}/members/${bob.id}/mute`,
      );
      assert.equal(muted.status < 300, true, `mute: ${muted.status}`);
      b.send({ type: "send", room: room.id, clientId: "muted-0001", text: "hi" });
      await b.next("error", (frame) => frame.code === "muted");
      b.send({ type: "typing", room: room.id });
      // Bob's read receipt is published after his typing notice would have been.
      b.send({ type: "read", room: room.id, seq: said });
      await a.next("receipt", (frame) => frame.reader.id === bob.id);
      assert.ok(!a.frames.some((frame) => frame.type === "typing"));
    })
  );
});

Deno.test("receipts: the author sees who read, live and on demand; turned off, none is sent or shown", async () => {
  await withTestServer((server) =>
    withRoom(
      server.url,
      ["alice", "bob", "carol"],
      async ({ room, users: { bob, carol }, sockets }) => {
        const { alice: a, bob: b, carol: c } = sockets;
        const off = await api(server.url, carol, "PUT", "/api/me/receipts", { enabled: false });
        assert.equal(off.status, 200);
        const said = await say(a, room.id, "did you see this?");

        b.send({ type: "read", room: room.id, seq: said });
        const receipt = await a.next("receipt", (frame) => frame.reader.id === bob.id);
        assert.deepEqual(receipt.reader, { id: bob.id, name: bob.name, seq: said });
        c.send({ type: "read", room: room.id, seq: said });
        await c.next("read", (frame) => frame.seq === said);

        a.send({ type: "receipts", room: room.id, ref: "r" });
        const list = await a.next("receipts", (frame) => frame.ref === "r");
        assert.deepEqual(list.readers.map((r) => r.name), [bob.name]);
        assert.ok(!a.frames.some((f) => f.type === "receipt" && f.reader.id === carol.id));

        // Carol sees none either: her list is empty, and Bob's reads are not told to her.
        const fromCarol = await say(c, room.id, "me too");
        b.send({ type: "read", room: room.id, seq: fromCarol });
        await b.next("read", (frame) => frame.seq === fromCarol);
        c.send({ type: "receipts", room: room.id, ref: "rc" });
        assert.deepEqual((await c.next("receipts", (frame) => frame.ref === "rc")).readers, []);
        assert.ok(!c.frames.some((frame) => frame.type === "receipt"));
        const setting = await api<{ enabled: boolean }>(
          server.url,
          carol,
          "GET",
          "/api/me/receipts",
        );
        assert.deepEqual(setting.body, { enabled: false });
      },
    )
  );
});
