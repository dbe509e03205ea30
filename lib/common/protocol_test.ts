import assert from "node:assert/strict";
import fc from "fast-check";
import { parseClientFrame } from "./client_frames.ts";
import {
  type ClientFrame,
  countChars,
  type ErrorCode,
  type ErrorFrame,
  MAX_FRAME_BYTES,
  MAX_FRAME_DEPTH,
  MAX_TEXT_CHARS,
  parseRoomEvent,
} from "./protocol.ts";
import { EVERY_ROOM_EVENT } from "./testing/every_room_event.ts";

const ERROR_CODES: readonly ErrorCode[] = [
  "bad_frame",
  "binary_frame",
  "frame_too_large",
  "unknown_type",
  "not_member",
  "rate_limited",
  "internal",
];

/** Parses `frame` (serialized first unless a string) and returns the accepted frame. */
function accept(frame: unknown): ClientFrame {
  const result = parseClientFrame(typeof frame === "string" ? frame : JSON.stringify(frame));
  if (!result.ok) assert.fail(`refused: ${JSON.stringify(result.error)}`);
  return result.frame;
}

/** Parses `raw` (serialized first unless a string) and returns the error frame. */
function refuse(raw: unknown, code: ErrorCode): ErrorFrame {
  const result = parseClientFrame(typeof raw === "string" ? raw : JSON.stringify(raw));
  if (result.ok) assert.fail(`accepted: ${JSON.stringify(result.frame)}`);
  assert.equal(result.error.type, "error");
  assert.equal(result.error.code, code, result.error.message);
  assert.ok(result.error.message.length > 0);
  return result.error;
}

const send = { type: "send", ref: "r1", room: "general", clientId: "client-0001", text: "hello" };

Deno.test("parseClientFrame() accepts every client frame type with all its fields", () => {
  const frames: ClientFrame[] = [
    { type: "subscribe", room: "general" },
    { type: "subscribe", ref: "s1", room: "general", after: 0 },
    { type: "subscribe", room: "a_B-9", after: 42 },
    { type: "unsubscribe", ref: "u1", room: "general" },
    { type: "send", ref: "r1", room: "general", clientId: "abcdefgh", text: "hi" },
    { type: "history", room: "general" },
    { type: "history", ref: "h1", room: "general", before: 10, limit: 100 },
    { type: "history", room: "general", before: 0, limit: 1 },
    { type: "ping" },
    { type: "ping", ref: "p1" },
    { type: "pong" },
    { type: "pong", ref: "p2" },
  ];
  for (const frame of frames) assert.deepEqual(accept(frame), frame);
});

Deno.test("parseClientFrame() accepts room ids of 1 to 64 and clientIds of 8 to 64 characters", () => {
  accept({ ...send, room: "r", clientId: "a".repeat(8) });
  accept({ ...send, room: "r".repeat(64), clientId: "a".repeat(64) });
  refuse({ ...send, room: "" }, "bad_frame");
  refuse({ ...send, room: "r".repeat(65) }, "bad_frame");
  refuse({ ...send, room: "has space" }, "bad_frame");
  refuse({ ...send, room: "dot.ted" }, "bad_frame");
  refuse({ ...send, clientId: "a".repeat(7) }, "bad_frame");
  refuse({ ...send, clientId: "a".repeat(65) }, "bad_frame");
  refuse({ ...send, clientId: "abc/defgh" }, "bad_frame");
});

Deno.test("parseClientFrame() refuses text that is not JSON as bad_frame", () => {
  refuse("", "bad_frame");
  refuse("not json", "bad_frame");
  refuse('{"type":"ping"', "bad_frame");
  refuse("{'type':'ping'}", "bad_frame");
});

Deno.test("parseClientFrame() refuses JSON that is not an object as bad_frame", () => {
  for (const raw of ["null", "[]", '[{"type":"ping"}]', "42", '"ping"', "true"]) {
    refuse(raw, "bad_frame");
  }
});

