/**
 * Account deletion against writes that name only the user being deleted and commit after the
 * deletion listed what to remove, on a real server and a real KV, their commits interleaved in
 * a chosen order (`helpers/commit_scheduler.ts`):
 *
 * - a message with files, stored by another node's message writer (its commit held by the
 *   scheduler) from a send made just before the user's sockets closed: once both are done, no
 *   message of the deleted user carries a file, and the sweeper deletes the file;
 * - a request of the user that writes its own records: a profile, a notification level, the
 *   read receipt setting, an upload started or finished, KeyPackages published, a quota window
 *   counted after a room creation: once both are done, no KV key names the deleted user but
 *   those kept by design.
 *
 * The interleavings that broke before: the request read before the deletion began and
 * committed after the deletion had listed (or deleted) what it wrote, which stayed.
 *
 * And a whole life of an account, then its deletion: no KV key names it afterwards but those
 * kept by design; and a message with a file sent over a real socket as the account is deleted,
 * whichever lands first: no message keeps the file.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { Clock } from "../lib/common/clock.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { AttachmentResolver } from "../lib/files/attachment_resolver.ts";
import { FileSweeper, SWEEP_GRACE_MS } from "../lib/files/file_sweeper.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { timedClientId } from "../lib/common/client_id.ts";
import { AuthorGoneError } from "../lib/messages/message_store.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import { MessageWriter } from "../lib/messages/message_writer.ts";
import { api, createRoom, openSocket, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { type ScheduledNode, withScheduledNode } from "./helpers/scheduled_node.ts";
import { call } from "./helpers/in_process_api.ts";
import { deleteAccount, sendPhoto, sendPhotoAndWords } from "./helpers/account_deletion.ts";
import { encodePng } from "./helpers/png.ts";
import { startTestServer, type TestServer } from "./helpers/test_server.ts";
import { putParts, startUpload, uploadApi, uploadFile } from "./helpers/upload.ts";
import { createDevice, generateDeviceKeyPackage } from "../lib/common/e2e/mls_device.ts";

const PASSWORD = "correct horse battery";

type Node = ScheduledNode;

/**
 * Runs `fn` with a fresh node whose KV commits a `CommitScheduler` holds, except the
 * node's own message writer's (the deletion's deletes and "left" messages: one batch for every
 * actor's messages). The raced send's commit writes its `file_ref` entries, and is held.
 */
function withNode(fn: (node: Node) => Promise<void>): Promise<void> {
  const kind = (key: Deno.KvKey) => key[0];
  const nodeWriter = (writes: readonly Deno.KvKey[]) =>
    writes.some((key) => kind(key) === kind(keys.roomHead(""))) &&
    !writes.some((key) => kind(key) === kind(keys.fileRefs("")));
  return withScheduledNode(nodeWriter, fn);
}

/** A send with a file racing its author's deletion, both started as held actors. */
interface FileRace {
  deleted: TestUser;
  room: string;
  fileId: string;
  /** The deletion, as the actor "delete". */
  deletion: Promise<{ status: number }>;
  /**
   * The send, as the actor "send": another node's writer stores the message. Settles with
   * "stored", or the error the write was refused with.
   */
  sent: Promise<unknown>;
}

/**
 * Registers a user who joins another's public room and uploads an image, and starts the
 * user's account deletion and the send of a message with the image (both held).
 */
