/**
 * Integration tests of what an account deletion reaches beyond the rooms the account is in, and
 * of its answer: the invite links it made are revoked (in a group it had left too, and also
 * links made before they were listed under their maker), its messages with files in rooms it had
 * left are deleted as in the rooms it is in (its text messages stay, as there), both also when a
 * resume round finishes a deletion a crash cut off, and the request is answered as soon as the
 * account can no longer sign in, while the rest of the deletion runs on. Real server, real KV,
 * real HTTP and WebSocket.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { InviteLinkView, RoomSummary } from "../lib/common/api_types.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { systemClock } from "../lib/common/clock.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { Accounts } from "../lib/accounts/accounts.ts";
import { DELETION_CLAIM_MS } from "../lib/accounts/account_deletion.ts";
import { FileSweeper, SWEEP_GRACE_MS } from "../lib/files/file_sweeper.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { api, openSocket, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { deleteAccount, sendPhotoAndWords } from "./helpers/account_deletion.ts";
import { withHeldCommits } from "./helpers/commit_scheduler.ts";
import { call } from "./helpers/in_process_api.ts";
import { encodePng } from "./helpers/png.ts";
import { startTestServer, type TestServer, withTestServer } from "./helpers/test_server.ts";
import { uploadFile } from "./helpers/upload.ts";

const PASSWORD = "correct horse battery";

async function group(server: TestServer, owner: TestUser, visibility: "public" | "private") {
  const made = await api<{ room: RoomSummary }>(server.url, owner, "POST", "/api/rooms", {
    name: "club",
    visibility,
  });
  assert.equal(made.status, 201);
  return made.body.room.id;
}

async function link(server: TestServer, maker: TestUser, room: string): Promise<string> {
  const made = await api<InviteLinkView>(server.url, maker, "POST", `/api/rooms/${room}/links`, {
    expiresInHours: 24,
    maxUses: 10,
  });
  assert.equal(made.status, 201);
  return made.body.token;
}

async function accept(server: TestServer, user: TestUser, token: string) {
  return await api<{ error?: string }>(server.url, user, "POST", `/api/links/${token}/accept`);
}

/**
 * Bob's private group, which Alice joins by Bob's link and is made an admin of, then makes a
 * link to: the room, Bob's link and hers.
 */
async function linkOfAnAdmin(server: TestServer, alice: TestUser, bob: TestUser) {
  const room = await group(server, bob, "private");
  const bobs = await link(server, bob, room);
  assert.equal((await accept(server, alice, bobs)).status, 200);
  const promote = `/api/rooms/${room}/members/${alice.id}/promote`;
  assert.equal((await api(server.url, bob, "POST", promote)).status, 204);
  return { room, bobs, hers: await link(server, alice, room) };
}

/** The join page of a link as `user` sees it: its status and whether it calls the link invalid. */
async function joinPage(server: TestServer, user: TestUser, token: string) {
  const page = await fetch(`${server.url}/join/${token}`, { headers: { cookie: user.cookie } });
  return { status: page.status, invalid: /invalid or has expired/.test(await page.text()) };
}

/** Every KV key of an invite link (under its token, its room or its maker) that names `userId`. */
async function linksOf(kv: Deno.Kv, userId: string): Promise<string[]> {
  const found: string[] = [];
  for (const kind of ["invite", "room_invite", "user_invite"]) {
    for await (const entry of kv.list<{ createdBy?: string }>({ prefix: [kind] })) {
      if (entry.value.createdBy === userId || entry.key[1] === userId) {
        found.push(JSON.stringify(entry.key));
      }
    }
  }
  return found;
}

/**
 * Bob's public room, which Alice joins, posts a photo and words in, and leaves; the seqs of
 * her two messages and the file's id.
 */
async function postedAndLeft(server: TestServer, alice: TestUser, bob: TestUser) {
  const room = await group(server, bob, "public");
  assert.equal((await api(server.url, alice, "POST", `/api/rooms/${room}/join`)).status, 200);
  const image = await uploadFile(server.url, alice, encodePng(8, 6, () => [9, 8, 7]), "p", "");
  assert.equal(image.status, 200);
  const socket = await openSocket(server.url, alice);
  try {
    await socket.subscribe(room);
    const sent = await sendPhotoAndWords(socket, room, image.body.id, "words stay");
    assert.equal((await api(server.url, alice, "POST", `/api/rooms/${room}/leave`)).status, 204);
    return { room, ...sent, fileId: image.body.id };
  } finally {
    await socket.close();
  }
}

