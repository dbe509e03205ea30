/**
 * Request bodies that stall, against a real chat node over a raw socket: a JSON body (a login,
 * before any session; a profile change) and an avatar image each send
 * their headers and part of their body, then nothing. The node gives up on the body after its
 * deadline (`BODY_SECONDS`; 1 s here; upload parts: tests/integration_upload_stall_test.ts) and answers 408 with
 * `Connection: close`, instead of holding the request (its handler, its buffered bytes) for as
 * long as the connection lives; nothing is changed, and the same client's next request works.
 * A chunked body (no `Content-Length`) over the limit is still refused with 413.
 *
 * @module
 */
import assert from "node:assert/strict";
import { readConfig } from "../lib/server/config.ts";
import { MAX_BODY_BYTES } from "../lib/server/chat_server.ts";
import { registerUser, type TestUser } from "./helpers/chat_client.ts";
import { encodePng } from "./helpers/png.ts";
import { readResponse, sendStalled, type StalledRequest } from "./helpers/raw_http.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";
import { uploadApi } from "./helpers/upload.ts";

/** The body deadline at 1 s, so that a stalled body is given up at once. */
const QUICK = {
  config: { limits: { ...readConfig({}).limits, bodyMs: 1000, uploadPartMs: 1000 } },
};

/** Sends `request`, stalls, and returns the node's answer (asserting it came at all). */
async function answerToStalled(server: TestServer, request: StalledRequest): Promise<string> {
  const conn = await sendStalled(server.url, request);
  // Nothing more is sent: the node must end the request by itself.
  const answer = await readResponse(conn, 10_000);
  conn.close();
  assert.ok(answer !== null, `the node still holds the stalled ${request.method} ${request.path}`);
  return answer;
}

/** Asserts `answer` is the 408 of a stalled body, closing the connection, with `code`. */
function assertTimedOut(answer: string, code: string): void {
  assert.match(answer, /^HTTP\/1\.1 408 /);
  assert.match(answer, /\r\nconnection: close\r\n/i);
  assert.match(answer, new RegExp(`"code":"${code.replace(".", "\\.")}"`));
}

/** `PATCH /api/me/profile` as `user` with the JSON `body`, of which `sent` bytes are sent. */
function profilePatch(user: TestUser, body: Uint8Array, sent: number): StalledRequest {
  return {
    method: "PATCH",
    path: "/api/me/profile",
    user,
    contentType: "application/json",
    body,
    sent,
  };
}

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

Deno.test("a login whose JSON body stops halfway is answered 408 after BODY_SECONDS, before any session", async () => {
  await withTestServer(async (server) => {
    await registerUser(server.url, "alice");
    const body = json({ username: "alice", password: "correct horse battery staple" });
    const answer = await answerToStalled(server, {
      method: "POST",
      path: "/api/auth/login",
      contentType: "application/json",
      body,
      sent: 10,
    });
    assertTimedOut(answer, "refusal.bodyTimeout");
    assert.doesNotMatch(answer, /set-cookie/i);
  }, QUICK);
});

Deno.test("a profile change whose JSON body stops halfway is answered 408 and changes nothing; the next one works", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const body = json({ displayName: "Alice Stalled" });
    const answer = await answerToStalled(server, profilePatch(alice, body, body.length - 2));
    assertTimedOut(answer, "refusal.bodyTimeout");
    const me = await uploadApi<{ profile: { displayName?: string } }>(
      server.url,
      alice,
      "GET",
      "/api/me",
    );
    assert.notEqual(me.body.profile.displayName, "Alice Stalled");
    const changed = await uploadApi<{ profile: { displayName: string } }>(
      server.url,
      alice,
      "PATCH",
      "/api/me/profile",
      { displayName: "Alice Whole" },
    );
    assert.equal(changed.status, 200);
    assert.equal(changed.body.profile.displayName, "Alice Whole");
  }, QUICK);
});

Deno.test("an avatar whose image body stops halfway is answered 408 and sets no avatar", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const png = encodePng(64, 64, (x, y) => [x * 4, y * 4, 90]);
    const answer = await answerToStalled(server, {
      method: "POST",
      path: "/api/me/avatar",
      user: alice,
      contentType: "image/png",
      body: png,
      sent: Math.floor(png.length / 2),
    });
    assertTimedOut(answer, "refusal.bodyTimeout");
    const me = await uploadApi<{ profile: { avatarUrl?: string } }>(
      server.url,
      alice,
      "GET",
      "/api/me",
    );
    assert.equal(me.body.profile.avatarUrl, undefined);
  }, QUICK);
});

Deno.test("a chunked JSON body over the body limit is refused with 413 as soon as it passes it", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const body = json({ displayName: "x".repeat(MAX_BODY_BYTES + 100) });
    const answer = await answerToStalled(server, {
      ...profilePatch(alice, body, body.length),
      chunked: true,
    });
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /"code":"refusal\.bodyTooLarge"/);
  }, QUICK);
});
