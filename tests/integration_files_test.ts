/**
 * Integration tests of files and images against a real server and real KV: uploads in parts
 * with limits and resume, storage once per content, the real type from the bytes, attachments
 * filled in by the server and delivered live, in history and on resume, downloads for members
 * only with the right headers and ranges, and the sweeper deleting files no message uses.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ConversationPage } from "../lib/common/api_types.ts";
import { type FinishedUpload, UPLOAD_PART_BYTES } from "../lib/common/attachments.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { FileSweeper, SWEEP_GRACE_MS } from "../lib/files/file_sweeper.ts";
import { Uploads } from "../lib/files/uploads.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { WindowCounter } from "../lib/limits/window_counter.ts";
import { readConfig } from "../lib/server/config.ts";
import { api, openSocket, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { encodePng } from "./helpers/png.ts";
import { withRoom } from "./helpers/room_fixture.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";
import { putParts, startUpload, uploadApi, uploadFile } from "./helpers/upload.ts";

const PNG = encodePng(32, 24, (x, y) => [x * 8, y * 8, 99]);

/** `count` pseudo-random bytes (deterministic, so a test can upload the same file twice). */
function bytesOf(count: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** A PNG whose header claims `width`×`height` pixels, in a few hundred bytes. */
function hugePng(width: number, height: number): Uint8Array<ArrayBuffer> {
  const png = encodePng(1, 1, () => [0, 0, 0]);
  const view = new DataView(png.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return png;
}

async function countKeys(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let count = 0;
  for await (const _ of kv.list({ prefix })) count++;
  return count;
}

async function download(server: TestServer, user: TestUser, path: string, range?: string) {
  const headers: Record<string, string> = { cookie: user.cookie };
  if (range) headers.range = range;
  const response = await fetch(`${server.url}${path}`, { headers });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

async function uploaded(
  server: TestServer,
  user: TestUser,
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
  type: string,
): Promise<FinishedUpload> {
  const finished = await uploadFile(server.url, user, bytes, name, type);
  assert.equal(finished.status, 200, finished.body.error);
  return finished.body;
}

Deno.test("a file over the size limit is refused before any byte is sent", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const refused = await startUpload(server.url, alice, bytesOf(2 << 20), "big.bin", "");
    assert.equal(refused.status, 413);
    assert.match(refused.body.error!, /at most 1 MiB/);
    assert.equal(await countKeys(server.kv, keys.uploads()), 0);
  }, { config: { limits: { ...defaultLimits(), maxUploadBytes: 1 << 20 } } });
});

Deno.test("a user with too many uploads in flight is refused another until one finishes", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const first = await startUpload(server.url, alice, bytesOf(10, 1), "a.bin", "");
    assert.equal((await startUpload(server.url, alice, bytesOf(10, 2), "b.bin", "")).status, 201);
    const third = await startUpload(server.url, alice, bytesOf(10, 3), "c.bin", "");
    assert.equal(third.status, 429);
    await uploadApi(server.url, alice, "DELETE", `/api/uploads/${first.body.id}`);
    assert.equal((await startUpload(server.url, alice, bytesOf(10, 3), "c.bin", "")).status, 201);
  }, { config: { limits: { ...defaultLimits(), uploadsInFlight: 2 } } });
});

Deno.test("an interrupted upload resumes from the parts the server lists as stored", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bytes = bytesOf(UPLOAD_PART_BYTES * 2 + 1000);
    const started = (await startUpload(server.url, alice, bytes, "data.bin", "")).body;
    assert.equal(started.parts, 3);
    await putParts(server.url, alice, started, bytes, 0, 2);
    const path = `/api/uploads/${started.id}`;
    const early = await uploadApi<{ error: string }>(server.url, alice, "POST", `${path}/finish`);
    assert.equal(early.status, 409);
    const status = await uploadApi<{ stored: number[] }>(server.url, alice, "GET", path);
    assert.deepEqual(status.body.stored, [0, 1]);
    await putParts(server.url, alice, started, bytes, 2, 3);
    const done = await uploadApi<FinishedUpload>(server.url, alice, "POST", `${path}/finish`);
    assert.equal(done.status, 200);
    assert.equal(done.body.size, bytes.length);
    assert.equal(done.body.type, "application/octet-stream");
    // Another user cannot see or touch the upload.
    const bob = await registerUser(server.url, "bob");
    assert.equal((await uploadApi(server.url, bob, "GET", path)).status, 404);
  });
});