/** Whether the file is still stored once a sweep runs after every grace period has passed. */
async function fileKeptBySweep(kv: Deno.Kv, fileId: string): Promise<boolean> {
  const later = { now: () => Date.now() + SWEEP_GRACE_MS + 1 };
  await new FileSweeper(kv, later, { expireAbandoned: () => Promise.resolve(0) }).sweep();
  return (await kv.get(keys.file(fileId))).versionstamp !== null;
}

/** What stays of Alice's two messages in the room she left, and whether her file is served. */
async function afterDeletion(
  server: TestServer,
  viewer: TestUser,
  left: Awaited<ReturnType<typeof postedAndLeft>>,
) {
  const [photo, words] = await server.kv.getMany<[ChatMessage, ChatMessage]>([
    keys.message(left.room, left.photo),
    keys.message(left.room, left.words),
  ]);
  const served = await fetch(`${server.url}/api/files/${left.room}/${left.photo}/${left.fileId}`, {
    headers: { cookie: viewer.cookie },
  });
  await served.body?.cancel();
  return {
    photoDeleted: photo.value?.deleted === true,
    photoFiles: photo.value?.attachments?.length ?? 0,
    words: words.value?.text,
    fileServed: served.status,
  };
}

Deno.test("the invite links a deleted user made are refused as revoked links, in a group they had left too; other links still work", async () => {
  await withTestServer(async (server) => {
    const [alice, bob, carol, dave] = [
      await registerUser(server.url, "alice"),
      await registerUser(server.url, "bob"),
      await registerUser(server.url, "carol"),
      await registerUser(server.url, "dave"),
    ];
    // Bob's group: Alice joins it, becomes an admin, makes a link, and leaves.
    const { room: bobs, bobs: bobsFirst, hers: leftBehind } = await linkOfAnAdmin(
      server,
      alice,
      bob,
    );
    assert.equal((await api(server.url, alice, "POST", `/api/rooms/${bobs}/leave`)).status, 204);
    // Alice's own group, which Dave joined by her link: it passes to him.
    const hers = await group(server, alice, "private");
    const own = await link(server, alice, hers);
    assert.equal((await accept(server, dave, own)).status, 200);
    const bobsOwn = await link(server, bob, bobs);
    const revokedByBob = await link(server, bob, bobs);
    const revoke = `/api/rooms/${bobs}/links/${revokedByBob}`;
    assert.equal((await api(server.url, bob, "DELETE", revoke)).status, 204);

    assert.equal((await deleteAccount(server, alice, PASSWORD)).status, 204);

    const revoked = await accept(server, carol, revokedByBob);
    assert.equal(revoked.status, 404);
    for (const token of [leftBehind, own]) {
      const refused = await accept(server, carol, token);
      assert.equal(refused.status, 404);
      assert.deepEqual(refused.body, revoked.body, "the answer of a revoked link");
      assert.deepEqual(await joinPage(server, carol, token), { status: 404, invalid: true });
    }
    assert.deepEqual(await linksOf(server.kv, alice.id), []);
    // Bob's own link still admits people; Bob lists no link of Alice's.
    assert.equal((await accept(server, carol, bobsOwn)).status, 200);
    const listed = await api<{ links: InviteLinkView[] }>(
      server.url,
      bob,
      "GET",
      `/api/rooms/${bobs}/links`,
    );
    assert.deepEqual(listed.body.links.map((l) => l.token).sort(), [bobsFirst, bobsOwn].sort());
  });
});

Deno.test("a link made before links were listed under their maker is refused from the first commit of its maker's deletion", async () => {
  await withTestServer(async (server) => {
    const [alice, carol] = [
      await registerUser(server.url, "alice"),
      await registerUser(server.url, "carol"),
    ];
    const token = await link(server, alice, await group(server, alice, "private"));
    // As stored before 2026-12-03: no `user_invite` entry.
    await server.kv.delete(keys.userInvite(alice.id, token));
    assert.deepEqual(await joinPage(server, carol, token), { status: 200, invalid: false });
    // The deletion's first commit only, as if the node stopped right after it.
    assert.equal(
      await new Accounts(server.kv, systemClock).beginDeletion(alice.id, DELETION_CLAIM_MS),
      true,
    );
    assert.equal((await accept(server, carol, token)).status, 404);
    assert.deepEqual(await joinPage(server, carol, token), { status: 404, invalid: true });
  });
});

