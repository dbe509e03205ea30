/**
 * Abuse limits end to end: a real server on a free port with real WebSockets and Deno KV, its
 * clock injected so that "after waiting" is exact instead of slept.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Limits, readConfig } from "../lib/server/config.ts";
import {
  type ClientFrame,
  countChars,
  MAX_FRAME_BYTES,
  MAX_TEXT_CHARS,
  type ServerFrame,
} from "../lib/common/protocol.ts";
import { rawUpgrade } from "./helpers/raw_websocket.ts";
import {
  api,
  createRoom,
  openSocket,
  registerUser,
  TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { FakeClock } from "../lib/common/testing/fake_clock.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

type ErrorFrame = Extract<ServerFrame, { type: "error" }>;
type AckFrame = Extract<ServerFrame, { type: "ack" }>;

function withServer(
  limits: Partial<Limits>,
  fn: (server: TestServer, clock: FakeClock) => Promise<void>,
): Promise<void> {
  const clock = new FakeClock();
  return withTestServer((server) => fn(server, clock), {
    clock,
    config: { limits: { ...readConfig({}).limits, ...limits } },
  });
}

/** The first ack or error received after frame index `before` that `pick` accepts. */
async function answer(
  socket: TestSocket,
  before: number,
  pick: (frame: AckFrame | ErrorFrame) => boolean,
): Promise<AckFrame | ErrorFrame> {
  const match = (frame: ServerFrame) =>
    socket.frames.indexOf(frame) >= before && pick(frame as never);
  const ack = socket.next("ack", match);
  const error = socket.next("error", match);
  // The losing waiter ends when the socket closes; keep it from failing the test.
  ack.catch(() => {});
  error.catch(() => {});
  return await Promise.race([ack, error]);
}

/** Sends one frame and returns the ack or the error that answers it. */
function sendOne(
  socket: TestSocket,
  frame: Extract<ClientFrame, { type: "send" }>,
): Promise<AckFrame | ErrorFrame> {
  const before = socket.frames.length;
  const ref = frame.ref ?? crypto.randomUUID().slice(0, 8);
  socket.send({ ...frame, ref });
  return answer(
    socket,
    before,
    (f) =>
      f.type === "ack" ? f.clientId === frame.clientId && f.room === frame.room : f.ref === ref,
  );
}

async function storedTexts(socket: TestSocket, room: string): Promise<string[]> {
  const ref = crypto.randomUUID().slice(0, 8);
  socket.send({ type: "history", room, ref });
  return (await socket.next("history", (f) => f.ref === ref)).messages.map((m) => m.text);
}

function expectError(answer: AckFrame | ErrorFrame, code: string): ErrorFrame {
  assert.equal(answer.type, "error", `expected ${code}, got ${JSON.stringify(answer)}`);
  assert.equal((answer as ErrorFrame).code, code);
  return answer as ErrorFrame;
}

function expectAck(answer: AckFrame | ErrorFrame): AckFrame {
  assert.equal(answer.type, "ack", `expected an ack, got ${JSON.stringify(answer)}`);
  return answer as AckFrame;
}

Deno.test("sends over the rate limit get rate_limited with retryAfterMs, are not stored, and succeed once it has passed", async () => {
  await withServer({ sendBurst: 3, sendRatePerSecond: 1 }, async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    const room = await createRoom(server.url, alice);
    const a = await openSocket(server.url, alice);
    for (let i = 1; i <= 3; i++) {
      expectAck(
        await sendOne(a, { type: "send", room: room.id, clientId: `burst-00${i}`, text: `${i}` }),
      );
    }
    const refused = expectError(
      await sendOne(a, { type: "send", room: room.id, clientId: "burst-004", text: "4" }),
      "rate_limited",
    );
    assert.equal(refused.retryAfterMs, 1000);
    assert.equal(refused.clientId, "burst-004");
    assert.equal(refused.room, room.id);
    assert.deepEqual(await storedTexts(a, room.id), ["1", "2", "3"]);

    clock.advance(999);
    const early = expectError(
      await sendOne(a, { type: "send", room: room.id, clientId: "burst-004", text: "4" }),
      "rate_limited",
    );
    assert.ok(early.retryAfterMs! >= 1 && early.retryAfterMs! <= 2, `${early.retryAfterMs}`);
    clock.advance(1);
    const ack = expectAck(
      await sendOne(a, { type: "send", room: room.id, clientId: "burst-004", text: "4" }),
    );
    assert.equal(ack.seq, 4);
    assert.deepEqual(await storedTexts(a, room.id), ["1", "2", "3", "4"]);
    await a.close();
  });
});