Deno.test("a part of the wrong size, or bytes that do not match the hash, change nothing", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bytes = bytesOf(5000);
    const started = (await startUpload(server.url, alice, bytes, "x.bin", "")).body;
    const path = `/api/uploads/${started.id}`;
    const short = await uploadApi(server.url, alice, "PUT", `${path}/parts/0`, bytes.slice(1));
    assert.equal(short.status, 400);
    const other = bytesOf(5000, 7);
    assert.equal((await uploadApi(server.url, alice, "PUT", `${path}/parts/0`, other)).status, 204);
    const finish = await uploadApi<{ code: string }>(server.url, alice, "POST", `${path}/finish`);
    assert.equal(finish.status, 400);
    assert.equal(finish.body.code, "refusal.uploadHashMismatch");
    assert.equal(await countKeys(server.kv, keys.files()), 0);
    assert.equal(await countKeys(server.kv, ["file_chunk"]), 0);
  });
});

Deno.test("the same bytes uploaded by two users are stored once", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const bytes = bytesOf(UPLOAD_PART_BYTES + 10);
    const first = await uploaded(server, alice, bytes, "a.bin", "");
    const second = await uploaded(server, bob, bytes, "b.bin", "");
    assert.equal(first.id, second.id);
    assert.equal(await countKeys(server.kv, keys.files()), 1);
    // One blob: 8 chunks of the first part and one of the second.
    assert.equal(await countKeys(server.kv, ["file_chunk"]), 9);
  });
});

Deno.test("the type comes from the bytes: a PNG declared as WebP is a PNG with its size", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const file = await uploaded(server, alice, PNG, "photo.webp.png", "image/webp");
    assert.deepEqual(
      { type: file.type, width: file.width, height: file.height },
      { type: "image/png", width: 32, height: 24 },
    );
  });
});

Deno.test("an executable renamed .png is refused and nothing is stored", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const exe = bytesOf(4096);
    exe.set([0x4d, 0x5a], 0); // "MZ": a Windows executable
    const elf = bytesOf(4096);
    elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
    for (const bytes of [exe, elf]) {
      const refused = await uploadFile(server.url, alice, bytes, "cute-cat.png", "image/png");
      assert.equal(refused.status, 415);
      assert.match(refused.body.error!, /do not match its name or type/);
    }
    assert.equal(await countKeys(server.kv, keys.files()), 0);
    assert.equal(await countKeys(server.kv, ["file_chunk"]), 0);
    assert.equal(await countKeys(server.kv, keys.uploads()), 0);
  });
});

Deno.test("an image whose header claims a huge size (a decompression bomb) is refused", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const refused = await uploadFile(server.url, alice, hugePng(20_000, 20_000), "b.png", "");
    assert.equal(refused.status, 413);
    assert.match(refused.body.error!, /at most 50 megapixels/);
    assert.equal(await countKeys(server.kv, keys.files()), 0);
  });
});

Deno.test("an attached image reaches the room live, in history and on resume, described by the server", async () => {
  await withTestServer(async (server) => {
    await withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets, head }) => {
      const image = await uploaded(server, users.alice, PNG, "../../evil\u202e.png", "image/png");
      const thumb = await uploaded(server, users.alice, encodePng(8, 6, () => [1, 2, 3]), "t", "");
      sockets.alice.send({
        type: "send",
        room: room.id,
        clientId: "photo-0001",
        text: "  ",
        attachments: [{ id: image.id, thumb: thumb.id }],
      });
      const live = await sockets.bob.next("message", (frame) => frame.seq === head + 1);
      const expected = {
        id: image.id,
        name: "evil.png",
        size: PNG.length,
        type: "image/png",
        width: 32,
        height: 24,
        thumb: { id: thumb.id, width: 8, height: 6 },
      };
      assert.equal(live.text, "");
      assert.deepEqual(live.attachments, [expected]);
      const later = await openSocket(server.url, users.bob);
      try {
        await later.subscribe(room.id, head);
        const resumed = await later.next("message", (frame) => frame.seq === head + 1);
        assert.deepEqual(resumed.attachments, [expected]);
        later.send({ type: "history", room: room.id, ref: "h1" });
        const page = await later.next("history", (frame) => frame.ref === "h1");
        assert.deepEqual(page.messages.at(-1)!.attachments, [expected]);
      } finally {
        await later.close();
      }
    });
  });
});