Deno.test("parseClientFrame() refuses binary and non-string frames as binary_frame", () => {
  const bytes = new TextEncoder().encode('{"type":"ping"}');
  for (
    const raw of [bytes.buffer, bytes, new Blob([bytes]), undefined, null, 42, { type: "ping" }]
  ) {
    const result = parseClientFrame(raw);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.code, "binary_frame");
  }
});

Deno.test("parseClientFrame() accepts a frame of exactly MAX_FRAME_BYTES and refuses one byte more", () => {
  const ping = '{"type":"ping"}';
  accept(ping + " ".repeat(MAX_FRAME_BYTES - ping.length));
  refuse(ping + " ".repeat(MAX_FRAME_BYTES - ping.length + 1), "frame_too_large");
});

Deno.test("parseClientFrame() counts the frame limit in UTF-8 bytes, not UTF-16 units", () => {
  // 2-byte characters: the string is shorter than the limit, its bytes are over it.
  const raw = JSON.stringify({ ...send, text: "é".repeat(MAX_FRAME_BYTES / 2) });
  assert.ok(raw.length < MAX_FRAME_BYTES);
  assert.ok(new TextEncoder().encode(raw).length > MAX_FRAME_BYTES);
  const error = refuse(raw, "frame_too_large");
  assert.equal(error.ref, undefined);
  // Emoji: 4 bytes for 2 UTF-16 units.
  const emoji = '{"type":"ping","x":"' + "😀".repeat(MAX_FRAME_BYTES / 4) + '"}';
  assert.ok(emoji.length < MAX_FRAME_BYTES);
  refuse(emoji, "frame_too_large");
});

Deno.test("parseClientFrame() refuses an unknown or missing type as unknown_type, naming the request", () => {
  const error = refuse(
    { type: "shout", ref: "x1", room: "general", clientId: "client-0001" },
    "unknown_type",
  );
  assert.equal(error.request, "shout");
  assert.equal(error.ref, "x1");
  assert.equal(error.room, "general");
  assert.equal(error.clientId, "client-0001");
  assert.equal(refuse({ ref: "x2" }, "unknown_type").ref, "x2");
  assert.equal(refuse({ ref: "x2" }, "unknown_type").request, undefined);
  refuse({ type: 5 }, "unknown_type");
  refuse({ type: null }, "unknown_type");
  refuse({ type: ["send"] }, "unknown_type");
  refuse({ type: "SEND", room: "general" }, "unknown_type");
  for (const inherited of ["__proto__", "toString", "constructor", "hasOwnProperty"]) {
    refuse({ type: inherited }, "unknown_type");
  }
});

Deno.test("parseClientFrame() refuses a frame missing a required field, naming the field and the request", () => {
  const { clientId: _, ...noClientId } = send;
  const error = refuse(noClientId, "bad_frame");
  assert.equal(error.request, "send");
  assert.equal(error.ref, "r1");
  assert.equal(error.room, "general");
  assert.match(error.message, /clientId/);
  const { text: __, ...noText } = send;
  const noTextError = refuse(noText, "bad_frame");
  assert.equal(noTextError.clientId, "client-0001");
  assert.match(noTextError.message, /text/);
  assert.equal(refuse({ type: "subscribe", ref: "s1" }, "bad_frame").ref, "s1");
  refuse({ type: "history" }, "bad_frame");
  refuse({ type: "unsubscribe" }, "bad_frame");
});

