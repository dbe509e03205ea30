/**
 * Integration tests of user and room avatars against a real server and real KV: uploads are
 * checked by size and magic bytes, a refused upload changes nothing, images are served only to
 * those who may see them, and changes reach other users live.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { PublicProfile } from "../lib/common/api_types.ts";
import { MAX_AVATAR_BYTES } from "../lib/common/api_types.ts";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "./helpers/chat_client.ts";
import { encodePng } from "./helpers/png.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

const PNG = encodePng(16, 16, (x, y) => [x * 16, y * 16, 128]);

/** Posts raw bytes as a user (or signed out), like the browser's upload. */
async function upload(
  server: TestServer,
  user: TestUser | undefined,
  path: string,
  body: BodyInit,
  type = "image/png",
): Promise<{ status: number; body: { error?: string; profile?: PublicProfile } | null }> {
  const headers: Record<string, string> = { origin: server.url, "content-type": type };
  if (user) headers.cookie = user.cookie;
  const response = await fetch(`${server.url}${path}`, { method: "POST", headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function fetchAs(server: TestServer, user: TestUser | undefined, path: string) {
  const response = await fetch(`${server.url}${path}`, {
    headers: user ? { cookie: user.cookie } : {},
  });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

async function profileOf(server: TestServer, user: TestUser): Promise<PublicProfile> {
  return (await api<{ profile: PublicProfile }>(server.url, user, "GET", "/api/me")).body.profile;
}

Deno.test("an uploaded avatar is served back with the same bytes, the sniffed type, nosniff and an immutable cache", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    // The client's Content-Type is ignored: the stored type comes from the bytes.
    const uploaded = await upload(server, alice, "/api/me/avatar", PNG, "image/webp");
    assert.equal(uploaded.status, 200);
    const url = uploaded.body!.profile!.avatarUrl!;
    assert.match(url, new RegExp(`^/api/avatars/users/${alice.id}/[\\w-]+$`));
    assert.equal((await profileOf(server, alice)).avatarUrl, url);
    const seen = await api<{ profile: PublicProfile }>(
      server.url,
      bob,
      "GET",
      `/api/users/${alice.name}`,
    );
    assert.equal(seen.body.profile.avatarUrl, url);

    const { response, bytes } = await fetchAs(server, bob, url);
    assert.equal(response.status, 200);
    assert.deepEqual(bytes, PNG);
    assert.equal(response.headers.get("content-type"), "image/png");
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.match(response.headers.get("cache-control")!, /max-age=31536000.*immutable/);
  });
});

Deno.test("an upload that is not a PNG, JPEG or WebP image is refused with 415 and changes nothing", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    await upload(server, alice, "/api/me/avatar", PNG);
    const before = await profileOf(server, alice);
    for (const body of ["<svg onload=alert(1)>", "GIF89a...", ""]) {
      const refused = await upload(server, alice, "/api/me/avatar", body, "image/png");
      assert.equal(refused.status, 415);
      assert.match(refused.body!.error!, /PNG, JPEG or WebP/);
    }
    assert.deepEqual(await profileOf(server, alice), before);
    assert.deepEqual((await fetchAs(server, alice, before.avatarUrl!)).bytes, PNG);
  });
});

Deno.test("an upload over 60 KiB is refused with 413, with or without Content-Length, and changes nothing", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const big = new Uint8Array(MAX_AVATAR_BYTES + 1);
    big.set(PNG.subarray(0, 8));
    const refused = await upload(server, alice, "/api/me/avatar", big);
    assert.equal(refused.status, 413);
    assert.match(refused.body!.error!, /at most 60 KiB/);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(big.subarray(i * 16384, (i + 1) * 16384));
        controller.close();
      },
    });
    assert.equal((await upload(server, alice, "/api/me/avatar", chunked)).status, 413);
    assert.equal((await profileOf(server, alice)).avatarUrl, undefined);
    const exact = new Uint8Array(MAX_AVATAR_BYTES);
    exact.set(PNG.subarray(0, 8));
    assert.equal((await upload(server, alice, "/api/me/avatar", exact)).status, 200);
  });
});

Deno.test("avatars cannot be uploaded or fetched without signing in (401)", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const url = (await upload(server, alice, "/api/me/avatar", PNG)).body!.profile!.avatarUrl!;
    assert.equal((await upload(server, undefined, "/api/me/avatar", PNG)).status, 401);
    assert.equal((await fetchAs(server, undefined, url)).response.status, 401);
    const room = await createRoom(server.url, alice);
    const path = `/api/rooms/${room.id}/avatar`;
    assert.equal((await upload(server, undefined, path, PNG)).status, 401);
  });
});

Deno.test("removing an avatar restores the generated default and the old URL stops serving", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const url = (await upload(server, alice, "/api/me/avatar", PNG)).body!.profile!.avatarUrl!;
    const removed = await api<{ profile: PublicProfile }>(
      server.url,
      alice,
      "DELETE",
      "/api/me/avatar",
    );
    assert.equal(removed.status, 200);
    assert.equal(removed.body.profile.avatarUrl, undefined);
    assert.deepEqual(await profileOf(server, alice), {
      id: alice.id,
      name: alice.name,
      displayName: alice.name,
      status: "",
    });
    assert.equal((await fetchAs(server, alice, url)).response.status, 404);
  });
});

Deno.test("a new avatar gets a new URL and reaches a user sharing a room live; display names keep", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    await createRoom(server.url, alice, [bob]);
    await api(server.url, alice, "PATCH", "/api/me/profile", { displayName: "Alice L." });
    const socket = new TestSocket(server.url, bob);
    try {
      await socket.opened;
      await socket.next("welcome");
      const first = (await upload(server, alice, "/api/me/avatar", PNG)).body!.profile!;
      const second = (await upload(server, alice, "/api/me/avatar", PNG)).body!.profile!;
      assert.notEqual(first.avatarUrl, second.avatarUrl);
      assert.equal(second.displayName, "Alice L.");
      const event = await socket.next(
        "user_event",
        (frame) =>
          frame.event.kind === "profile" && frame.event.profile.avatarUrl === second.avatarUrl,
      );
      assert.equal(event.type, "user_event");
      assert.equal((await fetchAs(server, bob, first.avatarUrl!)).response.status, 404);
    } finally {
      await socket.close();
    }
  });
});

Deno.test("a blocked user gets the same 404 for the blocker's avatar, by its old URL, as for an unknown user's", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const url = (await upload(server, alice, "/api/me/avatar", PNG)).body!.profile!.avatarUrl!;
    assert.equal((await fetchAs(server, bob, url)).response.status, 200, "before the block");
    const blocked = await api(server.url, alice, "POST", "/api/friends/blocks", {
      username: bob.name,
    });
    assert.equal(blocked.status, 204);

    const afterBlock = await fetchAs(server, bob, url);
    const version = url.split("/").pop()!;
    const unknown = await fetchAs(server, bob, `/api/avatars/users/nobody-here/${version}`);
    assert.equal(afterBlock.response.status, 404);
    assert.equal(unknown.response.status, 404);
    assert.deepEqual(afterBlock.bytes, unknown.bytes, "the two answers are the same bytes");
    assert.equal(
      (await fetchAs(server, alice, url)).response.status,
      200,
      "the owner still sees it",
    );
  });
});
