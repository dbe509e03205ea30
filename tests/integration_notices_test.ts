/**
 * Integration tests of being told what happened, against a real server: a member muted,
 * unmuted, kicked or banned by someone, a room deleted under its members, a session ended in
 * another tab, and Discover changes reaching every connected user live.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ConversationPage, RoomSummary, UserEvent } from "../lib/common/api_types.ts";
import { CLOSE_SESSION_ENDED } from "../lib/common/protocol.ts";
import {
  api,
  createRoom,
  openSocket,
  registerUser,
  type TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

async function joined(server: TestServer, owner: TestUser, member: TestUser, name = "lobby") {
  return (await createRoom(server.url, owner, [member], name)).id;
}

async function act(server: TestServer, actor: TestUser, room: string, target: TestUser, a: string) {
  const path = `/api/rooms/${room}/members/${target.id}/${a}`;
  assert.equal((await api(server.url, actor, "POST", path)).status, 204);
}

async function event<K extends UserEvent["kind"]>(
  socket: TestSocket,
  kind: K,
  match: (event: Extract<UserEvent, { kind: K }>) => boolean = () => true,
): Promise<Extract<UserEvent, { kind: K }>> {
  const frame = await socket.next(
    "user_event",
    (f) => f.event.kind === kind && match(f.event as Extract<UserEvent, { kind: K }>),
  );
  return frame.event as Extract<UserEvent, { kind: K }>;
}

Deno.test("a muted member is told who muted them, and the conversation list says so", async () => {
  await withTestServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const bob = await registerUser(server.url, "bob");
    const room = await joined(server, owner, bob);
    const socket = await openSocket(server.url, bob);
    try {
      await act(server, owner, room, bob, "mute");
      const muted = await event(socket, "muted");
      assert.deepEqual(muted, {
        kind: "muted",
        roomId: room,
        room: "lobby",
        by: owner.name,
        muted: true,
      });
      const page = await api<ConversationPage>(server.url, bob, "GET", "/api/conversations");
      const entry = page.body.conversations.find((c) => c.room.id === room);
      assert.deepEqual(entry?.muted, { by: owner.name });

      await act(server, owner, room, bob, "unmute");
      const unmuted = await event(socket, "muted", (e) => !e.muted);
      assert.equal(unmuted.by, owner.name);
      const after = await api<ConversationPage>(server.url, bob, "GET", "/api/conversations");
      assert.equal(after.body.conversations.find((c) => c.room.id === room)?.muted, undefined);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("kicked and banned members are told the room and who removed them", async () => {
  await withTestServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    const room = await joined(server, owner, bob, "plaza");
    assert.equal((await api(server.url, carol, "POST", `/api/rooms/${room}/join`)).status, 200);
    const [bobSocket, carolSocket] = [
      await openSocket(server.url, bob),
      await openSocket(server.url, carol),
    ];
    try {
      await act(server, owner, room, bob, "kick");
      const kicked = await event(bobSocket, "room_removed");
      assert.deepEqual(kicked.reason, { why: "kicked", room: "plaza", by: owner.name });
      await act(server, owner, room, carol, "ban");
      const banned = await event(carolSocket, "room_removed");
      assert.deepEqual(banned.reason, { why: "banned", room: "plaza", by: owner.name });
    } finally {
      await bobSocket.close();
      await carolSocket.close();
    }
  });
});

Deno.test("a room deleted under its members tells them; the owner who deleted it is not told why", async () => {
  await withTestServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const bob = await registerUser(server.url, "bob");
    const room = await joined(server, owner, bob, "gone");
    const [ownerSocket, bobSocket] = [
      await openSocket(server.url, owner),
      await openSocket(server.url, bob),
    ];
    try {
      assert.equal((await api(server.url, owner, "DELETE", `/api/rooms/${room}`)).status, 204);
      const told = await event(bobSocket, "room_removed");
      assert.deepEqual(told.reason, { why: "deleted", room: "gone", by: owner.name });
      const own = await event(ownerSocket, "room_removed");
      assert.equal(own.reason, undefined);
    } finally {
      await ownerSocket.close();
      await bobSocket.close();
    }
  });
});

Deno.test("logging out closes every socket of that session with the session-ended code", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const [tab1, tab2] = [await openSocket(server.url, alice), await openSocket(server.url, alice)];
    assert.equal((await api(server.url, alice, "POST", "/api/auth/logout")).status, 204);
    const [closed1, closed2] = await Promise.all([tab1.closed, tab2.closed]);
    assert.equal(closed1.code, CLOSE_SESSION_ENDED);
    assert.equal(closed2.code, CLOSE_SESSION_ENDED);
  });
});

Deno.test("a public room created, renamed or deleted reaches every connected user's Discover live", async () => {
  await withTestServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const stranger = await registerUser(server.url, "stranger");
    const socket = await openSocket(server.url, stranger);
    try {
      const created = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
        name: "brand-new",
      });
      const id = created.body.room.id;
      const listed = await event(socket, "discover", (e) => e.roomId === id);
      assert.equal(listed.room?.name, "brand-new");
      assert.equal(
        (await api(server.url, owner, "PATCH", `/api/rooms/${id}`, { name: "renamed" })).status,
        204,
      );
      const renamed = await event(socket, "discover", (e) => e.room?.name === "renamed");
      assert.equal(renamed.roomId, id);
      assert.equal((await api(server.url, owner, "DELETE", `/api/rooms/${id}`)).status, 204);
      await event(socket, "discover", (e) => e.roomId === id && e.room === null);

      await api(server.url, owner, "POST", "/api/rooms", { name: "hidden", visibility: "private" });
      const marker = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
        name: "after",
      });
      await event(socket, "discover", (e) => e.roomId === marker.body.room.id);
      const names = socket.frames.flatMap((f) =>
        f.type === "user_event" && f.event.kind === "discover" ? [f.event.room?.name] : []
      );
      assert.ok(!names.includes("hidden"), "a private room is never announced");
    } finally {
      await socket.close();
    }
  });
});