Deno.test("parseClientFrame() refuses fields of the wrong type and echoes only well-formed names", () => {
  const roomObject = refuse({ ...send, room: { id: "general" } }, "bad_frame");
  assert.equal(roomObject.room, undefined);
  assert.equal(roomObject.clientId, "client-0001");
  assert.equal(roomObject.ref, "r1");
  assert.match(roomObject.message, /room/);
  const textArray = refuse({ ...send, text: ["hello"] }, "bad_frame");
  assert.equal(textArray.clientId, "client-0001");
  assert.match(textArray.message, /text/);
  const refObject = refuse({ ...send, ref: { r: 1 } }, "bad_frame");
  assert.equal(refObject.ref, undefined);
  assert.equal(refObject.room, "general");
  const longRef = refuse({ ...send, ref: "r".repeat(65) }, "bad_frame");
  assert.equal(longRef.ref, undefined);
  refuse({ ...send, clientId: 12345678 }, "bad_frame");
  refuse({ type: "ping", ref: null }, "bad_frame");
  refuse({ type: "subscribe", room: "general", after: "3" }, "bad_frame");
  refuse({ type: "subscribe", room: "general", after: null }, "bad_frame");
  refuse({ type: "subscribe", room: "general", after: -1 }, "bad_frame");
  refuse({ type: "subscribe", room: "general", after: 1.5 }, "bad_frame");
  refuse({ type: "subscribe", room: "general", after: 2 ** 53 }, "bad_frame");
  refuse({ type: "history", room: "general", limit: 0 }, "bad_frame");
  refuse({ type: "history", room: "general", limit: 101 }, "bad_frame");
  refuse({ type: "history", room: "general", limit: 2.5 }, "bad_frame");
  refuse({ type: "history", room: "general", before: -1 }, "bad_frame");
  refuse('{"type":"history","room":"general","before":1e400}', "bad_frame");
});

Deno.test("parseClientFrame() limits text to MAX_TEXT_CHARS code points, an emoji counting as one", () => {
  assert.equal(MAX_TEXT_CHARS, 4000);
  accept({ ...send, text: "a".repeat(MAX_TEXT_CHARS) });
  accept({ ...send, text: "😀".repeat(MAX_TEXT_CHARS) });
  const error = refuse({ ...send, text: "😀".repeat(MAX_TEXT_CHARS + 1) }, "bad_frame");
  assert.equal(error.clientId, "client-0001");
  assert.equal(error.ref, "r1");
  refuse({ ...send, text: "a".repeat(MAX_TEXT_CHARS + 1) }, "bad_frame");
});

Deno.test("countChars() counts code points: emoji and each code point of a ZWJ sequence", () => {
  assert.equal(countChars(""), 0);
  assert.equal(countChars("abc"), 3);
  assert.equal(countChars("😀"), 1);
  assert.equal(countChars("👩‍💻"), 3);
  assert.equal(countChars("e\u0301"), 2);
  assert.equal(countChars("\u200b\u202e"), 2);
  assert.equal(countChars("\ud800"), 1);
});

Deno.test("parseClientFrame() refuses empty or whitespace-only text, echoing the clientId", () => {
  for (const text of ["", " ", "\n\t  \r\n", "\u00a0\u3000"]) {
    const error = refuse({ ...send, text }, "bad_frame");
    assert.equal(error.clientId, "client-0001");
    assert.equal(error.request, "send");
  }
  assert.equal(accept({ ...send, text: "  x  " }).type, "send");
});

Deno.test("parseClientFrame() drops unknown fields such as a forged from", () => {
  const frame = accept({ ...send, from: "admin", author: "root", id: "x", seq: 9, at: 1 });
  assert.deepEqual(frame, send);
  assert.equal(Object.hasOwn(frame, "from"), false);
});

Deno.test("parseClientFrame() refuses a frame with a __proto__ key at any level, without polluting any prototype", () => {
  const raws = [
    '{"type":"ping","__proto__":{"polluted":true}}',
    '{"__proto__":{"polluted":true},"type":"send","ref":"r1","room":"general","clientId":"client-0001","text":"hi","from":"x"}',
    '{"type":"send","room":"general","clientId":"client-0001","text":"hi","__proto__":{"from":"admin"}}',
    '{"type":"send","room":"general","clientId":"client-0001","text":"hi","x":[{"__proto__":1}]}',
    '{"type":"__proto__","__proto__":{"polluted":true}}',
  ];
  for (const raw of raws) {
    const error = refuse(raw, "bad_frame");
    assert.match(error.message, /__proto__/);
  }
  assert.equal(refuse(raws[1]!, "bad_frame").clientId, "client-0001", "the request is named");
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  // A constructor key is an ordinary, dropped field.
  assert.deepEqual(accept('{"type":"ping","constructor":{"prototype":{"p":true}}}'), {
    type: "ping",
  });
});

