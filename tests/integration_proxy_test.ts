/**
 * Behind a TLS-terminating proxy (simulated: the request reaches the server as plain http with
 * `X-Forwarded-Proto: https`): the session cookie is `Secure` when `PUBLIC_URL` says https,
 * state-changing requests from foreign origins are refused whatever their content type, and
 * the WebSocket's Origin check follows `PUBLIC_URL`, not the `Host` header.
 *
 * @module
 */
import assert from "node:assert/strict";
import { api, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { rawUpgrade } from "./helpers/raw_websocket.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

const PUBLIC = "https://chat.example";

/** What a browser sends through the proxy: https outside, http inside. */
const proxied = { "x-forwarded-proto": "https", "x-forwarded-host": "chat.example" };

async function registerThroughProxy(server: TestServer, username: string) {
  return await fetch(`${server.url}/api/auth/register`, {
    method: "POST",
    headers: { ...proxied, origin: PUBLIC, "content-type": "application/json" },
    body: JSON.stringify({ username, password: "correct horse battery" }),
  });
}

Deno.test("behind a TLS proxy with PUBLIC_URL=https://…, the session cookie is __Host-sid with Secure, its user hint __Host-uid alike, both work for the API, and logout clears both", async () => {
  await withTestServer(async (server) => {
    const registered = await registerThroughProxy(server, "proxied");
    assert.equal(registered.status, 201);
    const setCookie = registered.headers.get("set-cookie")!;
    assert.match(setCookie, /^__Host-sid=[A-Za-z0-9_-]{43};/);
    for (const flag of ["; Secure", "; HttpOnly", "; SameSite=Lax", "; Path=/"]) {
      assert.ok(setCookie.includes(flag), `${flag} in ${setCookie}`);
    }
    assert.doesNotMatch(setCookie, /Domain=/i);
    const hint = registered.headers.getSetCookie().find((one) => one.startsWith("__Host-uid="))!;
    for (const flag of ["; Secure", "; HttpOnly", "; SameSite=Lax", "; Path=/"]) {
      assert.ok(hint.includes(flag), `${flag} in ${hint}`);
    }
    const cookie = registered.headers.getSetCookie().map((one) => one.split(";")[0]!).join("; ");
    const me = await fetch(`${server.url}/api/me`, { headers: { ...proxied, cookie } });
    assert.equal(me.status, 200);
    await me.body?.cancel();

    const out = await fetch(`${server.url}/api/auth/logout`, {
      method: "POST",
      headers: { ...proxied, origin: PUBLIC, cookie },
    });
    assert.equal(out.status, 204);
    const cleared = out.headers.getSetCookie();
    assert.match(cleared[0]!, /^__Host-sid=;.*Max-Age=0.*Secure/);
    assert.match(cleared[1]!, /^__Host-uid=;.*Max-Age=0.*Secure/);
  }, { config: { publicUrl: PUBLIC } });
});

Deno.test("without PUBLIC_URL the cookie is sid, Secure only when the request itself is https", async () => {
  await withTestServer(async (server) => {
    const response = await fetch(`${server.url}/api/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ username: "plainhttp", password: "correct horse battery" }),
    });
    const setCookie = response.headers.get("set-cookie")!;
    assert.match(setCookie, /^sid=/);
    assert.doesNotMatch(setCookie, /Secure/);
  });
});

Deno.test("a state-changing request from a foreign origin is refused with 403 whatever its content type, and changes nothing", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const write = (headers: Record<string, string>, body = JSON.stringify({ name: "owned" })) =>
      fetch(`${server.url}/api/rooms`, {
        method: "POST",
        headers: { cookie: alice.cookie, ...headers },
        body,
      });
    const refusedHeaders: Record<string, string>[] = [
      { origin: "http://evil.example", "content-type": "application/json" },
      { origin: "null", "content-type": "application/json" },
      { origin: "http://evil.example", "content-type": "text/plain" },
      { "sec-fetch-site": "cross-site", "content-type": "application/json" },
      { "sec-fetch-site": "same-site", "content-type": "application/json" },
      { "content-type": "application/x-www-form-urlencoded" },
    ];
    for (const headers of refusedHeaders) {
      const response = await write(headers);
      const body = await response.json() as { error: string };
      assert.equal(response.status, 403, JSON.stringify(headers));
      assert.equal(body.error, "Refused: this request came from another site");
    }
    const rooms = await api<{ joined: unknown[] }>(server.url, alice, "GET", "/api/rooms");
    assert.equal(rooms.body.joined.length, 0, "no room was created");

    for (const method of ["DELETE", "PATCH", "PUT"]) {
      const response = await fetch(`${server.url}/api/friends/blocks/someone`, {
        method,
        headers: { cookie: alice.cookie, origin: "http://evil.example" },
      });
      await response.body?.cancel();
      assert.equal(response.status, 403, method);
    }

    // Same origin, by Origin or by Sec-Fetch-Site, and a script without either, still work.
    const allowed: Record<string, string>[] = [
      { origin: server.url, "content-type": "application/json" },
      { "sec-fetch-site": "same-origin", "content-type": "application/json" },
      { "content-type": "application/json" },
    ];
    for (const [i, headers] of allowed.entries()) {
      const response = await write(headers, JSON.stringify({ name: `mine${i}` }));
      await response.body?.cancel();
      assert.equal(response.status, 201, JSON.stringify(headers));
    }
  });
});

Deno.test("with PUBLIC_URL the WebSocket Origin must be it, whatever the Host header says", async () => {
  let user!: TestUser;
  await withTestServer(async (server) => {
    user = await registerUser(server.url, "alice");
    const spoofed = await rawUpgrade(server.url, {
      cookie: user.cookie,
      host: "evil.example",
      origin: "http://evil.example",
    });
    spoofed.conn.close();
    assert.equal(spoofed.status, 403, "Host and Origin agreeing on a foreign site is refused");
    const own = await rawUpgrade(server.url, { cookie: user.cookie, origin: PUBLIC });
    own.conn.close();
    assert.equal(own.status, 101);
    const internal = await rawUpgrade(server.url, { cookie: user.cookie });
    internal.conn.close();
    assert.equal(internal.status, 403, "the proxy-side origin is not the public one");
  }, { config: { publicUrl: PUBLIC } });
});
