/**
 * Integration tests of group-room moderation against a real server: private rooms, invites,
 * invite links, roles and rank rules, mute, kick, ban, transfer, leave and delete. Every
 * refused action is checked to have changed nothing.
 *
 * @module
 */
import assert from "node:assert/strict";
import type {
  InviteLinkView,
  RoomDetails,
  RoomLists,
  RoomSummary,
} from "../lib/common/api_types.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { api, openSocket, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { subscribeAll } from "./helpers/room_fixture.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

function withServer(
  fn: (server: TestServer, clock: FakeClock) => Promise<void>,
): Promise<void> {
  const clock = new FakeClock(Date.now());
  return withTestServer((server) => fn(server, clock), { clock });
}

async function privateRoom(server: TestServer, owner: TestUser): Promise<RoomSummary> {
  const created = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
    name: "secret",
    visibility: "private",
  });
  assert.equal(created.status, 201);
  return created.body.room;
}

async function link(server: TestServer, owner: TestUser, room: string, maxUses = 10) {
  const made = await api<InviteLinkView>(server.url, owner, "POST", `/api/rooms/${room}/links`, {
    expiresInHours: 1,
    maxUses,
  });
  assert.equal(made.status, 201);
  assert.match(made.body.token, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(made.body.url, `/join/${made.body.token}`);
  return made.body.token;
}

async function accept(server: TestServer, user: TestUser, token: string) {
  return await api<{ error?: string }>(server.url, user, "POST", `/api/links/${token}/accept`);
}

/** An owner and members who joined a private room by link; `admins` are promoted. */
async function roomWith(server: TestServer, count: number, admins: number[] = []) {
  const owner = await registerUser(server.url, "owner");
  const room = (await privateRoom(server, owner)).id;
  const token = await link(server, owner, room);
  const users: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    const user = await registerUser(server.url, `m${i}`);
    assert.equal((await accept(server, user, token)).status, 200);
    users.push(user);
  }
  for (const i of admins) {
    const promoted = await act(server, owner, room, users[i]!, "promote");
    assert.equal(promoted, 204);
  }
  return { owner, room, users };
}

async function act(
  server: TestServer,
  actor: TestUser,
  room: string,
  target: TestUser,
  action: string,
): Promise<number> {
  const path = `/api/rooms/${room}/members/${target.id}/${action}`;
  return (await api(server.url, actor, "POST", path)).status;
}

/** Member id → "role[+muted]", as the owner's member list shows it. */
async function roster(server: TestServer, viewer: TestUser, room: string) {
  const details = await api<RoomDetails>(server.url, viewer, "GET", `/api/rooms/${room}/members`);
  assert.equal(details.status, 200);
  return Object.fromEntries(
    details.body.members.map((m) => [m.user.name, m.role + (m.muted ? "+muted" : "")]),
  );
}

Deno.test("a member cannot kick, ban, mute, promote, rename, invite or manage links, and nothing changes", async () => {
  await withServer(async (server) => {
    const { owner, room, users: [bob, carol] } = await roomWith(server, 2);
    const before = await roster(server, owner, room);
    for (const action of ["kick", "ban", "mute", "promote", "demote"]) {
      assert.equal(await act(server, bob!, room, carol!, action), 403, action);
      assert.equal(await act(server, bob!, room, owner, action), 403, action);
    }
    const renamed = await api(server.url, bob!, "PATCH", `/api/rooms/${room}`, { name: "mine" });
    assert.equal(renamed.status, 403);
    const linked = await api(server.url, bob!, "POST", `/api/rooms/${room}/links`, {
      expiresInHours: 1,
      maxUses: 1,
    });
    assert.equal(linked.status, 403);
    assert.equal((await api(server.url, bob!, "GET", `/api/rooms/${room}/links`)).status, 403);
    assert.equal((await api(server.url, bob!, "DELETE", `/api/rooms/${room}`)).status, 403);
    const transfer = await api(server.url, bob!, "POST", `/api/rooms/${room}/transfer`, {
      userId: bob!.id,
    });
    assert.equal(transfer.status, 403);
    assert.deepEqual(await roster(server, owner, room), before);
    const details = await api<RoomDetails>(server.url, bob!, "GET", `/api/rooms/${room}/members`);
    assert.equal(details.body.room.name, "secret");
    assert.equal(details.body.role, "member");
    assert.deepEqual(details.body.banned, []);
  });
});

