/**
 * Integration tests of group-room pictures against a real server and real KV: only owners and
 * admins set them, a refused request changes nothing, and the image is served only to users
 * who may see the room.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { InviteLinkView, RoomLists, RoomSummary } from "../lib/common/api_types.ts";
import { api, createRoom, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { encodePng } from "./helpers/png.ts";
import { withRoom } from "./helpers/room_fixture.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

const PNG = encodePng(8, 8, () => [20, 120, 220]);

async function setPicture(server: TestServer, user: TestUser, roomId: string, body = PNG) {
  const response = await fetch(`${server.url}/api/rooms/${roomId}/avatar`, {
    method: "POST",
    headers: { origin: server.url, cookie: user.cookie, "content-type": "image/png" },
    body,
  });
  const text = await response.text();
  return { status: response.status, error: text ? JSON.parse(text).error as string : undefined };
}

async function pictureOf(server: TestServer, user: TestUser, roomId: string) {
  const lists = (await api<RoomLists>(server.url, user, "GET", "/api/rooms")).body;
  return [...lists.joined, ...lists.discover].find((room) => room.id === roomId)?.avatarUrl;
}

async function status(server: TestServer, user: TestUser, path: string): Promise<number> {
  const response = await fetch(`${server.url}${path}`, { headers: { cookie: user.cookie } });
  await response.body?.cancel();
  return response.status;
}

/** A private room of `owner` that `member` joined by an invite link. */
async function privateRoom(server: TestServer, owner: TestUser, member: TestUser) {
  const created = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
    name: "secret",
    visibility: "private",
  });
  const room = created.body.room.id;
  const link = await api<InviteLinkView>(server.url, owner, "POST", `/api/rooms/${room}/links`, {
    expiresInHours: 1,
    maxUses: 5,
  });
  const accepted = await api(server.url, member, "POST", `/api/links/${link.body.token}/accept`);
  assert.equal(accepted.status, 200);
  return room;
}

Deno.test("the owner sets a room picture: members see it in the room list, live, with a system message", async () => {
  await withTestServer((server) =>
    withRoom(server.url, ["owner", "member"], async ({ room, users, sockets }) => {
      const { owner, member } = users;
      const socket = sockets.member;
      assert.equal((await setPicture(server, owner, room.id)).status, 204);
      const url = await pictureOf(server, member, room.id);
      assert.match(url!, new RegExp(`^/api/avatars/rooms/${room.id}/[\\w-]+$`));
      const event = await socket.next("user_event", (frame) => frame.event.kind === "room_updated");
      assert.deepEqual(event.event, { kind: "room_updated", room: { ...room, avatarUrl: url } });
      await socket.next("message", (frame) => /changed the room picture/.test(frame.text));
      const response = await fetch(`${server.url}${url}`, { headers: { cookie: member.cookie } });
      assert.equal(response.headers.get("content-type"), "image/png");
      assert.deepEqual(new Uint8Array(await response.arrayBuffer()), PNG);
    }, { connect: ["member"] })
  );
});

Deno.test("a plain member cannot set or remove the room picture (403), a non-member gets 404, and nothing changes", async () => {
  await withTestServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const member = await registerUser(server.url, "member");
    const outsider = await registerUser(server.url, "outsider");
    const room = await createRoom(server.url, owner, [member]);
    await setPicture(server, owner, room.id);
    const before = await pictureOf(server, owner, room.id);
    const refused = await setPicture(server, member, room.id, encodePng(8, 8, () => [0, 0, 0]));
    assert.equal(refused.status, 403);
    assert.match(refused.error!, /not allowed/);
    const path = `/api/rooms/${room.id}/avatar`;
    assert.equal((await api(server.url, member, "DELETE", path)).status, 403);
    assert.equal((await setPicture(server, outsider, room.id)).status, 404);
    assert.equal((await api(server.url, outsider, "DELETE", path)).status, 404);
    assert.equal((await setPicture(server, owner, room.id, new Uint8Array(10))).status, 415);
    assert.equal(await pictureOf(server, owner, room.id), before);
    assert.equal(await status(server, owner, before!), 200);
  });
});

Deno.test("a private room's picture is served to its members only; a public room's to any signed-in user", async () => {
  await withTestServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const member = await registerUser(server.url, "member");
    const outsider = await registerUser(server.url, "outsider");
    const secret = await privateRoom(server, owner, member);
    assert.equal((await setPicture(server, owner, secret)).status, 204);
    const url = (await pictureOf(server, owner, secret))!;
    assert.equal(await status(server, member, url), 200);
    assert.equal(await status(server, outsider, url), 404);

    const open = await createRoom(server.url, owner, [], "lobby");
    await setPicture(server, owner, open.id);
    const openUrl = await pictureOf(server, outsider, open.id);
    assert.ok(openUrl, "Discover lists the public room with its picture");
    assert.equal(await status(server, outsider, openUrl), 200);
  });
});

Deno.test("removing the room picture restores the default and the old URL stops serving", async () => {
  await withTestServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const room = await createRoom(server.url, owner);
    await setPicture(server, owner, room.id);
    const url = (await pictureOf(server, owner, room.id))!;
    const removed = await api(server.url, owner, "DELETE", `/api/rooms/${room.id}/avatar`);
    assert.equal(removed.status, 204);
    assert.equal(await pictureOf(server, owner, room.id), undefined);
    assert.equal(await status(server, owner, url), 404);
  });
});
