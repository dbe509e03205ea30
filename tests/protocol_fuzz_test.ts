/**
 * Model-based fuzzing of the protocol handler: a real in-process server on real Deno KV, three
 * users on real WebSockets sending random interleavings of valid and invalid frames. After
 * every run the answers and the store are checked against a model of what the protocol
 * promises.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { readConfig } from "../lib/server/config.ts";
import { keys } from "../lib/kv/kv_keys.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import {
  type ChatMessage,
  HISTORY_PAGE_MAX,
  MAX_FRAME_BYTES,
  MAX_FRAME_DEPTH,
  MAX_TEXT_CHARS,
  RESUME_MAX,
  type ServerFrame,
} from "../lib/common/protocol.ts";
import { createRoom, registerUser, TestSocket, type TestUser } from "./helpers/chat_client.ts";
import { startTestServer, type TestServer } from "./helpers/test_server.ts";

/** Rooms as the generators name them: resolved to real ids when a run starts. */
type RoomName = "shared" | "carols" | "missing";
const ROOM_NAMES: RoomName[] = ["shared", "carols", "missing"];
/** alice and bob are in "shared"; carol is only in "carols" (and a non-member of "shared"). */
const MEMBERS: Record<RoomName, ReadonlySet<number>> = {
  shared: new Set([0, 1]),
  carols: new Set([2]),
  missing: new Set(),
};

/** One thing a user does; turned into a raw frame and an expected answer when run. */
type Op =
  | { t: "ping" }
  | { t: "pong" }
  | { t: "subscribe"; room: RoomName; after?: number }
  | { t: "unsubscribe"; room: RoomName }
  | { t: "history"; room: RoomName; before?: number; limit?: number }
  | { t: "typing"; room: RoomName }
  | { t: "send"; room: RoomName; clientId: string; text: string; extra: ExtraKeys }
  | {
    t: "badField";
    base: "send" | "subscribe" | "history" | "ping";
    field: string;
    value: unknown;
  }
  | { t: "garbage"; raw: string }
  | { t: "notObject"; raw: string }
  | { t: "unknownType"; type: unknown }
  | { t: "protoType" }
  | { t: "protoPing" }
  | { t: "deep"; depth: number; inRoom: boolean }
  | { t: "oversized"; bytes: number; char: string }
  | { t: "binary"; bytes: Uint8Array }
  | { t: "longRef" };

/** Keys smuggled into a valid send: a forged sender and prototype tricks. */
type ExtraKeys = "none" | "forgedFrom" | "proto";

