/**
 * Slow consumers: a member whose client stops reading while its room floods must be cut off
 * once the server has held more than `SLOW_CONSUMER_BYTES` of unsent data for it for
 * `SLOW_CONSUMER_GRACE_MS` (or `MAX_BUFFERED_BYTES` at once), without slowing or cutting the
 * members that read, and without the server's memory following the flood.
 *
 * The slow member is a WebSocket spoken over a bare TCP connection that stops reading after
 * `subscribed`; the kernel buffers a few MB for it before the server's own buffer grows, so the
 * floods here are several times larger than that.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Limits, readConfig } from "../lib/server/config.ts";
import { type ChatMessage, RESUME_MAX, type ServerFrame } from "../lib/common/protocol.ts";
import { CLOSE_SLOW_CONSUMER } from "../lib/realtime/ws_handler.ts";

/** The default lagging bound (`SLOW_CONSUMER_BYTES`). */
const MAX_BUFFERED_BYTES = readConfig({}).limits.slowConsumerBytes;
import { rawUpgrade } from "./helpers/raw_websocket.ts";
import { BIG_TEXT, flood, range, ReadingMember, stalledMember } from "./helpers/flood.ts";
import {
  createRoom,
  registerUser,
  roomHead,
  TestSocket,
  type TestUser,
} from "./helpers/chat_client.ts";
import { residentBytes, spawnServer } from "./helpers/server_process.ts";
import { type TestServer, withTestServer } from "./helpers/test_server.ts";

const MB = 1024 * 1024;
/** No send limits, and a stalled socket is closed soon after it starts lagging. */
const UNLIMITED: Partial<Limits> = {
  sendBurst: 1_000_000,
  sendRatePerSecond: 1_000_000,
  slowConsumerGraceMs: 200,
  maxBufferedBytes: 4 * MAX_BUFFERED_BYTES,
};

function withServer(
  limits: Partial<Limits>,
  fn: (server: TestServer) => Promise<void>,
): Promise<void> {
  return withTestServer((server) => fn(server), {
    config: { limits: { ...readConfig({}).limits, ...limits } },
  });
}

/**
 * Runs `fn` against `deno serve main.ts` in a child process with the {@linkcode UNLIMITED}
 * limits, so that the memory measured is the server's alone, not the test runner's (which
 * runs other test files beside this one).
 */
async function withServerProcess(
  fn: (server: { url: string; pid: number }) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "slow-consumer" });
  const server = await spawnServer({
    kvPath: `${dir}/chat.kv`,
    env: {
      SEND_RATE: String(UNLIMITED.sendRatePerSecond),
      SEND_BURST: String(UNLIMITED.sendBurst),
      SLOW_CONSUMER_GRACE_MS: String(UNLIMITED.slowConsumerGraceMs),
      MAX_BUFFERED_BYTES: String(UNLIMITED.maxBufferedBytes),
    },
  });
  try {
    await fn(server);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

function peersOf(server: TestServer, user: TestUser): number {
  return [...server.chat.hub.peers].filter((peer) => peer.userId === user.id).length;
}

Deno.test("a member that stops reading during a flood is closed with 4008 long before the flood ends, while a reading member gets every message in order, memory stays bounded, and the slow user resumes with every missed message", async () => {
  await withServerProcess(async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    const room = (await createRoom(server.url, alice, [bob, carol])).id;
    const slow = await stalledMember(server, bob, room);
    const fast = new ReadingMember(server, carol, room);
    await fast.ready;
    const sender = new TestSocket(server.url, alice);
    await sender.next("welcome");

    const total = 1_500; // about 24 MB of frames
    const frameBytes =
      new TextEncoder().encode(JSON.stringify({ text: `1000 ${BIG_TEXT}` })).length;
    const startRss = await residentBytes(server.pid);
    let peakRss = 0;
    const started = Date.now();
    const samples: Promise<void>[] = [];
    await flood(sender, room, total, BIG_TEXT, 16, () => {
      samples.push(
        residentBytes(server.pid).then((rss) => {
          peakRss = Math.max(peakRss, rss - startRss);
        }),
      );
    });
    await Promise.all(samples);
    assert.ok(await fast.waitFor(total, 30_000), `the reading member got ${fast.seqs.length}`);
    const elapsed = Date.now() - started;
    console.log(
      `slow consumer: flood=${(total * frameBytes / MB).toFixed(1)} MiB in ${elapsed} ms, ` +
        `server rss peak growth ${(peakRss / MB).toFixed(1)} MiB`,
    );
    // The flood is 23 MiB, and the stalled member's share of it alone would be too.
    assert.ok(peakRss < 64 * MB, `the server's rss grew by ${(peakRss / MB).toFixed(1)} MiB`);

    // Seqs are counted from the head after the setup (Bob's and Carol's join messages).
    const base = fast.head;
    assert.deepEqual(
      fast.seqs,
      range(base + 1, base + total),
      "the reading member saw every seq once, in order",
    );
    assert.equal(fast.closeCode, undefined, "the reading member was never cut off");
    assert.deepEqual([...fast.indexes.values()], range(0, total - 1), "each seq has its text");
    assert.equal(fast.badTexts, 0);

    // Only now does the slow member read what the kernel and the server held for it.
    await slow.reader.readUntil(() => slow.reader.closeCode !== undefined, 10_000);
    const seen = slow.reader.json<ServerFrame>().filter((f) => f.type === "message");
    console.log(
      `slow consumer: the stalled member got ${seen.length} of ${total} messages ` +
        `(${(slow.reader.payloadBytes / MB).toFixed(1)} MiB) before close ${slow.reader.closeCode}`,
    );
    assert.equal(slow.reader.closeCode, CLOSE_SLOW_CONSUMER);
    assert.ok(seen.length < total, "the server stopped sending to the stalled member");
    assert.ok(
      slow.reader.payloadBytes < total * frameBytes - 4 * MAX_BUFFERED_BYTES,
      "it was cut well before the end of the flood",
    );
    const lastSeen = seen.length;
    assert.deepEqual(
      seen.map((m) => m.seq),
      range(base + 1, base + lastSeen),
      "what it got was in order",
    );
    slow.conn.close();

    const again = new TestSocket(server.url, bob);
    await again.next("welcome");
    again.send({ type: "subscribe", room, after: base + lastSeen, ref: "resume" });
    const subscribed = await again.next("subscribed", (f) => f.ref === "resume");
    assert.equal(subscribed.head, base + total);
    let missed: ChatMessage[];
    console.log(`slow consumer: resumed after ${lastSeen}, reset=${subscribed.reset}`);
    if (subscribed.reset) {
      // Over RESUME_MAX behind: the client reloads history back to what it has.
      missed = [];
      let before: number | undefined;
      for (let page = 0; before === undefined || before > base + lastSeen + 1; page++) {
        again.send({ type: "history", room, before, ref: `page${page}` });
        const history = await again.next("history", (f) => f.ref === `page${page}`);
        missed.unshift(...history.messages.filter((m) => m.seq > base + lastSeen));
        before = history.messages[0]?.seq ?? 0;
        again.frames.length = 0;
      }
    } else {
      await again.waitForMessages(room, total - lastSeen, 30_000);
      missed = again.messages(room);
    }
    assert.deepEqual(missed.map((m) => m.seq), range(base + lastSeen + 1, base + total));
    assert.deepEqual(
      missed.map((m) => Number(m.text.split(" ")[0])),
      range(lastSeen, total - 1),
      "each missed message has the text sent with that seq",
    );
    await again.close();
    await fast.close();
    await sender.close();
  });
});