Deno.test("the send rate limit is per user across all of the user's sockets", async () => {
  await withServer({ sendBurst: 2, sendRatePerSecond: 1 }, async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = await createRoom(server.url, alice, [bob]);
    const first = await openSocket(server.url, alice);
    const second = await openSocket(server.url, alice);
    const b = await openSocket(server.url, bob);
    expectAck(
      await sendOne(first, { type: "send", room: room.id, clientId: "tab1-0001", text: "a" }),
    );
    expectAck(
      await sendOne(second, { type: "send", room: room.id, clientId: "tab2-0001", text: "b" }),
    );
    expectError(
      await sendOne(second, { type: "send", room: room.id, clientId: "tab2-0002", text: "c" }),
      "rate_limited",
    );
    expectAck(await sendOne(b, { type: "send", room: room.id, clientId: "bob-00001", text: "d" }));
    await Promise.all([first.close(), second.close(), b.close()]);
  });
});

Deno.test("the same text over SAME_TEXT_MAX times with new clientIds gets flood; a resend of an old clientId is not counted", async () => {
  await withServer({ sameTextMax: 2, sendBurst: 1000 }, async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    const room = await createRoom(server.url, alice);
    const a = await openSocket(server.url, alice);
    const send = (clientId: string, text = "BUY NOW") =>
      sendOne(a, { type: "send", room: room.id, clientId, text });
    const first = expectAck(await send("spam-0001"));
    expectAck(await send("spam-0002"));
    const flood = expectError(await send("spam-0003"), "flood");
    assert.equal(flood.clientId, "spam-0003");

    const resent = expectAck(await send("spam-0001"));
    assert.deepEqual(resent, first, "the resend is the stored message, not a new one");
    expectError(await send("spam-0004"), "flood");
    expectAck(await send("text-0001", "something else"));
    assert.deepEqual(await storedTexts(a, room.id), ["BUY NOW", "BUY NOW", "something else"]);

    clock.advance(10_001);
    expectAck(await send("spam-0005"));
    await a.close();
  });
});

async function upgradeStatus(server: TestServer, user: TestUser): Promise<number> {
  const raw = await rawUpgrade(server.url, { cookie: user.cookie });
  raw.conn.close();
  return raw.status;
}

/** Polls until an upgrade of `user` answers 101; the server frees a slot when it sees the close. */
async function waitForFreeSlot(server: TestServer, user: TestUser): Promise<TestSocket> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const raw = await rawUpgrade(server.url, { cookie: user.cookie });
    raw.conn.close();
    if (raw.status === 101) {
      // That probe took the slot until the server notices its close; wait for that too.
      for (;;) {
        try {
          return await openSocket(server.url, user);
        } catch {
          if (Date.now() > deadline) throw new Error("the slot was not freed again");
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("no slot was freed within 5 s");
}

Deno.test("past CONNECTIONS_PER_USER the WebSocket upgrade answers 429, and closing a socket frees its slot", async () => {
  await withServer({ connectionsPerUser: 2 }, async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const open = [await openSocket(server.url, alice), await openSocket(server.url, alice)];
    const refused = await rawUpgrade(server.url, { cookie: alice.cookie });
    assert.equal(refused.status, 429);
    assert.match(new TextDecoder().decode(refused.rest), /Too many open connections/);
    refused.conn.close();
    assert.equal(await upgradeStatus(server, alice), 429, "a refused upgrade takes no slot");
    const other = await openSocket(server.url, bob);

    await open[0]!.close();
    open[0] = await waitForFreeSlot(server, alice);
    assert.equal(await upgradeStatus(server, alice), 429, "one close frees exactly one slot");
    await Promise.all([...open, other].map((socket) => socket.close()));
  });
});

Deno.test("past CONNECTIONS_PER_ADDRESS the upgrade answers 429 whichever user asks", async () => {
  await withServer({ connectionsPerAddress: 2 }, async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const open = [await openSocket(server.url, alice), await openSocket(server.url, bob)];
    assert.equal(await upgradeStatus(server, bob), 429);
    assert.equal(await upgradeStatus(server, alice), 429);
    await Promise.all(open.map((socket) => socket.close()));
  });
});

