/**
 * Integration tests of administration against a real server: the first account is the
 * administrator (even when two sign up at once), every admin route refuses everyone else,
 * disabling an account closes its sockets at once and refuses its login, rooms are deleted,
 * and reported messages reach the administrator, who dismisses them, deletes the message or
 * disables its author.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { InviteLinkView, PublicUser, RoomLists } from "../lib/common/api_types.ts";
import { CLOSE_SESSION_ENDED } from "../lib/common/protocol.ts";
import { REPORTS_PER_HOUR } from "../lib/admin/reports.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { api, createRoom, openSocket, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { withRoom } from "./helpers/room_fixture.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

const PASSWORD = "correct horse battery";

/** Posts an admin form as `user`, the way the page's buttons do; the response unfollowed. */
async function adminPost(server: TestServer, user: TestUser | null, path: string) {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      ...(user ? { cookie: user.cookie } : {}),
      origin: server.url,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "back=%2Fadmin%3Ftab%3Dreports",
  });
  await response.body?.cancel();
  return response;
}

async function adminPage(server: TestServer, user: TestUser, query: string) {
  const response = await fetch(`${server.url}/admin?${query}`, {
    headers: { cookie: user.cookie },
  });
  return { status: response.status, html: await response.text() };
}

async function me(server: TestServer, user: TestUser) {
  return await api<{ user: PublicUser }>(server.url, user, "GET", "/api/me");
}

async function login(server: TestServer, username: string) {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  return { status: response.status, body: await response.json() };
}

async function reportIds(kv: Deno.Kv): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of kv.list({ prefix: keys.reports() })) ids.push(String(entry.key[1]));
  return ids;
}

Deno.test("the first account is the administrator; of two sign-ups at once exactly one is", async () => {
  await withTestServer(async (server) => {
    const [a, b] = await Promise.all([
      registerUser(server.url, "first"),
      registerUser(server.url, "second"),
    ]);
    const admins = [a, b].filter((user) => user.admin === true);
    assert.equal(admins.length, 1);
    assert.equal((await me(server, admins[0]!)).body.user.admin, true);
    const later = await registerUser(server.url, "later");
    assert.equal(later.admin, undefined);
    assert.equal((await me(server, later)).body.user.admin, undefined);
    // The header links the administrator, and only them, to the page.
    const page = async (user: TestUser) =>
      await (await fetch(`${server.url}/`, { headers: { cookie: user.cookie } })).text();
    assert.match(await page(admins[0]!), /data-testid="admin-link"/);
    assert.doesNotMatch(await page(later), /data-testid="admin-link"/);
  });
});

Deno.test("every admin route answers 403 to a member and 401 without a session, changing nothing", async () => {
  await withTestServer(async (server) => {
    const admin = await registerUser(server.url, "admin");
    await withRoom(server.url, ["bob", "carol"], async ({ room, users, sockets, head }) => {
      sockets.carol.send({ type: "send", room: room.id, clientId: "bad-00001", text: "rude" });
      await sockets.bob.waitForMessages(room.id, 1);
      const reported = await api<{ id: string }>(server.url, users.bob, "POST", "/api/reports", {
        room: room.id,
        seq: head + 1,
      });
      assert.equal(reported.status, 201);
      const id = reported.body.id;
      const posts = [
        `/admin/users/${users.carol.id}/disable`,
        `/admin/users/${users.carol.id}/enable`,
        `/admin/rooms/${room.id}/delete`,
        `/admin/reports/${id}/dismiss`,
        `/admin/reports/${id}/delete-message`,
        `/admin/reports/${id}/disable-author`,
      ];
      for (const path of posts) {
        assert.equal((await adminPost(server, users.bob, path)).status, 403, path);
        assert.equal((await adminPost(server, null, path)).status, 401, path);
      }
      for (const tab of ["users", "rooms", "reports"]) {
        const page = await adminPage(server, users.bob, `tab=${tab}`);
        assert.equal(page.status, 403);
        assert.doesNotMatch(page.html, /rude/);
        const signedOut = await fetch(`${server.url}/admin?tab=${tab}`, { redirect: "manual" });
        await signedOut.body?.cancel();
        assert.equal(signedOut.status, 302);
        assert.equal(signedOut.headers.get("location"), "/login?next=%2Fadmin");
      }
      // Nothing changed: carol still signed in, the room and the report still there.
      assert.equal((await me(server, users.carol)).status, 200);
      assert.notEqual((await server.kv.get(keys.room(room.id))).value, null);
      assert.deepEqual(await reportIds(server.kv), [id]);
      // A foreign page cannot make the administrator's browser post either.
      const forged = await fetch(`${server.url}/admin/users/${users.carol.id}/disable`, {
        method: "POST",
        redirect: "manual",
        headers: {
          cookie: admin.cookie,
          origin: "https://evil.example",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "",
      });
      await forged.body?.cancel();
      assert.equal(forged.status, 403);
      assert.equal((await me(server, users.carol)).status, 200);
    });
  });
});

Deno.test("disabling an account closes its open sockets at once and refuses its login until enabled", async () => {
  await withTestServer(async (server) => {
    const admin = await registerUser(server.url, "admin");
    const bob = await registerUser(server.url, "bob");
    const first = await openSocket(server.url, bob);
    const second = await openSocket(server.url, bob);
    const users = await adminPage(server, admin, `tab=users&q=${bob.name.slice(0, 4)}`);
    assert.match(users.html, new RegExp(bob.name));
    const disabled = await adminPost(server, admin, `/admin/users/${bob.id}/disable`);
    assert.equal(disabled.status, 303);
    const closes = await Promise.all([first.closed, second.closed]);
    assert.deepEqual(closes.map((event) => event.code), [CLOSE_SESSION_ENDED, CLOSE_SESSION_ENDED]);
    assert.equal((await me(server, bob)).status, 401);
    const refused = await login(server, bob.name);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "refusal.accountDisabled");
    // A wrong password still says only that: a guesser learns nothing about the account.
    const guess = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ username: bob.name, password: "not the password" }),
    });
    assert.equal(guess.status, 401);
    await guess.body?.cancel();
    // The administrator cannot lock themselves out.
    const self = await adminPost(server, admin, `/admin/users/${admin.id}/disable`);
    assert.match(self.headers.get("location")!, /error=refusal\.cannotDisableSelf/);
    assert.equal((await me(server, admin)).status, 200);

    assert.equal((await adminPost(server, admin, `/admin/users/${bob.id}/enable`)).status, 303);
    // Enabled again: the old sessions stay ended, a new login works.
    assert.equal((await me(server, bob)).status, 401);
    assert.equal((await login(server, bob.name)).status, 200);
  });
});