Deno.test("a link made before links were listed under their maker leaves its room's list, and the KV, once its maker is deleted", async () => {
  await withTestServer(async (server) => {
    const [alice, bob] = [
      await registerUser(server.url, "alice"),
      await registerUser(server.url, "bob"),
    ];
    // Bob's group: Alice joins it, is made an admin, makes a link, and leaves.
    const { room: bobs, bobs: bobsOwn, hers: old } = await linkOfAnAdmin(server, alice, bob);
    // As stored before 2026-12-03: no `user_invite` entry.
    await server.kv.delete(keys.userInvite(alice.id, old));
    assert.equal((await api(server.url, alice, "POST", `/api/rooms/${bobs}/leave`)).status, 204);
    const listed = async () =>
      (await api<{ links: InviteLinkView[] }>(server.url, bob, "GET", `/api/rooms/${bobs}/links`))
        .body.links.map((l) => l.token).sort();
    assert.deepEqual(await listed(), [bobsOwn, old].sort());

    assert.equal((await deleteAccount(server, alice, PASSWORD)).status, 204);

    assert.deepEqual(await listed(), [bobsOwn]);
    assert.deepEqual(await linksOf(server.kv, alice.id), []);
  });
});

Deno.test("a deleted user's messages with files in a room they had left are deleted, with the file; their words stay", async () => {
  await withTestServer(async (server) => {
    const [alice, bob] = [
      await registerUser(server.url, "alice"),
      await registerUser(server.url, "bob"),
    ];
    const left = await postedAndLeft(server, alice, bob);
    assert.deepEqual(await afterDeletion(server, bob, left), {
      photoDeleted: false,
      photoFiles: 1,
      words: "words stay",
      fileServed: 200,
    });

    assert.equal((await deleteAccount(server, alice, PASSWORD)).status, 204);

    assert.deepEqual(await afterDeletion(server, bob, left), {
      photoDeleted: true,
      photoFiles: 0,
      words: "words stay",
      fileServed: 404,
    });
    assert.equal(await fileKeptBySweep(server.kv, left.fileId), false);
    assert.deepEqual(
      await Array.fromAsync(server.kv.list({ prefix: keys.authorFiles(alice.id) })),
      [],
    );
  });
});

Deno.test("a deletion cut off after its first commit revokes the links and deletes the files in rooms left when a resume round finishes it", async () => {
  const kv = await Deno.openKv(":memory:");
  const clock = new FakeClock(Date.now());
  try {
    const first = await startTestServer({ kv, clock });
    let alice, bob, carol, left, token;
    try {
      [alice, bob, carol] = [
        await registerUser(first.url, "alice"),
        await registerUser(first.url, "bob"),
        await registerUser(first.url, "carol"),
      ];
      left = await postedAndLeft(first, alice, bob);
      token = await link(first, alice, await group(first, alice, "private"));
      // The node stops right after the deletion's first commit (as a crash would).
      assert.equal(await new Accounts(kv, clock).beginDeletion(alice.id, DELETION_CLAIM_MS), true);
    } finally {
      await first.close();
    }
    const second = await startTestServer({ kv, clock });
    try {
      clock.advance(DELETION_CLAIM_MS);
      assert.equal(await second.chat.accountDeletion.resume(), 1);
      assert.deepEqual(await afterDeletion(second, bob, left), {
        photoDeleted: true,
        photoFiles: 0,
        words: "words stay",
        fileServed: 404,
      });
      assert.deepEqual(await linksOf(kv, alice.id), []);
      assert.equal((await accept(second, carol, token)).status, 404);
    } finally {
      await second.close();
    }
  } finally {
    kv.close();
  }
});

