/**
 * The node-wide budget for unsent bytes (`UNSENT_BYTES_BUDGET`): a few hundred sockets that
 * subscribe and never read must not take the server's memory with them during a flood, while
 * a member that reads gets every message and is never cut.
 *
 * The server runs in its own process so that its resident memory is measured alone. Each
 * socket's own bounds stay at their defaults (1 MiB for 5 s, 16 MiB at once): without the
 * budget, every stuck socket holds up to 16 MiB for those 5 s.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ServerFrame } from "../lib/common/protocol.ts";
import { CLOSE_SLOW_CONSUMER } from "../lib/realtime/ws_handler.ts";
import { createRoom, registerUser, TestSocket } from "./helpers/chat_client.ts";
import { BIG_TEXT, flood, range, ReadingMember, stalledMember } from "./helpers/flood.ts";
import { residentBytes, spawnServer } from "./helpers/server_process.ts";

const MB = 1024 * 1024;
/** Sockets that never read; the fd limit is 20,000 per process, so well under it. */
const STUCK = 200;
const BUDGET = 16 * MB;
/** About 12 MB of frames: several times what the kernel buffers for a stuck loopback socket. */
const TOTAL = 750;

Deno.test("with 200 sockets that never read, the server's memory stays near its unsent-bytes budget during a flood: the stuck sockets are closed with 4008 furthest behind first, and a reading member gets every message", async () => {
  const dir = await Deno.makeTempDir({ prefix: "send-budget" });
  const server = await spawnServer({
    kvPath: `${dir}/chat.kv`,
    env: {
      SEND_RATE: "1000000",
      SEND_BURST: "1000000",
      CONNECTIONS_PER_USER: "1000",
      UNSENT_BYTES_BUDGET: String(BUDGET),
    },
  });
  try {
    const alice = await registerUser(server.url, "alice");
    const bob = await registerUser(server.url, "bob");
    const carol = await registerUser(server.url, "carol");
    const room = (await createRoom(server.url, alice, [bob, carol])).id;
    const stuck: Awaited<ReturnType<typeof stalledMember>>[] = [];
    for (let i = 0; i < STUCK; i += 20) {
      stuck.push(
        ...await Promise.all(
          Array.from({ length: 20 }, () => stalledMember(server, bob, room)),
        ),
      );
    }
    const reader = new ReadingMember(server, carol, room);
    await reader.ready;
    const sender = new TestSocket(server.url, alice);
    await sender.next("welcome");

    const startRss = await residentBytes(server.pid);
    let peakRss = 0;
    const samples: Promise<void>[] = [];
    const started = Date.now();
    await flood(sender, room, TOTAL, BIG_TEXT, 16, () => {
      samples.push(
        residentBytes(server.pid).then((rss) => {
          peakRss = Math.max(peakRss, rss - startRss);
        }),
      );
    });
    await Promise.all(samples);
    assert.ok(await reader.waitFor(TOTAL, 60_000), `the reading member got ${reader.seqs.length}`);
    const elapsed = Date.now() - started;
    console.log(
      `send budget: ${STUCK} stuck sockets, flood ${TOTAL} × 16 KB in ${elapsed} ms, ` +
        `server rss ${(startRss / MB).toFixed(0)} MiB at start, peak growth ` +
        `${(peakRss / MB).toFixed(1)} MiB (budget ${BUDGET / MB} MiB)`,
    );
    assert.equal(reader.closeCode, undefined, "the reading member was never cut");
    assert.deepEqual(reader.seqs, range(reader.head + 1, reader.head + TOTAL));
    assert.equal(reader.badTexts, 0);
    // Measured: 90 MiB with the budget; 200 to 436 MiB with it out of reach; the flood alone 25.
    assert.ok(peakRss < 128 * MB, `the server's rss grew by ${(peakRss / MB).toFixed(1)} MiB`);

    // A few of the stuck sockets now read what the kernel held for them: each was closed.
    for (const slow of stuck.slice(0, 3)) {
      await slow.reader.readUntil(() => slow.reader.closeCode !== undefined, 20_000);
      const seen = slow.reader.json<ServerFrame>().filter((f) => f.type === "message").length;
      assert.equal(slow.reader.closeCode, CLOSE_SLOW_CONSUMER);
      assert.ok(seen < TOTAL, `a stuck socket got ${seen} of ${TOTAL}`);
    }
    for (const slow of stuck) slow.conn.close();
    await reader.close();
    await sender.close();
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