Deno.test("an admin cannot act on the owner or another admin, nor promote or demote; nobody acts on themselves", async () => {
  await withServer(async (server) => {
    const { owner, room, users: [admin, other, member] } = await roomWith(server, 3, [0, 1]);
    const before = await roster(server, owner, room);
    assert.equal(before[admin!.name], "admin");
    for (const action of ["kick", "ban", "mute", "demote"]) {
      assert.equal(await act(server, admin!, room, owner, action), 403, `${action} owner`);
      assert.equal(await act(server, admin!, room, other!, action), 403, `${action} admin`);
    }
    assert.equal(await act(server, admin!, room, member!, "promote"), 403);
    assert.equal(await act(server, admin!, room, admin!, "kick"), 403);
    assert.equal(await act(server, owner, room, owner, "mute"), 403);
    const transfer = await api(server.url, admin!, "POST", `/api/rooms/${room}/transfer`, {
      userId: admin!.id,
    });
    assert.equal(transfer.status, 403);
    assert.equal((await api(server.url, admin!, "DELETE", `/api/rooms/${room}`)).status, 403);
    assert.deepEqual(await roster(server, owner, room), before);
    // What an admin may do: mute a member.
    assert.equal(await act(server, admin!, room, member!, "mute"), 204);
    assert.equal((await roster(server, owner, room))[member!.name], "member+muted");
  });
});

Deno.test("a muted member reads the room but every send is refused with muted, and nothing is stored", async () => {
  await withServer(async (server) => {
    const { owner, room, users: [bob] } = await roomWith(server, 1);
    assert.equal(await act(server, owner, room, bob!, "mute"), 204);
    const headBefore = (await server.kv.get(keys.roomHead(room))).versionstamp;
    const b = await openSocket(server.url, bob!);
    await b.subscribe(room);
    b.send({ type: "send", room, clientId: "muted-0001", text: "can I talk?", ref: "m" });
    const refused = await b.next("error", (f) => f.ref === "m");
    assert.equal(refused.code, "muted");
    assert.match(refused.message, /muted/);
    assert.equal((await server.kv.get(keys.roomHead(room))).versionstamp, headBefore);
    const o = await openSocket(server.url, owner);
    o.send({ type: "send", room, clientId: "owner-0001", text: "you can read this" });
    await b.next("message", (f) => f.text === "you can read this");
    assert.equal(await act(server, owner, room, bob!, "unmute"), 204);
    b.send({ type: "send", room, clientId: "muted-0002", text: "thanks", ref: "t" });
    await b.next("ack", (f) => f.clientId === "muted-0002");
    await o.close();
    await b.close();
  });
});

Deno.test("a member muted while connected, right after a send went through, is refused on the very next send", async () => {
  await withServer(async (server) => {
    const { owner, room, users: [bob] } = await roomWith(server, 1);
    const b = await openSocket(server.url, bob!);
    b.send({ type: "send", room, clientId: "live-00001", text: "first" });
    await b.next("ack", (f) => f.clientId === "live-00001");
    assert.equal(await act(server, owner, room, bob!, "mute"), 204);
    const headBefore = (await server.kv.get(keys.roomHead(room))).versionstamp;
    b.send({ type: "send", room, clientId: "live-00002", text: "second", ref: "m" });
    assert.equal((await b.next("error", (f) => f.ref === "m")).code, "muted");
    assert.equal((await server.kv.get(keys.roomHead(room))).versionstamp, headBefore);
    assert.equal(await act(server, owner, room, bob!, "unmute"), 204);
    b.send({ type: "send", room, clientId: "live-00003", text: "third" });
    await b.next("ack", (f) => f.clientId === "live-00003");
    await b.close();
  });
});