Deno.test("parseClientFrame() refuses frames nested deeper than MAX_FRAME_DEPTH, in any field", () => {
  const nested = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
  const array = "[".repeat(15_000) + "]".repeat(15_000);
  for (const depth of [100, 5_000]) {
    const raw = `{"type":"send","room":"general","clientId":"client-0001","text":"hi","extra":${
      nested(depth)
    }}`;
    assert.ok(raw.length < MAX_FRAME_BYTES);
    assert.match(refuse(raw, "bad_frame").message, /deeper than 8/);
  }
  refuse(array, "bad_frame");
  refuse(`{"type":"send","room":"general","clientId":"client-0001","text":${array}}`, "bad_frame");
  refuse(nested(5_000), "bad_frame");
  // The frame is level 1, so its field holds MAX_FRAME_DEPTH - 1 levels at most; up to
  // there an unknown field is dropped as before.
  const deepest = MAX_FRAME_DEPTH - 1;
  assert.deepEqual(accept(`{"type":"ping","extra":${nested(deepest)}}`), { type: "ping" });
  refuse(`{"type":"ping","extra":${nested(deepest + 1)}}`, "bad_frame");
});

Deno.test("parseClientFrame() never throws on arbitrary strings (property)", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.json()), (raw) => {
      assertWellFormed(parseClientFrame(raw));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("parseClientFrame() never throws on arbitrary JSON values (property)", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      assertWellFormed(parseClientFrame(JSON.stringify(value)));
    }),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(fc.anything(), (value) => {
      let raw: string | undefined;
      try {
        raw = JSON.stringify(value);
      } catch {
        return;
      }
      assertWellFormed(parseClientFrame(raw));
    }),
    { numRuns: 1000 },
  );
});

Deno.test("parseClientFrame() never throws on frames with known keys of any value (property)", () => {
  const value = fc.oneof(fc.anything(), fc.string(), fc.integer(), fc.double());
  const frame = fc.record(
    {
      type: fc.oneof(
        fc.constantFrom("subscribe", "unsubscribe", "send", "history", "ping", "pong"),
        value,
      ),
      ref: value,
      room: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), value),
      clientId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/), value),
      text: value,
      after: value,
      before: value,
      limit: value,
    },
    { requiredKeys: [], noNullPrototype: true },
  );
  fc.assert(
    fc.property(frame, (candidate) => {
      let raw: string;
      try {
        raw = JSON.stringify(candidate);
      } catch {
        return;
      }
      assertWellFormed(parseClientFrame(raw));
    }),
    { numRuns: 1000 },
  );
});

Deno.test("parseClientFrame() returns every valid send frame unchanged (property)", () => {
  const text = fc.string({ unit: "binary", minLength: 1, maxLength: 200 })
    .filter((value) => value.trim().length > 0);
  const frame = fc.record(
    {
      type: fc.constant("send" as const),
      ref: fc.string({ maxLength: 64 }),
      room: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
      clientId: fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
      text,
    },
    { requiredKeys: ["type", "room", "clientId", "text"], noNullPrototype: true },
  );
  fc.assert(
    fc.property(frame, (sent) => {
      assert.deepEqual(accept(JSON.stringify(sent)), sent);
    }),
    { numRuns: 1000 },
  );
});

/** A parse result is either an accepted frame or a serializable error with a known code. */
function assertWellFormed(result: ReturnType<typeof parseClientFrame>): void {
  if (result.ok) {
    assert.equal(typeof result.frame.type, "string");
    return;
  }
  assert.equal(result.error.type, "error");
  assert.ok(ERROR_CODES.includes(result.error.code));
  assert.equal(typeof result.error.message, "string");
  JSON.stringify(result.error);
}

Deno.test("parseRoomEvent() accepts every room event type, through JSON, unchanged", () => {
  for (const event of EVERY_ROOM_EVENT) {
    assert.deepEqual(parseRoomEvent(JSON.parse(JSON.stringify(event))), event);
  }
});

Deno.test("parseRoomEvent() drops unknown fields of a known event", () => {
  assert.deepEqual(parseRoomEvent({ type: "left", user: "bob", extra: 1 }), {
    type: "left",
    user: "bob",
  });
});