async function fileRace(node: Node): Promise<FileRace> {
  const { server, scheduler } = node;
  const [deleted, other] = await Promise.all([
    registerUser(server.url, "leaving"),
    registerUser(server.url, "staying"),
  ]);
  const made = await api<{ room: { id: string } }>(server.url, other, "POST", "/api/rooms", {
    name: "Raced",
    visibility: "public",
  });
  assert.equal(made.status, 201);
  const room = made.body.room.id;
  assert.equal((await api(server.url, deleted, "POST", `/api/rooms/${room}/join`)).status, 200);
  // Bytes of its own, so that every run stores a file of its own.
  const shade = races++ % 256;
  const image = await uploadFile(
    server.url,
    deleted,
    encodePng(4, 4, () => [shade, 9, 9]),
    "a",
    "",
  );
  assert.equal(image.status, 200);
  const fileId = image.body.id;
  // What the send's socket resolved from the user's claim before the deletion began.
  const attachments = await new AttachmentResolver(server.kv, clock).resolve(deleted.id, [
    { id: fileId },
  ]);
  assert.ok(Array.isArray(attachments));
  const writer = new MessageWriter(new KvMessageStore(scheduler.kv, clock), () => {});
  const deletion = startDeletion(node, deleted);
  const sent = scheduler.run("send", () =>
    writer.write({
      room,
      from: deleted.id,
      author: deleted.name,
      clientId: crypto.randomUUID(),
      text: "",
      attachments,
    }).then(() => "stored", (error) => error));
  return { deleted, room, fileId, deletion, sent };
}

const clock: Clock = { now: () => Date.now() };

/** Starts the deletion of `deleted`'s account as the held actor "delete". */
function startDeletion({ server, scheduler }: Node, deleted: TestUser) {
  return scheduler.run("delete", () => deleteAccount(server, deleted, PASSWORD));
}
let races = 0;

/** The stored messages of `userId` in `room` that still carry a file. */
async function withFiles(kv: Deno.Kv, room: string, userId: string): Promise<number[]> {
  const found: number[] = [];
  for await (const entry of kv.list<ChatMessage>({ prefix: keys.messages(room) })) {
    const message = entry.value as ChatMessage & { deleted?: unknown };
    if (message.from === userId && message.attachments?.length && !message.deleted) {
      found.push(message.seq);
    }
  }
  return found;
}

/**
 * Checks that the send was either stored before the deletion listed it (and then deleted by
 * it) or refused, and that a sweep after the grace period deletes the file.
 */
async function assertFileGone(kv: Deno.Kv, race: FileRace, trace: string): Promise<void> {
  assert.equal((await race.deletion).status, 204);
  const outcome = await race.sent;
  if (outcome !== "stored") assert.ok(outcome instanceof AuthorGoneError, String(outcome));
  assert.deepEqual(await withFiles(kv, race.room, race.deleted.id), [], trace);
  const later: Clock = { now: () => Date.now() + SWEEP_GRACE_MS + 1 };
  await new FileSweeper(kv, later, { expireAbandoned: () => Promise.resolve(0) }).sweep();
  assert.equal((await kv.get(keys.file(race.fileId))).versionstamp, null, trace);
}

Deno.test("a message with a file that read before its author's deletion began and commits after the deletion listed the author's messages is refused, and the file goes", async () => {
  await withNode(async (node) => {
    const race = await fileRace(node);
    const { scheduler } = node;
    // The send reads (no account check yet: the store trusts nothing it has not read) and is
    // held at its commit.
    await scheduler.step("send");
    // The deletion runs until its last commit: it has listed and deleted everything else.
    await scheduler.advanceUntil(
      "delete",
      (writes) =>
        writes.some((key) =>
          JSON.stringify(key) === JSON.stringify(keys.lastSeen(race.deleted.id))
        ),
    );
    await scheduler.finish("send");
    assert.ok(await race.sent instanceof AuthorGoneError);
    await scheduler.interleave([]);
    await assertFileGone(node.server.kv, race, scheduler.trace.join(" "));
  });
});

Deno.test("whatever the order of their commits, a message with a file sent as its author is deleted keeps no file", async () => {
  await withNode(async (node) => {
    await fc.assert(
      fc.asyncProperty(
        // The deletion makes about fifteen commits: the send starts after `before` of them, is
        // held at its commit for `during` more, then the two go on in any order.
        fc.nat({ max: 16 }),
        fc.nat({ max: 16 }),
        fc.array(fc.nat({ max: 1 }), { maxLength: 20 }),
        async (before, during, rest) => {
          const race = await fileRace(node);
          const { scheduler } = node;
          scheduler.trace.length = 0;
          const choices = [...Array(before).fill(0), 1, ...Array(during).fill(0), 1, ...rest];
          await scheduler.interleave(choices);
          await assertFileGone(node.server.kv, race, scheduler.trace.join(" "));
        },
      ),
      { numRuns: 30 },
    );
  });
});

