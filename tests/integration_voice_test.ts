/**
 * Integration tests of voice and video messages against a real server and real KV: a
 * recording is an ordinary upload named in a `send` with its `media` (kind, length, waveform);
 * the server checks the type it found in the bytes and the configured longest length, refuses
 * a bounded-array or type violation with a clear error, and stores nothing then.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { FinishedUpload } from "../lib/common/attachments.ts";
import { WAVEFORM_PEAKS } from "../lib/common/recordings.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { readConfig } from "../lib/server/config.ts";
import { createRoom, registerUser, type TestUser } from "./helpers/chat_client.ts";
import { encodePng } from "./helpers/png.ts";
import { withRoom } from "./helpers/room_fixture.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";
import { uploadFile } from "./helpers/upload.ts";

/** The start of a WebM file (an EBML header whose DocType is `webm`), as Chromium records. */
function webmBytes(): Uint8Array<ArrayBuffer> {
  const docType = [...new TextEncoder().encode("webm")];
  const header = [0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x80 | docType.length, ...docType];
  const bytes = new Uint8Array(600);
  bytes.set([0x1a, 0x45, 0xdf, 0xa3, 0x80 | header.length, ...header]);
  return bytes;
}

/** The start of an Ogg Opus file, as Firefox records. */
function oggOpusBytes(): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(600);
  bytes.set(new TextEncoder().encode("OggS"), 0);
  bytes.set(new TextEncoder().encode("OpusHead"), 28);
  bytes[599] = 7;
  return bytes;
}

const WAVEFORM = Array.from({ length: WAVEFORM_PEAKS }, (_, i) => (i * 37) % 256);

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

Deno.test("a voice message reaches the room with its length and waveform, its type from its bytes", async () => {
  await withTestServer(async (server) => {
    await withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets, head }) => {
      const webm = await uploaded(server, users.alice, webmBytes(), "voice.webm", "audio/webm");
      const ogg = await uploaded(server, users.alice, oggOpusBytes(), "voice.opus", "audio/ogg");
      const media = { kind: "voice" as const, duration: 3.2, waveform: WAVEFORM };
      sockets.alice.send({
        type: "send",
        room: room.id,
        clientId: "voice-0001",
        text: "",
        attachments: [{ id: webm.id, media }, { id: ogg.id, media: { ...media, duration: 1 } }],
      });
      const live = await sockets.bob.next("message", (frame) => frame.seq === head + 1);
      assert.equal(live.text, "");
      assert.deepEqual(live.attachments!.map((file) => [file.type, file.media]), [
        ["video/webm", media],
        ["audio/ogg; codecs=opus", { ...media, duration: 1 }],
      ]);
      sockets.bob.send({ type: "history", room: room.id, ref: "h1" });
      const page = await sockets.bob.next("history", (frame) => frame.ref === "h1");
      assert.deepEqual(page.messages.at(-1)!.attachments, live.attachments);
    });
  });
});

Deno.test("a recording over the configured length is refused with the limit, and nothing is stored", async () => {
  await withTestServer(async (server) => {
    await withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets, head }) => {
      const file = await uploaded(server, users.alice, webmBytes(), "clip.webm", "video/webm");
      const cases = [
        { clientId: "long-voice-1", media: { kind: "voice" as const, duration: 7.5 } },
        { clientId: "long-video-1", media: { kind: "video" as const, duration: 4.5 } },
      ];
      for (const { clientId, media } of cases) {
        sockets.alice.send({
          type: "send",
          room: room.id,
          clientId,
          text: "",
          attachments: [{ id: file.id, media }],
        });
        const error = await sockets.alice.next("error", (frame) => frame.clientId === clientId);
        assert.equal(error.code, "attachment_unavailable");
        const max = media.kind === "voice" ? 5 : 3;
        assert.equal(error.message, `a ${media.kind} message may be at most ${max} seconds long`);
      }
      // Within the limit (and the second of slack the recorder may overrun by): accepted.
      sockets.alice.send({
        type: "send",
        room: room.id,
        clientId: "ok-voice-01",
        text: "",
        attachments: [{ id: file.id, media: { kind: "voice", duration: 5.4 } }],
      });
      const stored = await sockets.bob.next("message");
      assert.equal(stored.seq, head + 1, "the refused sends stored nothing");
      assert.equal(stored.attachments![0]!.media!.duration, 5.4);
    });
  }, {
    config: { recordings: { voiceMaxSeconds: 5, videoMaxSeconds: 3 } },
  });
});