Deno.test("parseRoomEvent() answers undefined for an absent, unknown or malformed event", () => {
  const malformed: unknown[] = [
    undefined,
    null,
    "joined",
    ["joined", "bob"],
    {},
    { type: "pinned", by: "adam" },
    { type: "joined" },
    { type: "joined", user: "" },
    { type: "joined", user: 7 },
    { type: "kicked", user: "mia" },
    { type: "owner_changed", by: "olga" },
    { type: "renamed", by: "adam" },
    { type: "renamed", by: "adam", name: "" },
    { type: "topic_set", by: "adam", topic: "x".repeat(MAX_TEXT_CHARS + 1) },
    { type: "picture_changed", by: "x".repeat(65) },
    { type: "topic_cleared", by: null },
  ];
  for (const value of malformed) {
    assert.equal(parseRoomEvent(value), undefined, JSON.stringify(value));
  }
});

Deno.test("parseClientFrame() accepts an encrypted send: empty text and an MLS payload", () => {
  const e2e = { kind: "commit", data: "AAECAw==", welcome: "BAUG" };
  const frame = accept({ ...send, text: "", e2e });
  assert.deepEqual(frame.type === "send" && frame.e2e, e2e);
});

Deno.test("parseClientFrame() refuses an encrypted send that carries anything in clear or a bad payload", () => {
  const e2e = { kind: "message", data: "AAECAw==" };
  refuse({ ...send, e2e }, "bad_frame");
  refuse({ ...send, text: "", e2e, replyTo: 3 }, "bad_frame");
  refuse({ ...send, text: "", e2e: { ...e2e, data: "not base64!" } }, "bad_frame");
  refuse({ ...send, text: "", e2e: { ...e2e, data: "AAE" } }, "bad_frame");
  refuse({ ...send, text: "", e2e: { ...e2e, data: "" } }, "bad_frame");
  refuse({ ...send, text: "", e2e: { ...e2e, welcome: "AAAA" } }, "bad_frame");
  refuse({ ...send, text: "", e2e: { ...e2e, kind: "proposal" } }, "bad_frame");
  refuse({ ...send, text: "", e2e: { ...e2e, data: "A".repeat(24 * 1024 + 4) } }, "bad_frame");
});

Deno.test("parseClientFrame() accepts an encrypted edit, reaction and message of files named by id", () => {
  const e2e = { kind: "message", data: "AAECAw==" };
  const base = { ref: "r", room: "room1", clientId: "client-12345", target: 4 };
  const edit = accept({ ...base, type: "edit", text: "", e2e });
  assert.deepEqual(edit.type === "edit" && edit.e2e, e2e);
  const react = accept({ ...base, type: "react", e2e });
  assert.ok(react.type === "react" && react.e2e && react.emoji === undefined);
  const files = accept({ ...send, text: "", e2e, attachments: [{ id: "a".repeat(64) }] });
  assert.equal(files.type === "send" && files.attachments?.length, 1);
});

Deno.test("parseClientFrame() refuses an encrypted edit or reaction that carries anything in clear", () => {
  const e2e = { kind: "message", data: "AAECAw==" };
  const base = { ref: "r", room: "room1", clientId: "client-12345", target: 4 };
  refuse({ ...base, type: "edit", text: "leak", e2e }, "bad_frame");
  refuse({ ...base, type: "edit", text: "" }, "bad_frame");
  refuse({ ...base, type: "edit", text: "", e2e: { ...e2e, kind: "commit" } }, "bad_frame");
  refuse({ ...base, type: "react", emoji: "👍", on: true, e2e }, "bad_frame");
  refuse({ ...base, type: "react", on: true, e2e }, "bad_frame");
  refuse({ ...base, type: "react" }, "bad_frame");
  refuse({ ...base, type: "react", emoji: "👍" }, "bad_frame");
  const thumbed = { id: "a".repeat(64), thumb: "b".repeat(64) };
  refuse({ ...send, text: "", e2e, attachments: [thumbed] }, "bad_frame");
});