const room = fc.constantFrom<RoomName>(...ROOM_NAMES);
const clientId = fc.oneof(
  fc.constantFrom("fuzz-aaaa01", "fuzz-bbbb02", "fuzz-cccc03"),
  fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
);
const text = fc.oneof(
  fc.constantFrom("hi", "hello", "😀 same again", "spam spam"),
  fc.string({ unit: "binary", minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
  // The longest text. ASCII, so that a history page of them stays well under the send buffer
  // bound: pages of near-maximal UTF-8 texts are covered by tests/slow_consumer_test.ts.
  fc.constant("👩‍👩‍👧" + "x".repeat(MAX_TEXT_CHARS - 5)),
);
const seq = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(1_000_000_000));
const badFields = {
  send: {
    clientId: ["short", 12345678, null, "bad id!!", "x".repeat(65)],
    text: ["", "   \n\t", 42, { text: "hi" }, "😀".repeat(MAX_TEXT_CHARS + 1)],
    room: ["", "a b", "x".repeat(65), 7, { $ne: 1 }, ["shared"]],
  },
  subscribe: { after: [-1, 1.5, "3", 2 ** 53, null] },
  history: { limit: [0, HISTORY_PAGE_MAX + 1, 2.5, "10"], before: [-1, 0.5, "9"] },
  ping: { ref: [42, { a: 1 }] },
} as const;
const badField = fc.constantFrom(
  ...Object.entries(badFields).flatMap(([base, fields]) =>
    Object.entries(fields).flatMap(([field, values]) =>
      (values as readonly unknown[]).map((value) => ({ base, field, value }))
    )
  ),
).map((bad) => ({ t: "badField" as const, ...bad })) as fc.Arbitrary<Op>;
const notJson = fc.string({ unit: "binary", maxLength: 60 }).filter((s) => {
  try {
    JSON.parse(s);
    return false;
  } catch {
    return true;
  }
});

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ t: "ping" as const }) },
  { weight: 1, arbitrary: fc.constant({ t: "pong" as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("subscribe" as const),
      room,
      after: fc.option(seq, { nil: undefined }),
    }, {
      requiredKeys: ["t", "room"],
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("unsubscribe" as const), room }) },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("history" as const),
      room,
      before: fc.option(seq, { nil: undefined }),
      limit: fc.option(fc.integer({ min: 1, max: HISTORY_PAGE_MAX }), { nil: undefined }),
    }, { requiredKeys: ["t", "room"] }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("typing" as const), room }) },
  {
    weight: 10,
    arbitrary: fc.record({
      t: fc.constant("send" as const),
      room,
      clientId,
      text,
      extra: fc.constantFrom<ExtraKeys>("none", "none", "forgedFrom", "proto"),
    }),
  },
  { weight: 3, arbitrary: badField },
  { weight: 2, arbitrary: notJson.map((raw) => ({ t: "garbage" as const, raw })) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.jsonValue()))
      .map((value) => ({ t: "notObject" as const, raw: JSON.stringify(value) })),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.string().filter((s) => !KNOWN_TYPES.has(s)),
      fc.constantFrom<unknown>(
        undefined,
        7,
        null,
        ["send"],
        { toString: "send" },
        "SEND",
        "__proto__",
      ),
    ).map((type) => ({ t: "unknownType" as const, type })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom({ t: "protoType" as const }, { t: "protoPing" as const }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("deep" as const),
      depth: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 100, max: 15_000 })),
      inRoom: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("oversized" as const),
      bytes: fc.integer({ min: MAX_FRAME_BYTES + 1, max: MAX_FRAME_BYTES + 5_000 }),
      char: fc.constantFrom("x", "é", "€", "😀"),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ t: "binary" as const, bytes })),
  },
  { weight: 1, arbitrary: fc.constant({ t: "longRef" as const }) },
);

const KNOWN_TYPES = new Set([
  "subscribe",
  "unsubscribe",
  "send",
  "history",
  "ping",
  "pong",
  "typing",
  "edit",
  "delete",
  "react",
  "versions",
]);

/** What the server must answer to one frame. */
type Expect =
  | { kind: "none" }
  | { kind: "reflessError"; code: string }
  | { kind: "refError"; ref: string; code: string }
  | { kind: "reply"; ref: string; type: "pong" | "subscribed" | "unsubscribed" | "history" }
  | { kind: "send"; ref: string; room: string; clientId: string; text: string };

/** One run's world: fresh rooms, so that runs are independent and shrinking is sound. */
interface World {
  server: TestServer;
  users: TestUser[];
  rooms: Record<RoomName, string>;
  store: KvMessageStore;
  /** Model: every stored (room, sender, clientId), with what its acks must say. */
  acked: Map<string, { id: string; seq: number; at: number; text: string }>;
  /** What each room held before the run: the system messages of its setup (Bob's join). */
  setup: Map<string, ChatMessage[]>;
  refs: number;
}

async function freshWorld(server: TestServer, users: TestUser[]): Promise<World> {
  const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
  const rooms = {
    shared: (await createRoom(server.url, alice, [bob], "shared")).id,
    carols: (await createRoom(server.url, carol, [], "carols")).id,
    missing: "no-such-room",
  };
  const store = new KvMessageStore(server.kv, { now: () => Date.now() });
  const setup = new Map<string, ChatMessage[]>();
  for (const room of [rooms.shared, rooms.carols]) {
    setup.set(room, await store.after(room, 0, 100_000));
  }
  return { server, users, rooms, store, acked: new Map(), setup, refs: 0 };
}

const encoder = new TextEncoder();