Deno.test("a message of files alone previews its first file: a photo in the list, a file's name in a reply", async () => {
  await withTestServer(async (server) => {
    await withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets, head }) => {
      const { alice, bob } = users;
      const photo = await uploaded(server, alice, PNG, "cat.png", "image/png");
      const file = await uploaded(server, alice, bytesOf(300), "report.bin", "");
      const sendFile = (clientId: string, id: string, extra = {}) =>
        sockets.alice.send({
          type: "send",
          room: room.id,
          clientId,
          text: "",
          ...extra,
          attachments: [{ id }],
        });
      const lastOf = async () => {
        const page = await api<ConversationPage>(server.url, bob, "GET", "/api/conversations");
        return page.body.conversations.find((c) => c.room.id === room.id)?.last;
      };

      sendFile("gist-0001", photo.id);
      await sockets.bob.next("message", (frame) => frame.seq === head + 1);
      const last = await lastOf();
      assert.equal(last?.preview, "");
      assert.deepEqual(last?.file, { name: "cat.png", image: true });

      sendFile("gist-0002", file.id);
      const plain = await sockets.bob.next("message", (frame) => frame.seq === head + 2);
      assert.deepEqual((await lastOf())?.file, { name: "report.bin" });

      sockets.bob.send({
        type: "send",
        room: room.id,
        clientId: "gist-0003",
        text: "got it",
        replyTo: plain.seq,
      });
      const reply = await sockets.alice.next("message", (frame) => frame.seq === head + 3);
      assert.deepEqual(reply.replyTo, {
        seq: plain.seq,
        from: alice.id,
        author: alice.name,
        excerpt: "",
        file: { name: "report.bin" },
      });
      // A caption is the preview: no gist.
      sendFile("gist-0004", photo.id, { text: "our cat" });
      await sockets.bob.next("message", (frame) => frame.seq === head + 4);
      const captioned = await lastOf();
      assert.equal(captioned?.preview, "our cat");
      assert.equal(captioned && "file" in captioned, false);
    });
  });
});

Deno.test("a send naming a file the sender did not upload is refused and stores nothing", async () => {
  await withTestServer(async (server) => {
    await withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets, head }) => {
      const secret = await uploaded(server, users.alice, bytesOf(100), "secret.bin", "");
      // Bob knows the hash but never sent the bytes.
      sockets.bob.send({
        type: "send",
        room: room.id,
        clientId: "steal-0001",
        text: "look",
        attachments: [{ id: secret.id }],
      });
      const error = await sockets.bob.next("error", (frame) => frame.clientId === "steal-0001");
      assert.equal(error.code, "attachment_unavailable");
      const tooMany = Array.from({ length: 11 }, () => ({ id: secret.id }));
      sockets.alice.send({
        type: "send",
        room: room.id,
        clientId: "many-0001",
        text: "x",
        attachments: tooMany,
      });
      const bad = await sockets.alice.next("error", (frame) => frame.clientId === "many-0001");
      assert.equal(bad.code, "bad_frame");
      assert.equal((await sockets.bob.subscribe(room.id)).head, head);
    });
  });
});