Deno.test("a file that is not audio or video cannot be sent as a recording", async () => {
  await withTestServer(async (server) => {
    await withRoom(server.url, ["alice", "bob"], async ({ room, users, sockets, head }) => {
      const picture = await uploaded(
        server,
        users.alice,
        encodePng(8, 8, () => [1, 2, 3]),
        "a.png",
        "",
      );
      const noise = new Uint8Array(300).map((_, i) => (i * 91 + 7) % 251);
      // Bytes of no known type, declared as audio: stored as an unknown file, not a recording.
      const fake = await uploaded(server, users.alice, noise, "voice.bin", "audio/webm");
      assert.equal(fake.type, "application/octet-stream");
      const clip = await uploaded(server, users.alice, webmBytes(), "clip.webm", "video/webm");
      const cases = [
        { id: picture.id, media: { kind: "voice" as const, duration: 2 }, type: "image/png" },
        {
          id: fake.id,
          media: { kind: "voice" as const, duration: 2 },
          type: "application/octet-stream",
        },
        // A video message has no waveform.
        {
          id: clip.id,
          media: { kind: "video" as const, duration: 2, waveform: [1] },
          type: undefined,
        },
      ];
      for (const [index, { id, media, type }] of cases.entries()) {
        const clientId = `fake-voice-${index}`;
        sockets.alice.send({
          type: "send",
          room: room.id,
          clientId,
          text: "",
          attachments: [{ id, media }],
        });
        const error = await sockets.alice.next("error", (frame) => frame.clientId === clientId);
        assert.equal(error.code, "attachment_unavailable");
        if (type) assert.match(error.message, new RegExp(`not ${type}`));
      }
      assert.equal((await sockets.bob.subscribe(room.id)).head, head);
    });
  });
});

Deno.test("a PNG renamed .webm is refused at upload, and nothing is stored", async () => {
  await withTestServer(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const png = encodePng(8, 8, () => [9, 9, 9]);
    const refused = await uploadFile(server.url, alice, png, "voice.webm", "audio/webm");
    assert.equal(refused.status, 415);
    let files = 0;
    for await (const _ of server.kv.list({ prefix: keys.files() })) files++;
    assert.equal(files, 0);
  });
});

Deno.test("a waveform longer than 64 bars or outside 0-255, or a length of 0, is a bad frame", async () => {
  await withTestServer(async (server) => {
    await withRoom(server.url, ["alice"], async ({ room, users, sockets }) => {
      const file = await uploaded(server, users.alice, webmBytes(), "v.webm", "audio/webm");
      const bad = [
        { kind: "voice" as const, duration: 2, waveform: [...WAVEFORM, 1] },
        { kind: "voice" as const, duration: 2, waveform: [256] },
        { kind: "voice" as const, duration: 2, waveform: [1.5] },
        { kind: "voice" as const, duration: 0 },
        { kind: "voice" as const, duration: 100_000 },
      ];
      for (const [index, media] of bad.entries()) {
        const clientId = `bad-media-${index}`;
        sockets.alice.send({
          type: "send",
          room: room.id,
          clientId,
          text: "",
          attachments: [{ id: file.id, media }],
        });
        const error = await sockets.alice.next("error", (frame) => frame.clientId === clientId);
        assert.equal(error.code, "bad_frame", JSON.stringify(media));
      }
    });
  });
});

Deno.test("a voice message to a room the sender is not a member of is refused", async () => {
  await withTestServer(async (server) => {
    await withRoom(server.url, ["alice", "mallory"], async ({ users, sockets }) => {
      const theirs = await createRoom(server.url, await registerUser(server.url, "carol"), []);
      const file = await uploaded(server, users.mallory, webmBytes(), "v.webm", "audio/webm");
      sockets.mallory.send({
        type: "send",
        room: theirs.id,
        clientId: "intrude-01",
        text: "",
        attachments: [{ id: file.id, media: { kind: "voice", duration: 2 } }],
      });
      const error = await sockets.mallory.next("error", (frame) => frame.clientId === "intrude-01");
      assert.equal(error.code, "not_member");
    });
  });
});

Deno.test("VOICE_MAX_SECONDS and VIDEO_MAX_SECONDS default to 120 and 60 and are bounded", () => {
  assert.deepEqual(readConfig({}).recordings, { voiceMaxSeconds: 120, videoMaxSeconds: 60 });
  assert.deepEqual(
    readConfig({ VOICE_MAX_SECONDS: "30", VIDEO_MAX_SECONDS: "15" }).recordings,
    { voiceMaxSeconds: 30, videoMaxSeconds: 15 },
  );
  assert.throws(() => readConfig({ VOICE_MAX_SECONDS: "0" }));
  assert.throws(() => readConfig({ VIDEO_MAX_SECONDS: "601" }));
});