/**
 * The KV keys that name `userId` (or, for login failures, `name`) once its deletion is over,
 * but for those SECURITY.md says are kept: the name's entry (`user_by_name`: the name stays
 * reserved) and the idempotency records of the messages it sent (`msg_client`, or `msg_sent`
 * for timed clientIds; kept with the messages, which stay).
 */
async function keysLeft(kv: Deno.Kv, userId: string, name: string): Promise<string[]> {
  const kept = new Set([
    kind(keys.roomClientIds("")),
    kind(keys.messageByClientId("", "", timedClientId(0, "any"))),
    kind(keys.userByName("")),
  ]);
  const found: string[] = [];
  for await (const entry of kv.list({ prefix: [] })) {
    const parts = entry.key.slice(1);
    const named = parts.includes(userId) || parts.includes(name.toLowerCase());
    if (named && !kept.has(kind(entry.key))) found.push(JSON.stringify(entry.key));
  }
  return found;
}

const kind = (key: Deno.KvKey) => key[0];

Deno.test("once an account is deleted, no KV key names it but its sent messages' idempotency records", async () => {
  const kv = await Deno.openKv(":memory:");
  const server = await startTestServer({ kv });
  let alice: TestUser | undefined;
  try {
    alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const wrongLogin = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ username: alice.name, password: "not her password" }),
    });
    assert.equal(wrongLogin.status, 401);
    await wrongLogin.body?.cancel();
    const room = (await createRoom(server.url, bob, [alice])).id;
    // Her own room (a quota window) with an invite link, a friend request (another quota
    // window), settings of every kind.
    const own = (await createRoom(server.url, alice, [], "mine")).id;
    const link = await api(server.url, alice, "POST", `/api/rooms/${own}/links`, {
      expiresInHours: 1,
      maxUses: 5,
    });
    assert.equal(link.status, 201);
    const asked = await api(server.url, alice, "POST", "/api/friends/requests", {
      username: bob.name,
    });
    assert.equal(asked.status, 201);
    const changes: [string, string, unknown][] = [
      ["PATCH", "/api/me/profile", { displayName: "Alice A", status: "here" }],
      ["PUT", `/api/me/notifications/${room}`, { level: "none" }],
      ["PUT", "/api/me/receipts", { enabled: false }],
    ];
    for (const [method, path, body] of changes) {
      assert.equal((await api(server.url, alice, method, path, body)).status, 200, path);
    }
    // A message with a file, one without, and a report of bob's message (a quota window).
    const image = await uploadFile(server.url, alice, encodePng(3, 3, () => [1, 2, 3]), "a", "");
    assert.equal(image.status, 200);
    const unfinished = await uploadApi(server.url, alice, "POST", "/api/uploads", {
      name: "b.bin",
      size: 10,
      type: "",
      sha256: "0".repeat(64),
    });
    assert.equal(unfinished.status, 201);
    const [mine, his] = await Promise.all([
      openSocket(server.url, alice),
      openSocket(server.url, bob),
    ]);
    await sendPhotoAndWords(mine, room, image.body.id);
    his.send({ type: "send", room, clientId: "hello-0001", text: "hello" });
    const hello = await his.next("ack", (frame) => frame.clientId === "hello-0001");
    const reported = await api(server.url, alice, "POST", "/api/reports", { room, seq: hello.seq });
    assert.ok(reported.status < 300, `report: ${reported.status}`);
    mine.send({ type: "read", ref: "read-1", room, seq: hello.seq });

    const deleted = await api(server.url, alice, "POST", "/api/me/account/delete", {
      password: PASSWORD,
    });
    assert.equal(deleted.status, 204);
    await server.chat.accountDeletion.settled();
    await mine.closed;
    await his.close();
  } finally {
    // Waits for the node's work in flight, the closed socket's "offline" included.
    await server.close();
  }
  try {
    assert.deepEqual(await keysLeft(kv, alice.id, alice.name), []);
  } finally {
    kv.close();
  }
});