/** The raw frame of an op and what it must get back. */
function build(world: World, user: number, op: Op): { raw: string | Uint8Array; expect: Expect } {
  const ref = `r${++world.refs}`;
  const roomId = (name: RoomName) => world.rooms[name];
  const member = (name: RoomName) => MEMBERS[name].has(user);
  switch (op.t) {
    case "ping":
      return {
        raw: JSON.stringify({ type: "ping", ref }),
        expect: { kind: "reply", ref, type: "pong" },
      };
    case "pong":
      return { raw: JSON.stringify({ type: "pong" }), expect: { kind: "none" } };
    case "subscribe":
    case "history": {
      const { t: type, room: name, ...rest } = op;
      const raw = JSON.stringify({ type, ref, room: roomId(name), ...rest });
      return member(name)
        ? {
          raw,
          expect: { kind: "reply", ref, type: type === "subscribe" ? "subscribed" : "history" },
        }
        : { raw, expect: { kind: "refError", ref, code: "not_member" } };
    }
    case "unsubscribe":
      return {
        raw: JSON.stringify({ type: "unsubscribe", ref, room: roomId(op.room) }),
        expect: { kind: "reply", ref, type: "unsubscribed" },
      };
    case "typing": {
      const raw = JSON.stringify({ type: "typing", ref, room: roomId(op.room) });
      return member(op.room)
        ? { raw, expect: { kind: "none" } }
        : { raw, expect: { kind: "refError", ref, code: "not_member" } };
    }
    case "send": {
      const frame = {
        type: "send",
        ref,
        room: roomId(op.room),
        clientId: op.clientId,
        text: op.text,
      };
      const raw = op.extra === "forgedFrom"
        ? JSON.stringify({
          ...frame,
          from: world.users[(user + 1) % 3]!.id,
          author: "admin",
          seq: 1,
        })
        : op.extra === "proto"
        ? `{"__proto__":{"from":"${world.users[0]!.id}","room":"${world.rooms.carols}"},` +
          JSON.stringify(frame).slice(1)
        : JSON.stringify(frame);
      // A __proto__ key is refused before anything else is looked at.
      if (op.extra === "proto") {
        return { raw, expect: { kind: "refError", ref, code: "bad_frame" } };
      }
      return member(op.room)
        ? {
          raw,
          expect: { kind: "send", ref, room: frame.room, clientId: op.clientId, text: op.text },
        }
        : { raw, expect: { kind: "refError", ref, code: "not_member" } };
    }
    case "badField": {
      const valid: Record<string, Record<string, unknown>> = {
        send: { type: "send", room: world.rooms.shared, clientId: "valid-id-01", text: "ok" },
        subscribe: { type: "subscribe", room: world.rooms.shared },
        history: { type: "history", room: world.rooms.shared },
        ping: { type: "ping" },
      };
      const frame = { ref, ...valid[op.base], [op.field]: op.value };
      // A ref that is not a string cannot be echoed back.
      const echoed = typeof frame.ref === "string";
      return {
        raw: JSON.stringify(frame),
        expect: echoed
          ? { kind: "refError", ref, code: "bad_frame" }
          : { kind: "reflessError", code: "bad_frame" },
      };
    }
    case "garbage":
      return { raw: op.raw, expect: { kind: "reflessError", code: "bad_frame" } };
    case "notObject":
      return { raw: op.raw, expect: { kind: "reflessError", code: "bad_frame" } };
    case "unknownType":
      return {
        raw: JSON.stringify({ type: op.type, ref, room: world.rooms.shared }),
        expect: { kind: "refError", ref, code: "unknown_type" },
      };
    case "protoType":
      // An own key named __proto__ is refused, and never read as the frame's type.
      return {
        raw: `{"__proto__":{"type":"ping"},"ref":"${ref}"}`,
        expect: { kind: "refError", ref, code: "bad_frame" },
      };
    case "protoPing":
      return {
        raw: `{"type":"ping","ref":"${ref}","__proto__":{"polluted":"yes"},` +
          `"constructor":{"prototype":{"polluted":"yes"}}}`,
        expect: { kind: "refError", ref, code: "bad_frame" },
      };
    case "deep": {
      const nested = "[".repeat(op.depth) + "]".repeat(op.depth);
      // The frame is level 1: a field holds MAX_FRAME_DEPTH - 1 levels at most, known or not.
      const shallow = op.depth < MAX_FRAME_DEPTH;
      return op.inRoom || !shallow
        ? {
          raw: `{"type":${op.inRoom ? '"history"' : '"ping"'},"ref":"${ref}",` +
            `"${op.inRoom ? "room" : "junk"}":${nested}}`,
          expect: { kind: "refError", ref, code: "bad_frame" },
        }
        : {
          raw: `{"type":"ping","ref":"${ref}","junk":${nested}}`,
          expect: { kind: "reply", ref, type: "pong" },
        };
    }
    case "oversized": {
      const head =
        `{"type":"send","ref":"${ref}","room":"${world.rooms.shared}","clientId":"too-big-01","text":"`;
      const charBytes = encoder.encode(op.char).length;
      const space = op.bytes - encoder.encode(head + '"}').length;
      const body = op.char.repeat(Math.ceil(space / charBytes));
      return { raw: head + body + '"}', expect: { kind: "reflessError", code: "frame_too_large" } };
    }
    case "binary":
      return { raw: op.bytes, expect: { kind: "reflessError", code: "binary_frame" } };
    case "longRef":
      return {
        raw: JSON.stringify({ type: "ping", ref: "r".repeat(65) }),
        expect: { kind: "reflessError", code: "bad_frame" },
      };
  }
}