Deno.test("a kicked member's live socket stops receiving at once and history answers not_member", async () => {
  await withServer(async (server) => {
    const { owner, room, users: [bob] } = await roomWith(server, 1);
    const o = await openSocket(server.url, owner);
    const b = await openSocket(server.url, bob!);
    await subscribeAll([o, b], room);
    assert.equal(await act(server, owner, room, bob!, "kick"), 204);
    await b.next("unsubscribed", (f) => f.room === room);
    const notice = await b.next("user_event", (f) => f.event.kind === "room_removed");
    assert.ok(notice.event.kind === "room_removed" && notice.event.roomId === room);
    o.send({ type: "send", room, clientId: "after-kick1", text: "bob is out" });
    await o.next("message", (f) => f.text === "bob is out");
    assert.ok(!b.messages(room).some((m) => m.text === "bob is out"));
    b.send({ type: "history", room, ref: "h" });
    assert.equal((await b.next("error", (f) => f.ref === "h")).code, "not_member");
    b.send({ type: "send", room, clientId: "kicked-0001", text: "hello?", ref: "x" });
    assert.equal((await b.next("error", (f) => f.ref === "x")).code, "not_member");
    const lists = await api<RoomLists>(server.url, bob!, "GET", "/api/rooms");
    assert.ok(!lists.body.joined.some((r) => r.id === room));
    // The kick is in the room's log as a system message.
    o.send({ type: "history", room, ref: "oh" });
    const history = await o.next("history", (f) => f.ref === "oh");
    const kick = history.messages.find((m) => m.kind === "system" && /kicked/.test(m.text));
    assert.ok(kick, JSON.stringify(history.messages));
    assert.equal(kick.from, "system");
    await o.close();
    await b.close();
  });
});

Deno.test("a banned user is removed and cannot come back through a link or Discover until unbanned", async () => {
  await withServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const bob = await registerUser(server.url, "bob");
    const created = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
      name: "open",
    });
    const room = created.body.room.id;
    assert.equal((await api(server.url, bob, "POST", `/api/rooms/${room}/join`)).status, 200);
    const token = await link(server, owner, room);
    assert.equal(await act(server, owner, room, bob, "ban"), 204);
    const refused = await accept(server, bob, token);
    assert.equal(refused.status, 404);
    assert.equal(refused.body.error, "This invite link is invalid or has expired");
    assert.equal((await api(server.url, bob, "POST", `/api/rooms/${room}/join`)).status, 404);
    assert.equal((await server.kv.get(keys.roomMember(room, bob.id))).versionstamp, null);
    const page = await fetch(`${server.url}/join/${token}`, { headers: { cookie: bob.cookie } });
    assert.equal(page.status, 404, "the join page shows a banned user nothing of the room");
    await page.body?.cancel();
    const links = await api<{ links: InviteLinkView[] }>(
      server.url,
      owner,
      "GET",
      `/api/rooms/${room}/links`,
    );
    assert.equal(links.body.links[0]!.uses, 0, "a refused use is not counted");
    const details = await api<RoomDetails>(server.url, owner, "GET", `/api/rooms/${room}/members`);
    assert.deepEqual(details.body.banned.map((u) => u.id), [bob.id]);
    assert.equal(await act(server, owner, room, bob, "unban"), 204);
    assert.equal((await accept(server, bob, token)).status, 200);
  });
});

Deno.test("joining a public room from Discover writes one “X joined” system message, live; a repeat or refused join writes none", async () => {
  await withServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const bob = await registerUser(server.url, "bob");
    const eve = await registerUser(server.url, "eve");
    const created = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
      name: "lobby",
    });
    const room = created.body.room.id;
    const hidden = (await privateRoom(server, owner)).id;
    const o = await openSocket(server.url, owner);
    for (const id of [room, hidden]) {
      o.send({ type: "subscribe", room: id, ref: id });
      assert.equal((await o.next("subscribed", (f) => f.ref === id)).head, 0);
    }

    assert.equal((await api(server.url, bob, "POST", `/api/rooms/${room}/join`)).status, 200);
    const live = await o.next("message", (f) => f.room === room);
    assert.deepEqual(
      { seq: live.seq, kind: live.kind, from: live.from, text: live.text, event: live.event },
      {
        seq: 1,
        kind: "system",
        from: "system",
        text: `${bob.name} joined`,
        event: { type: "joined", user: bob.name },
      },
    );
    assert.equal((await api(server.url, bob, "POST", `/api/rooms/${room}/join`)).status, 200);
    assert.equal((await api(server.url, eve, "POST", `/api/rooms/${hidden}/join`)).status, 404);

    for (const id of [room, hidden]) o.send({ type: "history", room: id, ref: `h-${id}` });
    const lobby = await o.next("history", (f) => f.ref === `h-${room}`);
    assert.deepEqual(lobby.messages.map((m) => m.text), [`${bob.name} joined`], "one message");
    assert.deepEqual(lobby.messages[0]?.event, live.event, "history keeps the event");
    const secret = await o.next("history", (f) => f.ref === `h-${hidden}`);
    assert.deepEqual(secret.messages, [], "a refused join writes nothing");
    await o.close();
  });
});