Deno.test("a reader resuming 1,000 large missed messages gets them all in order at its own pace, never cut as a slow consumer", async () => {
  // The missed messages are 16 MB, four times the hard bound: sent in one go, the replay alone
  // would close the socket it is catching up.
  await withServer(UNLIMITED, async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = (await createRoom(server.url, alice, [bob])).id;
    // Bob last saw the room right after joining; he missed everything sent since.
    const base = await roomHead(server.url, bob, room);
    const sender = new TestSocket(server.url, alice);
    await sender.next("welcome");
    await flood(sender, room, RESUME_MAX, BIG_TEXT, 50);

    const resumer = new TestSocket(server.url, bob);
    await resumer.next("welcome");
    resumer.send({ type: "subscribe", room, after: base, ref: "resume" });
    const subscribed = await resumer.next("subscribed", (f) => f.ref === "resume");
    assert.deepEqual([subscribed.head, subscribed.reset], [base + RESUME_MAX, false]);
    // Live messages sent during the replay follow it, each once.
    for (let i = 0; i < 20; i++) {
      sender.send({ type: "send", room, clientId: `live-${100000 + i}`, text: `live ${i}` });
    }
    await resumer.waitForMessages(room, RESUME_MAX + 20, 60_000);
    assert.deepEqual(
      resumer.messages(room).map((m) => m.seq),
      range(base + 1, base + RESUME_MAX + 20),
    );
    assert.equal(resumer.socket.readyState, WebSocket.OPEN, "the resuming socket stayed open");
    await resumer.close();
    await sender.close();
  });
});

Deno.test("a slow consumer closed with 4008 leaves the hub and frees its connection slot even while it still does not read", async () => {
  await withServer({ ...UNLIMITED, connectionsPerUser: 1 }, async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = (await createRoom(server.url, alice, [bob])).id;
    const slow = await stalledMember(server, bob, room);
    const sender = new TestSocket(server.url, alice);
    await sender.next("welcome");
    assert.equal(peersOf(server, bob), 1);

    await flood(sender, room, 750, BIG_TEXT, 16); // about 12 MB
    const deadline = Date.now() + 5_000;
    while (peersOf(server, bob) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const peersLeft = peersOf(server, bob);
    const probe = await rawUpgrade(server.url, { cookie: bob.cookie });
    probe.conn.close();

    await slow.reader.readUntil(() => slow.reader.closeCode !== undefined, 10_000);
    assert.equal(slow.reader.closeCode, CLOSE_SLOW_CONSUMER, "the server did decide to close it");
    const closed = await server.chat.metrics.registry.getSingleMetric(
      "chat_slow_consumers_closed_total",
    )?.get();
    assert.deepEqual(
      closed?.values.map(({ labels, value }) => [labels.reason, value]),
      [["lagging", 1]],
      "the metrics count the one socket closed for lagging",
    );
    assert.equal(peersLeft, 0, "5 s after sending close 4008 the hub still holds the peer");
    assert.equal(probe.status, 101, "the closed socket still takes the user's only slot");
    slow.conn.close();
    await sender.close();
  });
});

