/**
 * Integration tests of accounts and sessions over real HTTP and WebSockets.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { InviteLinkView, RoomSummary } from "../lib/common/api_types.ts";
import { readConfig } from "../lib/server/config.ts";
import { api, registerUser, TestSocket } from "./helpers/chat_client.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { startTestServer } from "./helpers/test_server.ts";

async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; body: unknown; cookie: string | null }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: await response.json(),
    cookie: response.headers.get("set-cookie"),
  };
}

Deno.test("registration sets an HttpOnly SameSite=Lax session cookie and refuses a name taken in another case", async () => {
  const server = await startTestServer();
  try {
    const first = await postJson(`${server.url}/api/auth/register`, {
      username: "Alice_1",
      password: "long enough pw",
    });
    assert.equal(first.status, 201);
    const cookie = first.cookie!;
    assert.match(cookie, /^sid=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/i, "no Secure flag over plain http");

    const again = await postJson(`${server.url}/api/auth/register`, {
      username: "alice_1",
      password: "another password",
    });
    assert.deepEqual([again.status, again.body], [409, {
      error: "That username is taken",
      code: "refusal.usernameTaken",
    }]);
    assert.equal(again.cookie, null);
    for (const username of ["ab", "has space", "<script>", "x".repeat(33)]) {
      const bad = await postJson(`${server.url}/api/auth/register`, {
        username,
        password: "long enough pw",
      });
      assert.equal(bad.status, 400, username);
    }
    const short = await postJson(`${server.url}/api/auth/register`, {
      username: "bob_1",
      password: "short",
    });
    assert.equal(short.status, 400);
  } finally {
    await server.close();
  }
});

Deno.test("login answers an unknown name and a wrong password identically", async () => {
  const server = await startTestServer();
  try {
    const alice = await registerUser(server.url, "alice");
    const wrong = await postJson(`${server.url}/api/auth/login`, {
      username: alice.name,
      password: "not the password",
    });
    const unknown = await postJson(`${server.url}/api/auth/login`, {
      username: "nobody_here",
      password: "not the password",
    });
    assert.deepEqual([wrong.status, wrong.body], [401, {
      error: "Wrong username or password",
      code: "refusal.wrongCredentials",
    }]);
    assert.deepEqual([unknown.status, unknown.body], [wrong.status, wrong.body]);
    const right = await postJson(`${server.url}/api/auth/login`, {
      username: alice.name.toUpperCase(),
      password: "correct horse battery",
    });
    assert.equal(right.status, 200, "login ignores the case of the name");
  } finally {
    await server.close();
  }
});

Deno.test("an expired session is refused by the API and by the WebSocket upgrade, and its open socket is closed", async () => {
  const clock = new FakeClock(Date.now());
  const server = await startTestServer({
    clock,
    config: { ...readConfig({}), sessionTtlMs: 60_000, heartbeatMs: 1_000 },
  });
  try {
    const alice = await registerUser(server.url, "alice");
    const socket = new TestSocket(server.url, alice);
    await socket.next("welcome");
    clock.advance(61_000);
    const me = await fetch(`${server.url}/api/me`, { headers: { cookie: alice.cookie } });
    await me.body?.cancel();
    assert.equal(me.status, 401);
    const refused = new TestSocket(server.url, alice);
    await assert.rejects(refused.opened);
    await refused.closed;
    // The heartbeat runs on a real 1 s timer; the expiry is judged by the injected clock.
    const closed = await socket.closed;
    assert.equal(closed.code, 4001);
  } finally {
    await server.close();
  }
});

Deno.test("a uid cookie naming another user changes nobody's identity: the API and the WebSocket serve the session's own user", async () => {
  const server = await startTestServer();
  try {
    const [alice, bob] = [
      await registerUser(server.url, "alice"),
      await registerUser(server.url, "bob"),
    ];
    assert.match(alice.cookie, new RegExp(`; uid=${alice.id}$`), "registration set the hint");
    const aliceSession = alice.cookie.split("; ")[0]!;
    for (const hint of [`uid=${bob.id}`, "uid=nobody", `uid=${"x".repeat(3000)}`, ""]) {
      const forged = { ...alice, cookie: `${aliceSession}; ${hint}` };
      const me = await api<{ user: { id: string } }>(server.url, forged, "GET", "/api/me");
      assert.deepEqual([me.status, me.body.user.id], [200, alice.id], hint.slice(0, 20));
      const socket = new TestSocket(server.url, forged);
      const welcome = await socket.next("welcome");
      assert.equal(welcome.user.id, alice.id, hint.slice(0, 20));
      await socket.close();
    }
  } finally {
    await server.close();
  }
});

Deno.test("the HTML forms register, log in and log out without JavaScript, and refuse cross-site posts", async () => {
  const server = await startTestServer();
  try {
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const headers = { "content-type": "application/x-www-form-urlencoded", origin: server.url };
    const registered = await fetch(`${server.url}/register`, {
      method: "POST",
      headers,
      body: form({ username: "formuser", password: "long enough pw" }),
      redirect: "manual",
    });
    await registered.body?.cancel();
    assert.equal(registered.status, 303);
    assert.equal(registered.headers.get("location"), "/");
    const cookie = registered.headers.get("set-cookie")!.split(";")[0]!;

    const page = await fetch(`${server.url}/`, { headers: { cookie } });
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /data-island="ChatApp"/);

    const crossSite = await fetch(`${server.url}/logout`, {
      method: "POST",
      headers: { ...headers, origin: "https://evil.example", cookie },
      redirect: "manual",
    });
    await crossSite.body?.cancel();
    assert.equal(crossSite.status, 403);
    const stillIn = await fetch(`${server.url}/api/me`, { headers: { cookie } });
    await stillIn.body?.cancel();
    assert.equal(stillIn.status, 200, "a cross-site logout post changed nothing");

    const bad = await fetch(`${server.url}/login`, {
      method: "POST",
      headers,
      body: form({ username: "formuser", password: "wrong password" }),
    });
    assert.equal(bad.status, 401);
    assert.match(await bad.text(), /Wrong username or password/);

    const out = await fetch(`${server.url}/logout`, {
      method: "POST",
      headers: { ...headers, cookie },
      redirect: "manual",
    });
    await out.body?.cancel();
    assert.equal(out.status, 303);
    const gone = await fetch(`${server.url}/api/me`, { headers: { cookie } });
    await gone.body?.cancel();
    assert.equal(gone.status, 401);
  } finally {
    await server.close();
  }
});

Deno.test("an invite link opened while logged out survives sign-up: login keeps next, the register link too, and success goes there", async () => {
  const server = await startTestServer();
  try {
    const owner = await registerUser(server.url, "owner");
    const room = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
      name: "hideout",
      visibility: "private",
    });
    const link = await api<InviteLinkView>(
      server.url,
      owner,
      "POST",
      `/api/rooms/${room.body.room.id}/links`,
      { expiresInHours: 1, maxUses: 1 },
    );
    const joinPath = link.body.url;

    const opened = await fetch(`${server.url}${joinPath}`, { redirect: "manual" });
    await opened.body?.cancel();
    assert.equal(opened.status, 302);
    const login = opened.headers.get("location")!;
    assert.equal(login, `/login?next=${encodeURIComponent(joinPath)}`);

    const loginPage = await (await fetch(`${server.url}${login}`)).text();
    assert.ok(loginPage.includes(`name="next" value="${joinPath}"`), "the form keeps next");
    const registerHref = `/register?next=${encodeURIComponent(joinPath)}`;
    assert.ok(loginPage.includes(`href="${registerHref}"`), "the sign-up link keeps next");
    const registerPage = await (await fetch(`${server.url}${registerHref}`)).text();
    assert.ok(registerPage.includes(`name="next" value="${joinPath}"`));

    const headers = { "content-type": "application/x-www-form-urlencoded", origin: server.url };
    const taken = await fetch(`${server.url}/register`, {
      method: "POST",
      headers,
      body: new URLSearchParams({
        username: owner.name,
        password: "long enough pw",
        next: joinPath,
      }),
    });
    assert.equal(taken.status, 409);
    assert.ok((await taken.text()).includes(`name="next" value="${joinPath}"`), "kept on failure");

    const registered = await fetch(`${server.url}/register`, {
      method: "POST",
      headers,
      body: new URLSearchParams({
        username: "newcomer",
        password: "long enough pw",
        next: joinPath,
      }),
      redirect: "manual",
    });
    await registered.body?.cancel();
    assert.equal(registered.status, 303);
    assert.equal(registered.headers.get("location"), joinPath);
    const cookie = registered.headers.get("set-cookie")!.split(";")[0]!;

    const page = await fetch(`${server.url}${joinPath}`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Join “hideout”/);
    const joined = await fetch(`${server.url}${joinPath}`, {
      method: "POST",
      headers: { ...headers, cookie },
      redirect: "manual",
    });
    await joined.body?.cancel();
    assert.equal(joined.status, 303);
    assert.equal(joined.headers.get("location"), `/#room=${room.body.room.id}`);
  } finally {
    await server.close();
  }
});

Deno.test("login and sign-up never redirect to another site, whatever next says", async () => {
  const server = await startTestServer();
  try {
    const user = await registerUser(server.url, "victim");
    const headers = { "content-type": "application/x-www-form-urlencoded", origin: server.url };
    const hostile = [
      "//evil.example",
      "/\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "/\t/evil.example",
    ];
    for (const next of hostile) {
      const what = JSON.stringify(next);
      const loggedIn = await fetch(`${server.url}/login`, {
        method: "POST",
        headers,
        body: new URLSearchParams({ username: user.name, password: "correct horse battery", next }),
        redirect: "manual",
      });
      await loggedIn.body?.cancel();
      assert.equal(loggedIn.status, 303, what);
      assert.equal(loggedIn.headers.get("location"), "/", what);
      const registered = await fetch(`${server.url}/register`, {
        method: "POST",
        headers,
        body: new URLSearchParams({
          username: `new${hostile.indexOf(next)}`,
          password: "pw long enough",
          next,
        }),
        redirect: "manual",
      });
      await registered.body?.cancel();
      assert.equal(registered.headers.get("location"), "/", what);
      const query = `next=${encodeURIComponent(next)}`;
      const form = await (await fetch(`${server.url}/login?${query}`)).text();
      assert.ok(!form.includes('name="next"'), `no next kept for ${what}`);
      const signedIn = await fetch(`${server.url}/login?${query}`, {
        headers: { cookie: user.cookie },
        redirect: "manual",
      });
      await signedIn.body?.cancel();
      assert.equal(signedIn.headers.get("location"), "/", `a signed-in visitor goes home: ${what}`);
    }
    const local = await fetch(`${server.url}/login?next=${encodeURIComponent("/#room=x")}`, {
      headers: { cookie: user.cookie },
      redirect: "manual",
    });
    await local.body?.cancel();
    assert.equal(local.headers.get("location"), "/#room=x");
  } finally {
    await server.close();
  }
});