type MessageFrame = Extract<ServerFrame, { type: "message" }>;

/**
 * Checks one socket's frames against what it sent, and records the acks in the model.
 * Returns, per room the socket is still subscribed to, the next seq it would be given.
 */
function checkAnswers(
  world: World,
  user: number,
  frames: ServerFrame[],
  expects: Expect[],
  afterOf: Map<string, number | undefined>,
): Map<string, number> {
  const userId = world.users[user]!.id;
  const memberRooms = new Set(
    ROOM_NAMES.filter((name) => MEMBERS[name].has(user)).map((name) => world.rooms[name]),
  );
  const byRef = new Map<string, ServerFrame[]>();
  const reflessErrors = new Map<string, number>();
  const acks = new Map<string, Extract<ServerFrame, { type: "ack" }>[]>();
  const segments = new Map<string, { next: number } | null>();
  for (const frame of frames) {
    switch (frame.type) {
      case "welcome":
      case "ping":
        continue;
      case "ack": {
        const key = `${frame.room}|${frame.clientId}`;
        acks.set(key, [...acks.get(key) ?? [], frame]);
        continue;
      }
      case "typing":
        assert.ok(
          memberRooms.has(frame.room),
          `typing of a room the user is not in: ${frame.room}`,
        );
        assert.notEqual(frame.user.id, userId, "a typing notice went back to the typer");
        continue;
      case "message": {
        assert.ok(
          memberRooms.has(frame.room),
          `message of a room the user is not in: ${frame.room}`,
        );
        const segment = segments.get(frame.room);
        assert.ok(segment, `message seq ${frame.seq} outside a subscription`);
        assert.equal(frame.seq, segment.next, "live messages and replays come in seq order");
        segment.next++;
        continue;
      }
      case "subscribed": {
        assert.ok(memberRooms.has(frame.room), `subscribed to a room the user is not in`);
        const after = afterOf.get(frame.ref ?? "");
        const replay = after !== undefined && !frame.reset;
        if (after !== undefined) {
          assert.equal(frame.reset, after > frame.head || frame.head - after > RESUME_MAX);
        }
        segments.set(frame.room, { next: (replay ? after : frame.head) + 1 });
        break;
      }
      case "unsubscribed":
        segments.set(frame.room, null);
        break;
      case "history": {
        assert.ok(memberRooms.has(frame.room), `history of a room the user is not in`);
        const seqs = frame.messages.map((m) => m.seq);
        seqs.forEach((s, i) =>
          i > 0 && assert.equal(s, seqs[i - 1]! + 1, "history pages are gap-free")
        );
        assert.equal(
          frame.hasMore,
          seqs.length > 0 && seqs[0]! > 1,
          "hasMore says whether older exist",
        );
        break;
      }
      case "error":
        if (frame.ref === undefined) {
          reflessErrors.set(frame.code, (reflessErrors.get(frame.code) ?? 0) + 1);
          continue;
        }
        break;
    }
    if ("ref" in frame && frame.ref !== undefined) {
      byRef.set(frame.ref, [...byRef.get(frame.ref) ?? [], frame]);
    }
  }

  const expectedRefless = new Map<string, number>();
  const sendsByKey = new Map<string, Extract<Expect, { kind: "send" }>[]>();
  const expectedRefs = new Set<string>();
  for (const expect of expects) {
    if (expect.kind === "none") continue;
    if (expect.kind === "reflessError") {
      expectedRefless.set(expect.code, (expectedRefless.get(expect.code) ?? 0) + 1);
      continue;
    }
    expectedRefs.add(expect.ref);
    const answers = byRef.get(expect.ref) ?? [];
    if (expect.kind === "reply") {
      assert.deepEqual(answers.map((f) => f.type), [expect.type], `answer to ${expect.ref}`);
    } else if (expect.kind === "refError") {
      assert.deepEqual(
        answers.map((f) => f.type === "error" ? f.code : f.type),
        [expect.code],
        `answer to ${expect.ref}`,
      );
    } else {
      assert.ok(answers.length <= 1, `one answer to send ${expect.ref}`);
      const key = `${expect.room}|${expect.clientId}`;
      sendsByKey.set(key, [...sendsByKey.get(key) ?? [], expect]);
    }
  }
  assert.deepEqual(
    Object.fromEntries([...reflessErrors].sort()),
    Object.fromEntries([...expectedRefless].sort()),
    "errors that cannot name their request",
  );
  for (const ref of byRef.keys()) assert.ok(expectedRefs.has(ref), `answer to unknown ref ${ref}`);

  for (const key of acks.keys()) {
    assert.ok(sendsByKey.has(key), `ack for a send never made: ${key}`);
  }
  for (const [key, sends] of sendsByKey) {
    const refused = sends.filter((send) => byRef.has(send.ref));
    for (const send of refused) {
      const error = byRef.get(send.ref)![0]!;
      assert.ok(
        error.type === "error" && (error.code === "flood" || error.code === "rate_limited"),
        `a member's valid send was refused: ${JSON.stringify(error)}`,
      );
    }
    const keyAcks = acks.get(key) ?? [];
    assert.equal(keyAcks.length, sends.length - refused.length, `acks for ${key}`);
    if (keyAcks.length === 0) continue;
    for (const ack of keyAcks) {
      assert.deepEqual(ack, keyAcks[0], "every ack of a clientId is the same");
    }
    const ack = keyAcks[0]!;
    const modelKey = `${ack.room}|${userId}|${ack.clientId}`;
    const known = world.acked.get(modelKey);
    const stored = sends.find((send) => !byRef.has(send.ref))!;
    if (known) {
      assert.deepEqual({ id: ack.id, seq: ack.seq, at: ack.at }, {
        id: known.id,
        seq: known.seq,
        at: known.at,
      });
    } else {
      world.acked.set(modelKey, { id: ack.id, seq: ack.seq, at: ack.at, text: stored.text });
    }
  }
  const subscribed = new Map<string, number>();
  for (const [roomId, segment] of segments) if (segment) subscribed.set(roomId, segment.next);
  return subscribed;
}