Deno.test("the administrator deletes a group room they are not in; its members lose it", async () => {
  await withTestServer(async (server) => {
    const admin = await registerUser(server.url, "admin");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    const room = await createRoom(server.url, bob, [carol], "doomed-room");
    assert.equal((await adminPage(server, admin, "tab=rooms&cursor=garbage!")).status, 400);
    const listed = await adminPage(server, admin, "tab=rooms&q=DOOMED");
    assert.match(listed.html, /#doomed-room/);
    const carolSocket = await openSocket(server.url, carol);
    await carolSocket.subscribe(room.id);
    assert.equal((await adminPost(server, admin, `/admin/rooms/${room.id}/delete`)).status, 303);
    await carolSocket.next("user_event", (frame) => frame.event.kind === "room_removed");
    await carolSocket.close();
    assert.equal((await server.kv.get(keys.room(room.id))).value, null);
    const lists = await api<RoomLists>(server.url, carol, "GET", "/api/rooms");
    assert.deepEqual(lists.body.joined.map((r) => r.id), []);
    assert.doesNotMatch((await adminPage(server, admin, "tab=rooms")).html, /doomed-room/);
  });
});

Deno.test("a report reaches the administrator, who dismisses it or deletes the message for everyone", async () => {
  await withTestServer(async (server) => {
    const admin = await registerUser(server.url, "admin");
    await withRoom(server.url, ["bob", "carol"], async ({ room, users, sockets, head }) => {
      sockets.carol.send({
        type: "send",
        room: room.id,
        clientId: "rude-0001",
        text: "<b>rude</b>",
      });
      await sockets.bob.waitForMessages(room.id, 1);
      const report = (reason: string) =>
        api<{ id: string }>(server.url, users.bob, "POST", "/api/reports", {
          room: room.id,
          seq: head + 1,
          reason,
        });
      const first = await report("insulting");
      assert.equal(first.status, 201);
      const page = await adminPage(server, admin, "tab=reports");
      // The message, its room, the reporter and the reason; the text escaped, never markup.
      assert.match(page.html, /&lt;b>rude&lt;\/b>/);
      assert.doesNotMatch(page.html, /<b>rude<\/b>/);
      assert.match(page.html, /insulting/);
      assert.match(page.html, new RegExp(users.bob.name));
      assert.match(page.html, /#general/);
      assert.equal(
        (await adminPost(server, admin, `/admin/reports/${first.body.id}/dismiss`)).status,
        303,
      );
      assert.deepEqual(await reportIds(server.kv), []);
      // Dismissed: the message is untouched.
      const kept = await server.kv.get<{ text: string }>(keys.message(room.id, head + 1));
      assert.equal(kept.value?.text, "<b>rude</b>");

      const second = await report("");
      const deleted = await adminPost(
        server,
        admin,
        `/admin/reports/${second.body.id}/delete-message`,
      );
      assert.equal(deleted.status, 303);
      // Every subscriber sees the delete, as a moderator's delete of that message.
      const action = await sockets.bob.next(
        "message",
        (frame) => frame.kind === "delete" && frame.target === head + 1,
      );
      assert.equal(action.from, admin.id);
      assert.deepEqual(await reportIds(server.kv), []);
      const stored = (await server.kv.get<{ deleted?: true; text: string }>(
        keys.message(room.id, head + 1),
      )).value;
      assert.equal(stored?.deleted, true);
      assert.equal(stored?.text, "");
    });
  });
});

Deno.test("disable author from a report closes the author's sockets and the report", async () => {
  await withTestServer(async (server) => {
    const admin = await registerUser(server.url, "admin");
    await withRoom(server.url, ["bob", "carol"], async ({ room, users, sockets, head }) => {
      sockets.carol.send({ type: "send", room: room.id, clientId: "spam-0001", text: "spam" });
      await sockets.bob.waitForMessages(room.id, 1);
      const report = await api<{ id: string }>(server.url, users.bob, "POST", "/api/reports", {
        room: room.id,
        seq: head + 1,
        reason: "spam",
      });
      const path = `/admin/reports/${report.body.id}/disable-author`;
      assert.equal((await adminPost(server, admin, path)).status, 303);
      assert.equal((await sockets.carol.closed).code, CLOSE_SESSION_ENDED);
      assert.equal((await login(server, users.carol.name)).status, 403);
      assert.deepEqual(await reportIds(server.kv), []);
    });
  });
});

Deno.test("only a member who can read someone else's message can report it, a limited number of times", async () => {
  await withTestServer(async (server) => {
    await registerUser(server.url, "admin");
    const outsider = await registerUser(server.url, "out");
    await withRoom(server.url, ["bob", "carol"], async ({ room, users, sockets, head }) => {
      sockets.carol.send({ type: "send", room: room.id, clientId: "msg-00001", text: "hello" });
      await sockets.bob.waitForMessages(room.id, 1);
      const report = (user: TestUser, seq: number, reason = "") =>
        api<{ code?: string }>(server.url, user, "POST", "/api/reports", {
          room: room.id,
          seq,
          reason,
        });
      assert.equal((await report(outsider, head + 1)).status, 404);
      assert.equal((await report(users.carol, head + 1)).status, 400);
      assert.equal((await report(users.bob, head + 99)).status, 404);
      assert.equal((await report(users.bob, head + 1, "x".repeat(501))).status, 400);
      assert.deepEqual(await reportIds(server.kv), []);
      for (let i = 0; i < REPORTS_PER_HOUR; i++) {
        assert.equal((await report(users.bob, head + 1)).status, 201);
      }
      const limited = await report(users.bob, head + 1);
      assert.equal(limited.status, 429);
      assert.equal(limited.body.code, "refusal.tooManyReports");
      assert.equal((await reportIds(server.kv)).length, REPORTS_PER_HOUR);
    });
  });
});

Deno.test("a disabled account's invite links refuse joins as paused, on the API and the join page, are listed as paused, and admit again once it is enabled", async () => {
  await withTestServer(async (server) => {
    const admin = await registerUser(server.url, "admin");
    const [bob, carol, dave] = [
      await registerUser(server.url, "bob"),
      await registerUser(server.url, "carol"),
      await registerUser(server.url, "dave"),
    ];
    // Bob's group; Carol joins and is made an admin, so she manages its links.
    const room = (await createRoom(server.url, bob, [], "club")).id;
    const made = await api<InviteLinkView>(server.url, bob, "POST", `/api/rooms/${room}/links`, {
      expiresInHours: 24,
      maxUses: 10,
    });
    assert.equal(made.status, 201);
    const token = made.body.token;
    assert.equal((await api(server.url, carol, "POST", `/api/links/${token}/accept`)).status, 200);
    const promote = `/api/rooms/${room}/members/${carol.id}/promote`;
    assert.equal((await api(server.url, bob, "POST", promote)).status, 204);
    const joinPage = async () => {
      const page = await fetch(`${server.url}/join/${token}`, { headers: { cookie: dave.cookie } });
      return { status: page.status, html: await page.text() };
    };
    const listed = async () =>
      (await api<{ links: InviteLinkView[] }>(server.url, carol, "GET", `/api/rooms/${room}/links`))
        .body.links.map((link) => ({ token: link.token, paused: link.paused ?? false }));
    assert.equal((await joinPage()).status, 200);

    assert.equal((await adminPost(server, admin, `/admin/users/${bob.id}/disable`)).status, 303);

    const refused = await api<{ error: string; code: string }>(
      server.url,
      dave,
      "POST",
      `/api/links/${token}/accept`,
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, "refusal.linkMakerDisabled");
    assert.equal(
      refused.body.error,
      "This invite link is paused: the account that made it is disabled",
    );
    const page = await joinPage();
    assert.equal(page.status, 403);
    assert.match(page.html, /This invite link is paused/);
    assert.doesNotMatch(page.html, /accept-invite/);
    assert.deepEqual(await listed(), [{ token, paused: true }]);
    assert.equal((await server.kv.get(keys.roomMember(room, dave.id))).versionstamp, null);

    assert.equal((await adminPost(server, admin, `/admin/users/${bob.id}/enable`)).status, 303);
    assert.deepEqual(await listed(), [{ token, paused: false }]);
    assert.equal((await joinPage()).status, 200);
    assert.equal((await api(server.url, dave, "POST", `/api/links/${token}/accept`)).status, 200);
    assert.notEqual((await server.kv.get(keys.roomMember(room, dave.id))).versionstamp, null);
  });
});
