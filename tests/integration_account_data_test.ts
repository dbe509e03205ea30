/**
 * Integration tests of a user's own data against a real server: the JSON export holds exactly
 * their data (checked against a second user's messages), and deleting the account (after the
 * password) ends their sessions, frees nothing of the name, shows their messages as a deleted
 * user's, removes their files, friendships and requests, and hands their rooms on.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { FriendLists, PublicProfile, RoomDetails } from "../lib/common/api_types.ts";
import { CLOSE_SESSION_ENDED } from "../lib/common/protocol.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { readConfig } from "../lib/server/config.ts";
import { api, befriend, openSocket, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { encodePng } from "./helpers/png.ts";
import { withRoom } from "./helpers/room_fixture.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";
import { uploadFile } from "./helpers/upload.ts";

const PASSWORD = "correct horse battery";

async function exportOf(server: TestServer, user: TestUser) {
  const response = await fetch(`${server.url}/api/me/account/export`, {
    headers: { cookie: user.cookie },
  });
  return { response, text: await response.text() };
}

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let count = 0;
  for await (const _ of kv.list({ prefix })) count++;
  return count;
}

Deno.test("the export holds exactly the user's own data: no other member's messages", async () => {
  await withTestServer(async (server) => {
    await withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets }) => {
      await befriend(server.url, users.alice, users.bob);
      const lines = [
        ["alice", "alice-says-一"],
        ["bob", "bob-secret-1"],
        ["alice", "alice-says-二"],
        ["bob", "bob-secret-2"],
      ] as const;
      for (const [i, [who, text]] of lines.entries()) {
        sockets[who].send({ type: "send", room: room.id, clientId: `line-000${i}`, text });
        await sockets.alice.waitForMessages(room.id, i + 1);
      }
      sockets.alice.send({
        type: "send",
        room: room.id,
        clientId: "reply-0001",
        text: "alice-replies",
        replyTo: sockets.alice.messages(room.id)[1]!.seq,
      });
      await sockets.alice.waitForMessages(room.id, 5);
      const { response, text } = await exportOf(server, users.alice);
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-disposition")!, /^attachment; filename=/);
      const data = JSON.parse(text);
      assert.equal(data.account.username, users.alice.name);
      assert.equal(data.profile.displayName, users.alice.name);
      assert.deepEqual(
        data.friends.map((f: { username: string }) => f.username),
        [users.bob.name],
      );
      assert.deepEqual(data.rooms.map((r: { name: string }) => r.name), ["general"]);
      assert.deepEqual(
        data.messages.map((m: { text: string }) => m.text),
        ["alice-says-一", "alice-says-二", "alice-replies"],
      );
      // The reply keeps only the seq it answers, not the quoted text of bob.
      assert.equal(data.messages[2].replyToSeq, sockets.alice.messages(room.id)[1]!.seq);
      assert.doesNotMatch(text, /bob-secret/);
      assert.ok(data.messages.every((m: { room: string }) => m.room === room.id));
      // Signed out, there is nothing to export.
      const anonymous = await fetch(`${server.url}/api/me/account/export`);
      assert.equal(anonymous.status, 401);
      await anonymous.body?.cancel();
    });
  });
});

Deno.test("deleting an account needs the password; then sessions end, messages show a deleted user, files, friends and notification levels go, the room passes on", async () => {
  await withTestServer(async (server) => {
    await registerUser(server.url, "admin");
    const carol = await registerUser(server.url, "carol");
    await withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets, head }) => {
      const { alice, bob } = users;
      await befriend(server.url, alice, carol);
      const dave = await registerUser(server.url, "dave");
      const asked = await api(server.url, dave, "POST", "/api/friends/requests", {
        username: alice.name,
      });
      assert.equal(asked.status, 201);
      const image = await uploadFile(server.url, alice, encodePng(8, 6, () => [1, 2, 3]), "a", "");
      assert.equal(image.status, 200);
      sockets.alice.send({ type: "send", room: room.id, clientId: "words-001", text: "words" });
      sockets.alice.send({
        type: "send",
        room: room.id,
        clientId: "photo-001",
        text: "",
        attachments: [{ id: image.body.id }],
      });
      await sockets.bob.waitForMessages(room.id, 2);
      const muted = await api(server.url, alice, "PUT", `/api/me/notifications/${room.id}`, {
        level: "none",
      });
      assert.equal(muted.status, 200);
      const fileUrl = `/api/files/${room.id}/${head + 2}/${image.body.id}`;
      const before = await fetch(`${server.url}${fileUrl}`, { headers: { cookie: bob.cookie } });
      assert.equal(before.status, 200);
      await before.body?.cancel();

      const wrong = await api<{ code: string }>(
        server.url,
        alice,
        "POST",
        "/api/me/account/delete",
        { password: "not my password" },
      );
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.code, "refusal.wrongPassword");
      assert.equal((await api(server.url, alice, "GET", "/api/me")).status, 200);

      const deleted = await api(server.url, alice, "POST", "/api/me/account/delete", {
        password: PASSWORD,
      });
      assert.equal(deleted.status, 204);
      assert.equal((await sockets.alice.closed).code, CLOSE_SESSION_ENDED);
      await server.chat.accountDeletion.settled();
      assert.equal((await api(server.url, alice, "GET", "/api/me")).status, 401);
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ username: alice.name, password: PASSWORD }),
      });
      assert.equal(login.status, 401);
      await login.body?.cancel();
      // The name stays reserved.
      const again = await fetch(`${server.url}/api/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ username: alice.name, password: PASSWORD }),
      });
      assert.equal(again.status, 409);
      await again.body?.cancel();

      // Her words stay, and her name resolves to a deleted user's stand-in profile.
      const words = await server.kv.get<{ text: string; from: string }>(
        keys.message(room.id, head + 1),
      );
      assert.equal(words.value?.text, "words");
      const profile = await api<{ profile: PublicProfile }>(
        server.url,
        bob,
        "GET",
        `/api/users/${alice.name}`,
      );
      assert.equal(profile.status, 200);
      assert.equal(profile.body.profile.deleted, true);
      assert.equal(profile.body.profile.id, alice.id);
      assert.equal(profile.body.profile.displayName, "");
      // The message with her upload is deleted and the file is no longer served.
      await sockets.bob.next(
        "message",
        (frame) => frame.kind === "delete" && frame.target === head + 2,
      );
      const after = await fetch(`${server.url}${fileUrl}`, { headers: { cookie: bob.cookie } });
      assert.equal(after.status, 404);
      await after.body?.cancel();
      assert.equal(await countKeys(server.kv, keys.fileClaims(alice.id)), 0);
      assert.equal(await countKeys(server.kv, keys.userUploads(alice.id)), 0);
      // Friends and requests are gone on both sides.
      const carolLists = await api<FriendLists>(server.url, carol, "GET", "/api/friends");
      assert.deepEqual(carolLists.body.friends, []);
      const daveLists = await api<FriendLists>(server.url, dave, "GET", "/api/friends");
      assert.deepEqual(daveLists.body.outgoing, []);
      // Her profile, directory entries and memberships are gone; bob owns the room now.
      assert.equal((await server.kv.get(keys.user(alice.id))).value, null);
      assert.equal((await server.kv.get(keys.profile(alice.id))).value, null);
      assert.equal(await countKeys(server.kv, keys.userRooms(alice.id)), 0);
      // So are her notification levels, and the mark of her conversation list, which her
      // memberships and level changes set.
      assert.equal(await countKeys(server.kv, keys.notifyLevels(alice.id)), 0);
      assert.equal((await server.kv.get(keys.roomsMark(alice.id))).versionstamp, null);
      const details = await api<RoomDetails>(
        server.url,
        bob,
        "GET",
        `/api/rooms/${room.id}/members`,
      );
      assert.deepEqual(details.body.members.map((m) => [m.user.id, m.role]), [[bob.id, "owner"]]);
    }, { connect: ["alice", "bob"] });
  });
});

Deno.test("wrong passwords to delete an account count against the login throttle", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const attempt = (password: string) =>
      api<{ code: string }>(server.url, alice, "POST", "/api/me/account/delete", { password });
    for (let i = 0; i < 5; i++) assert.equal((await attempt("guess " + i)).status, 403);
    const limited = await attempt(PASSWORD);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, "refusal.loginThrottled");
    assert.equal((await api(server.url, alice, "GET", "/api/me")).status, 200);
  }, { config: { limits: { ...readConfig({}).limits, loginFailuresPerUser: 5 } } });
});

Deno.test("a deleted owner's room with nobody else in it is deleted", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const socket = await openSocket(server.url, alice);
    const created = await api<{ room: { id: string } }>(server.url, alice, "POST", "/api/rooms", {
      name: "alone",
    });
    const deleted = await api(server.url, alice, "POST", "/api/me/account/delete", {
      password: PASSWORD,
    });
    assert.equal(deleted.status, 204);
    await socket.closed;
    await server.chat.accountDeletion.settled();
    assert.equal((await server.kv.get(keys.room(created.body.room.id))).value, null);
  });
});