Deno.test("a reading member that resumes after missing more than 1 MiB of messages gets them all and is not cut off", async () => {
  await withServer(UNLIMITED, async (server) => {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const room = (await createRoom(server.url, alice, [bob])).id;
    // Bob last saw the room right after joining; he missed everything sent since.
    const base = await roomHead(server.url, bob, room);
    const sender = new TestSocket(server.url, alice);
    await sender.next("welcome");
    const missed = 300; // 300 × 4 KB = 1.2 MB, well under RESUME_MAX messages
    const text = "x".repeat(3990);
    await flood(sender, room, missed, text, 20);

    const resumed = new ReadingMember(server, bob, room, base, text);
    await resumed.ready;
    const all = await resumed.waitFor(missed, 10_000);
    assert.equal(resumed.closeCode, undefined, `closed with ${resumed.closeCode}`);
    assert.ok(all, `got ${resumed.seqs.length} of ${missed}`);
    assert.deepEqual(resumed.seqs, range(base + 1, base + missed));
    assert.deepEqual([...resumed.indexes.values()], range(0, missed - 1));
    await resumed.close();
    await sender.close();
  });
});

Deno.test("a burst within the default send limits from eight members at once does not cut off a member that reads", async () => {
  await withServer({}, async (server) => {
    const users = await Promise.all(
      Array.from({ length: 9 }, (_, i) => registerUser(server.url, `member${i}`)),
    );
    const [owner, ...others] = users as [TestUser, ...TestUser[]];
    const room = (await createRoom(server.url, owner, others)).id;
    const reader = new ReadingMember(server, users[8]!, room);
    await reader.ready;
    const senders = await Promise.all(
      users.slice(0, 8).map(async (user) => {
        const socket = new TestSocket(server.url, user);
        await socket.next("welcome");
        return socket;
      }),
    );
    // Each member sends its whole burst of near-maximal messages: about 3.8 MB in all.
    const burst = readConfig({}).limits.sendBurst;
    senders.forEach((socket, s) => {
      for (let i = 0; i < burst; i++) {
        const clientId = `burst-${s}-${1000 + i}`;
        socket.send({ type: "send", room, clientId, text: `${s * 1000 + i} ${BIG_TEXT}` });
      }
    });
    for (const [s, socket] of senders.entries()) {
      await socket.next("ack", (f) => f.clientId === `burst-${s}-${1000 + burst - 1}`);
    }
    const all = await reader.waitFor(8 * burst, 10_000);
    assert.equal(
      reader.closeCode,
      undefined,
      `closed with ${reader.closeCode} after ${reader.seqs.length} messages`,
    );
    assert.ok(all, `got ${reader.seqs.length} of ${8 * burst}`);
    assert.deepEqual(reader.seqs, range(reader.head + 1, reader.head + 8 * burst));
    await reader.close();
    await Promise.all(senders.map((socket) => socket.close()));
  });
});

Deno.test("a member that asks for three history pages of 100 near-maximal messages in a row gets them all and is not cut off", async () => {
  await withServer(UNLIMITED, async (server) => {
    const alice = await registerUser(server.url, "alice");
    const room = (await createRoom(server.url, alice)).id;
    const sender = new TestSocket(server.url, alice);
    await sender.next("welcome");
    await flood(sender, room, 100, BIG_TEXT, 20);
    await sender.close();

    // One page is about 1.6 MB, more than MAX_BUFFERED_BYTES in a single frame; the reader asks
    // for it three times without waiting, as a client scrolling back quickly might.
    const reader = new TestSocket(server.url, alice);
    await reader.next("welcome");
    reader.send({ type: "history", room, limit: 100, ref: "page" });
    reader.send({ type: "history", room, limit: 100, ref: "page2" });
    reader.send({ type: "history", room, limit: 100, ref: "page3" });
    reader.send({ type: "ping", ref: "after-page" });
    const closed = reader.closed.then((event) => event.code);
    const answered = Promise.all([
      ...["page", "page2", "page3"].map((ref) => reader.next("history", (f) => f.ref === ref)),
      reader.next("pong", (f) => f.ref === "after-page"),
    ]);
    answered.catch(() => {});
    const outcome = await Promise.race([answered, closed]);
    assert.ok(Array.isArray(outcome), `closed with ${outcome} instead of answering`);
    for (const page of outcome.slice(0, 3)) {
      assert.equal(page.type === "history" && page.messages.length, 100);
    }
    await reader.close();
  });
});