/** A request of the user being deleted that writes its own records, raced against its deletion. */
interface OwnWrite {
  name: string;
  /** What the user did before; gives what `path` and `body` name (a room, an upload). */
  prepare?(server: TestServer, deleted: TestUser, other: TestUser): Promise<string>;
  method: string;
  path(named: string): string;
  body?(named: string): unknown;
  /** Whether a commit (given the keys it writes) is the write of the user's records. */
  writes(deleted: TestUser): (written: readonly Deno.KvKey[]) => boolean;
  /** Its answer when that commit comes after the deletion. */
  status: number;
}

/** A commit that writes a key of `kind` whose first part is the user's id. */
const writesOwn = (kindOf: Deno.KvKey) => (deleted: TestUser) => (written: readonly Deno.KvKey[]) =>
  written.some((key) => kind(key) === kind(kindOf) && key[1] === deleted.id);

/** A room of `other` that `deleted` joined; its id. */
async function joinedRoom(server: TestServer, deleted: TestUser, other: TestUser) {
  return (await createRoom(server.url, other, [deleted])).id;
}

const IMAGE = encodePng(5, 5, () => [7, 7, 7]);

const OWN_WRITES: OwnWrite[] = [
  {
    name: "a profile change",
    method: "PATCH",
    path: () => "/api/me/profile",
    body: () => ({ displayName: "Late name", status: "late" }),
    writes: writesOwn(keys.profile("")),
    status: 401,
  },
  {
    name: "a notification level",
    prepare: joinedRoom,
    method: "PUT",
    path: (room) => `/api/me/notifications/${room}`,
    body: () => ({ level: "none" }),
    writes: writesOwn(keys.notifyLevels("")),
    status: 401,
  },
  {
    name: "read receipts turned off",
    method: "PUT",
    path: () => "/api/me/receipts",
    body: () => ({ enabled: false }),
    writes: writesOwn(keys.receiptsOff("")),
    status: 401,
  },
  {
    name: "an upload started",
    method: "POST",
    path: () => "/api/uploads",
    body: () => ({ name: "late.bin", size: 10, type: "", sha256: "0".repeat(64) }),
    writes: writesOwn(keys.userUploads("")),
    status: 401,
  },
  {
    name: "an upload finished",
    prepare: async (server, deleted) => {
      const started = await startUpload(server.url, deleted, IMAGE, "late.png", "image/png");
      assert.equal(started.status, 201);
      await putParts(server.url, deleted, started.body, IMAGE);
      return started.body.id;
    },
    method: "POST",
    path: (upload) => `/api/uploads/${upload}/finish`,
    writes: writesOwn(keys.fileClaims("")),
    // The deletion deleted the upload (`Uploads.forget`), which the finish checks.
    status: 404,
  },
  {
    name: "KeyPackages published",
    prepare: async (_, deleted) => {
      const device = await createDevice(deleted.id, "device-late");
      return JSON.stringify((await generateDeviceKeyPackage(device)).encoded);
    },
    method: "PUT",
    path: () => "/api/e2e/devices/device-late/key_packages",
    body: (encoded) => ({ keyPackages: [JSON.parse(encoded)] }),
    writes: writesOwn(keys.e2eDevices("")),
    status: 401,
  },
  {
    name: "the quota window of a room created just before",
    method: "POST",
    path: () => "/api/rooms",
    body: () => ({ name: "Late", visibility: "public" }),
    writes: (deleted) => (written) => writesKey(keys.roomsCreated(deleted.id))(written),
    status: 201,
  },
];