/** The store must hold exactly the acked messages, gap-free, and match every frame shown. */
async function checkStore(world: World, shown: ServerFrame[]): Promise<void> {
  const stored = new Map<string, ChatMessage[]>();
  for (const name of ["shared", "carols"] as const) {
    const roomId = world.rooms[name];
    const messages = await world.store.after(roomId, 0, 100_000);
    stored.set(roomId, messages);
    assert.deepEqual(
      messages.map((m) => m.seq),
      messages.map((_, i) => i + 1),
      `${name} is gap-free`,
    );
    assert.equal(await world.store.head(roomId), messages.length);
    const setup = world.setup.get(roomId) ?? [];
    assert.deepEqual(messages.slice(0, setup.length), setup, `${name} keeps its setup messages`);
    const expected = [...world.acked].filter(([key]) => key.startsWith(`${roomId}|`));
    if (messages.length !== setup.length + expected.length) {
      const bySeq = new Map(expected.map(([key, ack]) => [ack.seq, key]));
      const detail = messages.slice(setup.length)
        .map((m) => `${m.seq}:${bySeq.get(m.seq) ?? "NOT ACKED"}`).join(", ");
      assert.fail(
        `${name}: ${messages.length - setup.length} stored after setup, ` +
          `${expected.length} acked: ${detail}`,
      );
    }
    for (const [key, ack] of expected) {
      const [, from, clientId] = key.split("|") as [string, string, string];
      const message = messages[ack.seq - 1]!;
      assert.deepEqual(
        { id: message.id, from: message.from, text: message.text, at: message.at },
        { id: ack.id, from, text: ack.text, at: ack.at },
        `stored message of ${key}`,
      );
      const record = await world.server.kv.get(keys.messageByClientId(roomId, from, clientId));
      assert.deepEqual(record.value, { id: ack.id, seq: ack.seq, at: ack.at });
    }
  }
  for (const frame of shown) {
    const messages = frame.type === "message"
      ? [frame]
      : frame.type === "history"
      ? frame.messages
      : [];
    for (const message of messages) {
      const { type: _, ...plain } = message as MessageFrame;
      assert.deepEqual(plain, stored.get(message.room)?.[message.seq - 1], "shown as stored");
    }
  }
}