Deno.test("the deletion is answered once the account can no longer sign in, while its last steps are still held, and ends after", async () => {
  const kv = await Deno.openKv(":memory:");
  // Holds one of the deletion's last commits (step 5's, which deletes the account's settings and
  // quota windows) until released.
  const { promise: lastStep, resolve: reachLastStep } = Promise.withResolvers<"last step">();
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  let heldKey = "";
  const holding = withHeldCommits(kv, (writes) => {
    if (!writes.some((key) => JSON.stringify(key) === heldKey)) return Promise.resolve();
    reachLastStep("last step");
    return released;
  });
  const server = await startTestServer({ kv: holding });
  try {
    const alice = await registerUser(server.url, "alice");
    heldKey = JSON.stringify(keys.receiptsOff(alice.id));
    const answer = call(server, alice, "POST", "/api/me/account/delete", { password: PASSWORD });
    // Before the fix, the answer waited for every step: the last one came first.
    const first = await Promise.race([answer.then(() => "answer" as const), lastStep]);
    assert.equal(first, "answer");
    assert.equal((await answer).status, 204);
    assert.equal((await api(server.url, alice, "GET", "/api/me")).status, 401);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ username: alice.name, password: PASSWORD }),
    });
    // The right password is told the deletion is under way, until it ends and the name is unknown.
    assert.equal(login.status, 403);
    assert.deepEqual(login.headers.getSetCookie(), []);
    assert.equal((await login.json()).code, "refusal.accountDeleting");
    assert.equal((await kv.get(keys.accountDeletion(alice.id))).versionstamp !== null, true);

    await lastStep;
    release();
    await server.chat.accountDeletion.settled();
    assert.equal((await kv.get(keys.user(alice.id))).versionstamp, null);
    assert.equal((await kv.get(keys.accountDeletion(alice.id))).versionstamp, null);
  } finally {
    release();
    await server.close();
    kv.close();
  }
});

Deno.test("a node serves while it lists older messages with files under their authors; a deletion begun meanwhile waits for the list and deletes the photo in a room left", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const first = await startTestServer({ kv });
    let alice, bob, left;
    try {
      [alice, bob] = [
        await registerUser(first.url, "alice"),
        await registerUser(first.url, "bob"),
      ];
      left = await postedAndLeft(first, alice, bob);
    } finally {
      await first.close();
    }
    // As stored before 2026-12-03: no `author_file` entries, no marker of the backfill.
    await kv.delete(keys.authorFile(alice.id, left.room, left.photo));
    await kv.delete(keys.authorFileIndexBuilt());
    // The next node's backfill is held at its first commit (one that writes entries only) until
    // the deletion reads Alice's rooms, its last read before it reads her list. Whether the
    // backfill had ended (its marker set) when the deletion reads her list is noted.
    const { promise: listing, resolve: reachListing } = Promise.withResolvers<void>();
    const { promise: released, resolve: release } = Promise.withResolvers<void>();
    const backfill = (writes: readonly Deno.KvKey[]) =>
      writes.length > 0 && writes.every((key) => key[0] === "author_file");
    const listReads: Promise<boolean>[] = [];
    const holding = withHeldCommits(kv, (writes) => {
      if (!backfill(writes)) return Promise.resolve();
      reachListing();
      return released;
    }, (selector) => {
      if (!("prefix" in selector)) return;
      const prefix = JSON.stringify(selector.prefix);
      if (prefix === JSON.stringify(keys.userRooms(alice!.id))) release();
      if (prefix === JSON.stringify(keys.authorFiles(alice!.id))) {
        listReads.push(kv.get(keys.authorFileIndexBuilt()).then((e) => e.versionstamp !== null));
      }
    });
    const second = await startTestServer({ kv: holding });
    try {
      // Before the fix, the node did not start until its backfill had ended.
      await listing;
      assert.equal((await api(second.url, bob, "GET", "/api/me")).status, 200);
      const answer = await api(second.url, alice, "POST", "/api/me/account/delete", {
        password: PASSWORD,
      });
      assert.equal(answer.status, 204);
      await second.chat.accountDeletion.settled();
      assert.deepEqual(await Promise.all(listReads), [true], "the list was read once complete");
      assert.deepEqual(await afterDeletion(second, bob, left), {
        photoDeleted: true,
        photoFiles: 0,
        words: "words stay",
        fileServed: 404,
      });
      assert.notEqual((await kv.get(keys.authorFileIndexBuilt())).versionstamp, null);
      assert.deepEqual(await Array.fromAsync(kv.list({ prefix: keys.authorFiles(alice.id) })), []);
    } finally {
      release();
      await second.close();
    }
  } finally {
    kv.close();
  }
});