Deno.test("past ROOMS_PER_HOUR, POST /api/rooms answers 429 with Retry-After until the hour has passed", async () => {
  await withServer({ roomsPerHour: 2 }, async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const create = async (user: TestUser, name: string) => {
      const response = await fetch(`${server.url}/api/rooms`, {
        method: "POST",
        headers: { cookie: user.cookie, origin: server.url, "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
      return {
        status: response.status,
        retryAfter: response.headers.get("retry-after"),
        body: await response.json(),
      };
    };
    assert.equal((await create(alice, "one")).status, 201);
    assert.equal((await create(alice, "   ")).status, 400, "an invalid room is not counted");
    clock.advance(60_000);
    assert.equal((await create(alice, "two")).status, 201);
    const refused = await create(alice, "three");
    assert.equal(refused.status, 429);
    assert.equal(refused.retryAfter, "3540", "seconds until the window of the first room ends");
    assert.equal(refused.body.retryAfterSeconds, 3540);
    assert.equal((await create(bob, "bobs")).status, 201, "the limit is per user");
    const lists = await api<{ joined: unknown[] }>(server.url, alice, "GET", "/api/rooms");
    assert.equal(lists.body.joined.length, 2, "the refused room was not created");

    clock.advance(3_539_000);
    assert.equal((await create(alice, "three")).status, 429);
    clock.advance(1_000);
    assert.equal((await create(alice, "three")).status, 201);
  });
});

async function login(server: TestServer, username: string, password: string) {
  const response = await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { origin: server.url, "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const body = await response.json();
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
}

const PASSWORD = "correct horse battery";

Deno.test("past LOGIN_FAILURES_PER_USER, logins answer 429 with Retry-After even with the right password", async () => {
  await withServer({ loginFailuresPerUser: 3 }, async (server, clock) => {
    const alice = await registerUser(server.url, "alice");
    for (let i = 0; i < 3; i++) {
      assert.equal((await login(server, alice.name, "wrong")).status, 401);
    }
    const refused = await login(server, alice.name, PASSWORD);
    assert.equal(refused.status, 429);
    assert.equal(refused.retryAfter, "900");
    assert.equal(refused.body.retryAfterSeconds, 900);
    assert.equal((await login(server, alice.name.toUpperCase(), PASSWORD)).status, 429);

    clock.advance(15 * 60_000);
    assert.equal((await login(server, alice.name, PASSWORD)).status, 200);
  });
});

Deno.test("past LOGIN_FAILURES_PER_ADDRESS, logins of any user from that address answer 429", async () => {
  await withServer({ loginFailuresPerAddress: 4, loginFailuresPerUser: 100 }, async (server) => {
    const carol = await registerUser(server.url, "carol");
    for (const name of ["nobody1", "nobody2", "nobody3", "nobody4"]) {
      assert.equal((await login(server, name, "guess")).status, 401);
    }
    const refused = await login(server, carol.name, PASSWORD);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.retryAfter) > 0 && Number(refused.retryAfter) <= 900);
  });
});

/** A send frame padded with an ignored field to exactly `bytes` UTF-8 bytes. */
function sendFrameOfBytes(room: string, clientId: string, bytes: number, pad = "x"): string {
  const base = { type: "send", room, clientId, text: "padded", pad: "" };
  const empty = new TextEncoder().encode(JSON.stringify(base)).length;
  const padBytes = new TextEncoder().encode(pad).length;
  const count = Math.floor((bytes - empty) / padBytes);
  const frame = JSON.stringify({
    ...base,
    pad: pad.repeat(count) + "x".repeat(bytes - empty - count * padBytes),
  });
  assert.equal(new TextEncoder().encode(frame).length, bytes);
  return frame;
}

Deno.test("a frame of MAX_FRAME_BYTES is accepted and one byte more is refused, counting UTF-8 bytes", async () => {
  await withServer({}, async (server) => {
    const alice = await registerUser(server.url, "alice");
    const room = await createRoom(server.url, alice);
    const a = await openSocket(server.url, alice);
    const sendRaw = (raw: string) => {
      const before = a.frames.length;
      a.send(raw);
      return answer(a, before, () => true);
    };
    expectAck(await sendRaw(sendFrameOfBytes(room.id, "exact-00001", MAX_FRAME_BYTES)) as AckFrame);
    expectError(
      await sendRaw(sendFrameOfBytes(room.id, "over-000001", MAX_FRAME_BYTES + 1)) as ErrorFrame,
      "frame_too_large",
    );
    // Fewer UTF-16 units than the limit, but three UTF-8 bytes each.
    const euro = sendFrameOfBytes(room.id, "euro-000001", MAX_FRAME_BYTES + 2, "€");
    assert.ok(euro.length < MAX_FRAME_BYTES);
    expectError(await sendRaw(euro) as ErrorFrame, "frame_too_large");
    expectAck(
      await sendRaw(sendFrameOfBytes(room.id, "euro-000002", MAX_FRAME_BYTES - 1, "€")) as AckFrame,
    );
    assert.deepEqual(await storedTexts(a, room.id), ["padded", "padded"]);
    await a.close();
  });
});

Deno.test("a text of MAX_TEXT_CHARS code points is accepted and one more is refused, whatever the characters", async () => {
  await withServer({ sendBurst: 100, sameTextMax: 100 }, async (server) => {
    const alice = await registerUser(server.url, "alice");
    const room = await createRoom(server.url, alice);
    const a = await openSocket(server.url, alice);
    const family = "👩‍👩‍👧"; // three emoji joined by two zero-width joiners: 5 code points
    const pieces = [family, "\u200F", "\u202B", "\u200B", "\u200D", "é", "e\u0301", "𝕏", "中", "a"];
    const mixed = Array.from({ length: MAX_TEXT_CHARS }, (_, i) => pieces[i % pieces.length]).join(
      "",
    );
    const texts: Record<string, string> = {
      emoji: "😀".repeat(MAX_TEXT_CHARS),
      mixed: [...mixed].slice(0, MAX_TEXT_CHARS).join(""),
      rtl: "\u202Eשלום".repeat(MAX_TEXT_CHARS / 5),
    };
    let n = 0;
    for (const [name, text] of Object.entries(texts)) {
      assert.equal(countChars(text), MAX_TEXT_CHARS, name);
      n++;
      const ack = expectAck(
        await sendOne(a, { type: "send", room: room.id, clientId: `max-${name}-01`, text }),
      );
      assert.equal(ack.seq, n);
      const over = [text + "\u200D", text + "😀", "\u200F" + text];
      for (const [i, long] of over.entries()) {
        assert.equal(countChars(long), MAX_TEXT_CHARS + 1);
        const error = expectError(
          await sendOne(a, {
            type: "send",
            room: room.id,
            clientId: `over-${name}-${i}`,
            text: long,
          }),
          "bad_frame",
        );
        assert.match(error.message, /over 4000 characters/);
      }
    }
    const ref = "all";
    a.send({ type: "history", room: room.id, ref });
    const history = await a.next("history", (f) => f.ref === ref);
    assert.deepEqual(history.messages.map((m) => m.text), Object.values(texts), "stored as sent");
    await a.close();
  });
});