async function pingPong(socket: TestSocket, ref: string): Promise<void> {
  socket.send({ type: "ping", ref });
  await socket.next("pong", (frame) => frame.ref === ref);
}

Deno.test("random valid and invalid frames from members and a non-member never break the protocol's promises", async () => {
  const server = await startTestServer({
    config: {
      limits: {
        ...readConfig({}).limits,
        sendBurst: 1_000_000,
        sendRatePerSecond: 1_000_000,
        sameTextMax: 3,
        roomsPerHour: 1_000_000,
      },
    },
  });
  try {
    const users = [
      await registerUser(server.url, "alice"),
      await registerUser(server.url, "bob"),
      await registerUser(server.url, "carol"),
    ];
    const steps = fc.array(fc.record({ user: fc.integer({ min: 0, max: 2 }), op }), {
      minLength: 1,
      maxLength: 40,
      size: "+1",
    });
    let runs = 0;
    let frames = 0;
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(steps, async (script) => {
        runs++;
        frames += script.length;
        const world = await freshWorld(server, users);
        const sockets = users.map((user) => new TestSocket(server.url, user));
        try {
          await Promise.all(sockets.map((socket) => socket.next("welcome")));
          const expects: Expect[][] = [[], [], []];
          const afterOf = new Map<string, number | undefined>();
          for (const { user, op } of script) {
            const { raw, expect } = build(world, user, op);
            if (op.t === "subscribe" && expect.kind === "reply") afterOf.set(expect.ref, op.after);
            expects[user]!.push(expect);
            sockets[user]!.send(raw);
          }
          // Every frame is dispatched before its pong; after the writer and the hub are idle, a
          // second round trip brings every ack and message sent so far.
          await Promise.all(sockets.map((socket) => pingPong(socket, "drain-1")));
          await server.chat.writer.flush();
          await server.chat.hub.idle();
          await Promise.all(sockets.map((socket) => pingPong(socket, "drain-2")));
          const subscriptions = sockets.map((socket, user) => {
            const answered = socket.frames.filter((f) =>
              !("ref" in f && f.ref?.startsWith("drain"))
            );
            return checkAnswers(world, user, answered, expects[user]!, afterOf);
          });
          await checkStore(world, sockets.flatMap((socket) => socket.frames));
          for (const subscribed of subscriptions) {
            for (const [roomId, next] of subscribed) {
              const head = await world.store.head(roomId);
              assert.equal(next - 1, head, "a subscriber was given every message");
            }
          }
          stored += world.acked.size;
          assert.equal(
            ({} as Record<string, unknown>).polluted,
            undefined,
            "no prototype pollution",
          );
          assert.equal(
            sockets.every((socket) => socket.socket.readyState === WebSocket.OPEN),
            true,
          );
        } finally {
          await Promise.all(sockets.map((socket) => socket.close()));
        }
      }),
      { numRuns: Number(Deno.env.get("FUZZ_RUNS") ?? 200) },
    );
    const fresh = new TestSocket(server.url, users[0]!);
    await fresh.next("welcome");
    await pingPong(fresh, "alive");
    await fresh.close();
    console.log(
      `protocol fuzz: runs=${runs} frames=${frames} messages stored=${stored}`,
    );
  } finally {
    await server.close();
  }
});