const writesKey = (key: Deno.KvKey) => (written: readonly Deno.KvKey[]) =>
  written.some((one) => JSON.stringify(one) === JSON.stringify(key));

/** Registers the two users on `node`, prepares `race`, and starts the deletion and it (held). */
async function ownWriteRace(node: Node, race: OwnWrite) {
  const { server, scheduler } = node;
  const [deleted, other] = await Promise.all([
    registerUser(server.url, "leaving"),
    registerUser(server.url, "staying"),
  ]);
  const named = await race.prepare?.(server, deleted, other) ?? "";
  const deletion = startDeletion(node, deleted);
  const raced = scheduler.run(
    "race",
    () => call(server, deleted, race.method, race.path(named), race.body?.(named)),
  );
  return { deleted, deletion, raced };
}

for (const race of OWN_WRITES) {
  Deno.test(`${race.name}, read before its account's deletion began and committed after the deletion ended, leaves nothing of the account`, async () => {
    await withNode(async (node) => {
      const { scheduler, server } = node;
      const { deleted, deletion, raced } = await ownWriteRace(node, race);
      await scheduler.advanceUntil("race", race.writes(deleted));
      await scheduler.finish("delete");
      assert.equal((await deletion).status, 204);
      await scheduler.interleave([]);
      assert.equal((await raced).status, race.status);
      assert.deepEqual(await keysLeft(server.kv, deleted.id, deleted.name), []);
    });
  });
}

Deno.test("whatever the order of their commits, a write of its own records racing an account's deletion leaves nothing of the account", async () => {
  await withNode(async (node) => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OWN_WRITES),
        fc.nat({ max: 16 }),
        fc.nat({ max: 16 }),
        fc.array(fc.nat({ max: 1 }), { maxLength: 20 }),
        async (race, before, during, rest) => {
          const { deleted, deletion, raced } = await ownWriteRace(node, race);
          const { scheduler } = node;
          scheduler.trace.length = 0;
          const choices = [...Array(before).fill(0), 1, ...Array(during).fill(0), 1, ...rest];
          await scheduler.interleave(choices);
          const trace = `${race.name}, in the order ${scheduler.trace.join(" ")}`;
          assert.equal((await deletion).status, 204, trace);
          assert.ok((await raced).status < 500, trace);
          assert.deepEqual(await keysLeft(node.server.kv, deleted.id, deleted.name), [], trace);
        },
      ),
      { numRuns: 40 },
    );
  });
});

Deno.test("a message with a file sent over a real socket while its account is deleted leaves no message with the file, whichever lands first", async () => {
  const kv = await Deno.openKv(":memory:");
  const server = await startTestServer({ kv });
  let alice: TestUser | undefined;
  let room = "";
  let fileId = "";
  try {
    alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    room = (await createRoom(server.url, bob, [alice])).id;
    const image = await uploadFile(server.url, alice, encodePng(6, 2, () => [4, 5, 6]), "a", "");
    assert.equal(image.status, 200);
    fileId = image.body.id;
    const socket = await openSocket(server.url, alice);
    // Sent in the same turn as the deletion request: the two race through the node.
    sendPhoto(socket, room, fileId);
    const deleted = await api(server.url, alice, "POST", "/api/me/account/delete", {
      password: PASSWORD,
    });
    assert.equal(deleted.status, 204);
    await server.chat.accountDeletion.settled();
    await socket.closed;
  } finally {
    await server.close();
  }
  try {
    assert.deepEqual(await withFiles(kv, room, alice.id), []);
    const later: Clock = { now: () => Date.now() + SWEEP_GRACE_MS + 1 };
    await new FileSweeper(kv, later, { expireAbandoned: () => Promise.resolve(0) }).sweep();
    assert.equal((await kv.get(keys.file(fileId))).versionstamp, null);
  } finally {
    kv.close();
  }
});