Deno.test("downloads: members only, right headers, ranges; an SVG with script is an attachment", async () => {
  await withTestServer(async (server) => {
    await withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets, head }) => {
      const svg = new TextEncoder().encode(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
      );
      const svgFile = await uploaded(server, users.alice, svg, "logo.svg", "image/svg+xml");
      const bigBytes = bytesOf(3 * 61440 + 17);
      const big = await uploaded(server, users.alice, bigBytes, "数据.bin", "");
      const image = await uploaded(server, users.alice, PNG, "p.png", "image/png");
      sockets.alice.send({
        type: "send",
        room: room.id,
        clientId: "files-0001",
        text: "files",
        attachments: [{ id: svgFile.id }, { id: big.id }, { id: image.id }],
      });
      await sockets.bob.next("message", (frame) => frame.seq === head + 1);
      const base = `/api/files/${room.id}/${head + 1}`;

      const svgGot = await download(server, users.bob, `${base}/${svgFile.id}`);
      assert.equal(svgGot.response.status, 200);
      assert.equal(svgGot.response.headers.get("content-type"), "image/svg+xml");
      assert.match(svgGot.response.headers.get("content-disposition")!, /^attachment;/);
      assert.equal(svgGot.response.headers.get("x-content-type-options"), "nosniff");

      const pngGot = await download(server, users.bob, `${base}/${image.id}`);
      assert.deepEqual(pngGot.bytes, PNG);
      assert.match(pngGot.response.headers.get("content-disposition")!, /^inline;/);

      const whole = await download(server, users.bob, `${base}/${big.id}`);
      assert.deepEqual(whole.bytes, bigBytes);
      assert.match(whole.response.headers.get("content-disposition")!, /filename\*=UTF-8''%E6/);
      // A range across a chunk boundary.
      const part = await download(server, users.bob, `${base}/${big.id}`, "bytes=61000-62000");
      assert.equal(part.response.status, 206);
      assert.equal(
        part.response.headers.get("content-range"),
        `bytes 61000-62000/${bigBytes.length}`,
      );
      assert.deepEqual(part.bytes, bigBytes.slice(61000, 62001));
      const tail = await download(server, users.bob, `${base}/${big.id}`, "bytes=-5");
      assert.deepEqual(tail.bytes, bigBytes.slice(-5));
      const past = await download(server, users.bob, `${base}/${big.id}`, "bytes=999999-");
      assert.equal(past.response.status, 416);
      assert.equal(past.response.headers.get("content-range"), `bytes */${bigBytes.length}`);

      // Not a member: the same 404 as a file that does not exist.
      const carol = await registerUser(server.url, "carol");
      const outsider = await download(server, carol, `${base}/${image.id}`);
      assert.equal(outsider.response.status, 404);
      const wrongMessage = await download(
        server,
        users.bob,
        `/api/files/${room.id}/${head}/${image.id}`,
      );
      assert.equal(wrongMessage.response.status, 404);
      // Bob leaves: his access goes with his membership.
      await api(server.url, users.bob, "POST", `/api/rooms/${room.id}/leave`);
      assert.equal((await download(server, users.bob, `${base}/${image.id}`)).response.status, 404);
    });
  });
});

Deno.test("the sweeper deletes files no message uses once their uploads are old, and those of a deleted room", async () => {
  const clock = new FakeClock();
  await withTestServer(async (server) => {
    const uploads = new Uploads(server.kv, clock, {
      maxBytes: 1 << 20,
      inFlight: 10,
      perHour: 100,
    }, new WindowCounter(server.kv, clock, 3_600_000));
    const sweeper = new FileSweeper(server.kv, clock, uploads);
    await withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets, head }) => {
      const used = await uploaded(server, users.alice, bytesOf(100, 1), "used.bin", "");
      const unused = await uploaded(server, users.alice, bytesOf(100, 2), "unused.bin", "");
      const abandoned = await startUpload(server.url, users.alice, bytesOf(100, 3), "a.bin", "");
      await putParts(server.url, users.alice, abandoned.body, bytesOf(100, 3));
      sockets.alice.send({
        type: "send",
        room: room.id,
        clientId: "keep-0001",
        text: "keep",
        attachments: [{ id: used.id }],
      });
      await sockets.bob.next("message", (frame) => frame.seq === head + 1);

      assert.deepEqual(await sweeper.sweep(), { files: 0, refs: 0, uploads: 0 });
      clock.advance(SWEEP_GRACE_MS + 1);
      assert.deepEqual(await sweeper.sweep(), { files: 1, refs: 0, uploads: 1 });
      assert.equal((await server.kv.get(keys.file(unused.id))).value, null);
      assert.notEqual((await server.kv.get(keys.file(used.id))).value, null);

      const deleted = await api(server.url, users.alice, "DELETE", `/api/rooms/${room.id}`);
      assert.equal(deleted.status, 204);
      // The node sweeps by itself after a room is deleted.
      await server.chat.fileSweeper.settled();
      assert.equal(await countKeys(server.kv, keys.files()), 0);
      assert.equal(await countKeys(server.kv, ["file_chunk"]), 0);
      assert.equal(await countKeys(server.kv, ["file_ref"]), 0);
    });
  }, { clock });
});

function defaultLimits() {
  return readConfig({}).limits;
}