Deno.test("a private room is never in Discover, /join refuses it like a missing room, and non-members read nothing", async () => {
  await withServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const eve = await registerUser(server.url, "eve");
    const room = (await privateRoom(server, owner)).id;
    const lists = await api<RoomLists>(server.url, eve, "GET", "/api/rooms");
    assert.ok(!lists.body.discover.some((r) => r.id === room));
    const ownLists = await api<RoomLists>(server.url, owner, "GET", "/api/rooms");
    assert.ok(ownLists.body.joined.some((r) => r.id === room));
    const join = await api<{ error: string }>(server.url, eve, "POST", `/api/rooms/${room}/join`);
    const missing = await api<{ error: string }>(server.url, eve, "POST", "/api/rooms/nope/join");
    assert.deepEqual([join.status, join.body], [missing.status, missing.body]);
    const members = await api(server.url, eve, "GET", `/api/rooms/${room}/members`);
    assert.equal(members.status, 404);
    const e = await openSocket(server.url, eve);
    e.send({ type: "subscribe", room, ref: "s" });
    assert.equal((await e.next("error", (f) => f.ref === "s")).code, "not_member");
    e.send({ type: "history", room, ref: "h" });
    assert.equal((await e.next("error", (f) => f.ref === "h")).code, "not_member");
    await e.close();
    assert.equal((await server.kv.get(keys.roomMember(room, eve.id))).versionstamp, null);
  });
});

Deno.test("expired, revoked and used-up links are refused with one message and add nobody", async () => {
  await withServer(async (server, clock) => {
    const owner = await registerUser(server.url, "owner");
    const room = (await privateRoom(server, owner)).id;
    const [a, b, c] = [
      await registerUser(server.url, "a"),
      await registerUser(server.url, "b"),
      await registerUser(server.url, "c"),
    ];
    const once = await link(server, owner, room, 1);
    assert.equal((await accept(server, a, once)).status, 200);
    const usedUp = await accept(server, b, once);
    const revokedToken = await link(server, owner, room);
    const revoke = await api(
      server.url,
      owner,
      "DELETE",
      `/api/rooms/${room}/links/${revokedToken}`,
    );
    assert.equal(revoke.status, 204);
    const revoked = await accept(server, b, revokedToken);
    const expiring = await link(server, owner, room);
    clock.advance(3_600_001);
    const expired = await accept(server, c, expiring);
    const unknown = await accept(server, c, "AAAAAAAAAAAAAAAAAAAAAA");
    for (const refused of [usedUp, revoked, expired, unknown]) {
      assert.equal(refused.status, 404);
      assert.equal(refused.body.error, "This invite link is invalid or has expired");
    }
    assert.deepEqual(
      Object.keys(await roster(server, owner, room)).sort(),
      [a.name, owner.name].sort(),
    );
    const page = await fetch(`${server.url}/join/${revokedToken}`, {
      headers: { cookie: b.cookie },
    });
    assert.equal(page.status, 404);
    assert.match(await page.text(), /invalid or has expired/);
  });
});

Deno.test("the owner cannot leave until ownership is transferred; delete drops the room for every member", async () => {
  await withServer(async (server) => {
    const { owner, room, users: [bob, carol] } = await roomWith(server, 2);
    const stay = await api<{ error: string }>(
      server.url,
      owner,
      "POST",
      `/api/rooms/${room}/leave`,
    );
    assert.equal(stay.status, 409);
    assert.match(stay.body.error, /transfer ownership or delete/);
    assert.equal((await roster(server, owner, room))[owner.name], "owner");
    const transfer = await api(server.url, owner, "POST", `/api/rooms/${room}/transfer`, {
      userId: bob!.id,
    });
    assert.equal(transfer.status, 204);
    assert.equal((await api(server.url, owner, "POST", `/api/rooms/${room}/leave`)).status, 204);
    assert.deepEqual(await roster(server, bob!, room), {
      [bob!.name]: "owner",
      [carol!.name]: "member",
    });

    const c = await openSocket(server.url, carol!);
    await c.subscribe(room);
    assert.equal((await api(server.url, bob!, "DELETE", `/api/rooms/${room}`)).status, 204);
    await c.next("unsubscribed", (f) => f.room === room);
    c.send({ type: "history", room, ref: "h" });
    assert.equal((await c.next("error", (f) => f.ref === "h")).code, "not_member");
    assert.equal((await server.kv.get(keys.room(room))).versionstamp, null);
    for await (const entry of server.kv.list({ prefix: keys.roomMembers(room) })) {
      assert.fail(`membership left behind: ${entry.key}`);
    }
    await c.close();
  });
});

Deno.test("owners invite only friends; the invitee sees the room live, and renames are system messages", async () => {
  await withServer(async (server) => {
    const owner = await registerUser(server.url, "owner");
    const friend = await registerUser(server.url, "friend");
    const stranger = await registerUser(server.url, "stranger");
    await api(server.url, owner, "POST", "/api/friends/requests", { username: friend.name });
    await api(server.url, friend, "POST", `/api/friends/requests/${owner.name}/accept`);
    const room = (await privateRoom(server, owner)).id;
    const invitePath = `/api/rooms/${room}/invites`;
    const refused = await api(server.url, owner, "POST", invitePath, { username: stranger.name });
    assert.equal(refused.status, 403);
    assert.equal((await server.kv.get(keys.roomMember(room, stranger.id))).versionstamp, null);
    const f = await openSocket(server.url, friend);
    const invited = await api(server.url, owner, "POST", invitePath, { username: friend.name });
    assert.equal(invited.status, 204);
    const notice = await f.next("user_event", (e) => e.event.kind === "room_joined");
    assert.ok(notice.event.kind === "room_joined" && notice.event.room.id === room);
    assert.equal(
      (await api(server.url, friend, "POST", invitePath, { username: owner.name })).status,
      403,
    );

    await f.subscribe(room);
    const renamed = await api(server.url, owner, "PATCH", `/api/rooms/${room}`, {
      name: "renamed",
      topic: "new topic",
    });
    assert.equal(renamed.status, 204);
    const rename = await f.next("message", (m) => /renamed the room/.test(m.text));
    assert.equal(rename.kind, "system");
    await f.next("message", (m) => /set the topic: new topic/.test(m.text));
    await f.next("user_event", (e) => e.event.kind === "room_updated");
    await f.close();
  });
});

Deno.test("a room from before roles: its creator is the owner and its other members are members", async () => {
  await withServer(async (server) => {
    const creator = await registerUser(server.url, "creator");
    const old = await registerUser(server.url, "old");
    const room = "legacyroom";
    await server.kv.atomic()
      .set(keys.room(room), {
        id: room,
        name: "legacy",
        topic: "",
        createdAt: 1,
        createdBy: creator.id,
        visibility: "public",
      })
      .set(keys.roomMember(room, creator.id), { joinedAt: 1 })
      .set(keys.userRoom(creator.id, room), { joinedAt: 1 })
      .set(keys.roomMember(room, old.id), { joinedAt: 2 })
      .set(keys.userRoom(old.id, room), { joinedAt: 2 })
      .commit();
    assert.deepEqual(await roster(server, old, room), {
      [creator.name]: "owner",
      [old.name]: "member",
    });
    assert.equal(await act(server, old, room, creator, "kick"), 403);
    assert.equal(await act(server, creator, room, old, "kick"), 204);
  });
});
