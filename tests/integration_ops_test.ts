/**
 * Operations endpoints end to end on a real node (real KV, real WebSockets): `/healthz` with a
 * healthy node, a closed KV and a closed broker; `/metrics` refusing without the right token
 * and counting what it claims after a scripted load.
 *
 * @module
 */
import assert from "node:assert/strict";
import { MemoryBus } from "../lib/realtime/broker/broker_memory.ts";
import { readConfig } from "../lib/server/config.ts";
import type { HealthReport } from "../lib/server/health.ts";
import { createLogger, type LogLevel } from "../lib/server/log.ts";
import { startTestServer, withTestServer } from "./helpers/test_server.ts";
import { withRoom } from "./helpers/room_fixture.ts";
import { registerUser, TestSocket } from "./helpers/chat_client.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import { systemClock } from "../lib/common/clock.ts";
import { CLOSE_SERVICE_RESTART } from "../lib/common/protocol.ts";
import { spawnServer } from "./helpers/server_process.ts";
import type { ServerFrame } from "../lib/common/protocol.ts";

const TOKEN = "metrics-token-for-tests-0123";

async function health(url: string): Promise<{ status: number; body: HealthReport }> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: await response.json() };
}

/** `GET /metrics` with this `Authorization` header, or none when `null`. */
async function scrape(url: string, authorization: string | null = `Bearer ${TOKEN}`) {
  return await fetch(`${url}/metrics`, {
    headers: authorization === null ? {} : { authorization },
  });
}

/** The samples of a Prometheus text exposition, by series (`name{labels}`). */
async function samples(url: string): Promise<Map<string, number>> {
  const response = await scrape(url);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const series = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

Deno.test("GET /healthz answers 200 with every part ok on a healthy node", async () => {
  await withTestServer(async ({ url }) => {
    const { status, body } = await health(url);
    assert.equal(status, 200);
    assert.deepEqual(body, { status: "ok", checks: { kv: "ok", broker: "ok" } });
  });
});

Deno.test("GET /healthz answers 503 naming the KV when the KV is closed", async () => {
  const kv = await Deno.openKv(":memory:");
  const server = await startTestServer({ kv });
  try {
    kv.close();
    const { status, body } = await health(server.url);
    assert.equal(status, 503);
    assert.deepEqual(body, { status: "failing", checks: { kv: "failed", broker: "ok" } });
  } finally {
    // The node's own shutdown writes to the closed KV; only the HTTP side matters here.
    await server.close().catch(() => {});
  }
});

Deno.test("GET /healthz answers 503 naming the broker when the broker is down", async () => {
  const broker = new MemoryBus().broker();
  await withTestServer(async ({ url }) => {
    await broker.close();
    const { status, body } = await health(url);
    assert.equal(status, 503);
    assert.deepEqual(body, { status: "failing", checks: { kv: "ok", broker: "disconnected" } });
  }, { broker });
});

Deno.test("GET /metrics does not exist (404) when no METRICS_TOKEN is configured", async () => {
  await withTestServer(async ({ url }) => {
    const response = await scrape(url);
    assert.equal(response.status, 404);
    await response.body?.cancel();
  });
});

Deno.test("GET /metrics refuses a missing or wrong token with 401 and no metrics", async () => {
  await withTestServer(async ({ url }) => {
    const wrong = [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      "Bearer ",
      TOKEN,
      `Basic ${TOKEN}`,
    ];
    for (const authorization of [null, ...wrong]) {
      const response = await scrape(url, authorization);
      assert.equal(response.status, 401, `Authorization: ${authorization}`);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="metrics"');
      const body = await response.json();
      assert.equal(body.code, "refusal.metricsToken");
      assert.doesNotMatch(JSON.stringify(body), /chat_/);
    }
  }, { config: { metricsToken: TOKEN } });
});

Deno.test("GET /metrics counts sockets, messages in and out, commits, broker lag and send-rate refusals after a scripted load", async () => {
  const sent = 20;
  const config = {
    metricsToken: TOKEN,
    // Room for exactly the scripted sends, then refusals: a token a minute refills nothing.
    limits: { ...readConfig({}).limits, sendBurst: sent, sendRatePerSecond: 1 },
  };
  await withTestServer(async ({ url }) => {
    await withRoom(url, ["alice", "bob"], async ({ room, sockets: { alice, bob }, head }) => {
      const before = await samples(url);
      assert.equal(before.get("chat_open_connections"), 2);
      for (let i = 1; i <= sent; i++) {
        alice.send({ type: "send", room: room.id, clientId: `metric-${1000 + i}`, text: `m${i}` });
      }
      await alice.next("ack", (frame) => frame.seq === head + sent);
      await bob.waitForMessages(room.id, sent);
      await alice.waitForMessages(room.id, sent);
      const over = 3;
      for (let i = 1; i <= over; i++) {
        alice.send({ type: "send", room: room.id, clientId: `over-${1000 + i}`, text: `o${i}` });
      }
      const refused = (frame: ServerFrame) =>
        frame.type === "error" && frame.code === "rate_limited";
      await alice.next("error", (frame) => frame.clientId === `over-${1000 + over}`);
      assert.equal(alice.frames.filter(refused).length, over);

      const after = await samples(url);
      const moved = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
      assert.equal(moved("chat_messages_in_total"), sent);
      assert.equal(moved("chat_messages_out_total"), 2 * sent, "each message to both members");
      assert.equal(moved('chat_rate_limit_refusals_total{limit="send_rate"}'), over);
      assert.ok(moved("chat_kv_commit_seconds_count") >= 1, "the sends were committed");
      assert.ok(
        moved('chat_broker_lag_seconds_count{origin="this_node"}') >= 1,
        "each committed batch came back through the broker",
      );
      assert.equal(after.get("chat_open_connections"), 2);
      assert.equal(moved("chat_slow_consumers_closed_total"), 0);
      assert.equal(moved("chat_gaps_repaired_total"), 0, "one node drops no events");
    });
  }, { config });
});

Deno.test("each HTTP request is logged as one JSON line with the request id the response carries", async () => {
  const lines: { level: LogLevel; line: string }[] = [];
  const log = createLogger("json", (level, line) => lines.push({ level, line }));
  await withTestServer(async ({ url }) => {
    const response = await fetch(`${url}/healthz`, { headers: { "x-request-id": "probe-42" } });
    await response.body?.cancel();
    assert.equal(response.headers.get("x-request-id"), "probe-42");
    const fresh = await fetch(`${url}/login`);
    await fresh.body?.cancel();
    const id = fresh.headers.get("x-request-id");
    assert.match(id ?? "", /^[0-9a-f-]{36}$/);
    const logged = lines.map(({ line }) => JSON.parse(line));
    assert.deepEqual(
      logged.map(({ msg, requestId, method, route, status }) => ({
        msg,
        requestId,
        method,
        route,
        status,
      })),
      [
        {
          msg: "request",
          requestId: "probe-42",
          method: "GET",
          route: "GET /healthz",
          status: 200,
        },
        { msg: "request", requestId: id, method: "GET", route: "GET /login", status: 200 },
      ],
    );
    for (const entry of logged) {
      assert.ok(!Number.isNaN(Date.parse(entry.time)));
      assert.equal(typeof entry.ms, "number");
    }
  }, { log });
});

Deno.test("each socket request is logged as one line with an id of its own, which a refusal carries", async () => {
  const lines: string[] = [];
  const log = createLogger("json", (_level, line) => lines.push(line));
  await withTestServer(async ({ url }) => {
    const alice = await registerUser(url, "alice");
    lines.length = 0;
    const socket = new TestSocket(url, alice);
    await socket.next("welcome");
    // The socket route makes its own ids: one a client sends is not taken.
    const refused = await fetch(`${url}/ws?v=2`, {
      headers: { upgrade: "websocket", origin: url, "x-request-id": "probe-7" },
    });
    await refused.body?.cancel();
    assert.equal(refused.status, 401);
    const logged = lines.map((line) => JSON.parse(line));
    assert.deepEqual(
      logged.map(({ msg, method, route, status }) => ({ msg, method, route, status })),
      [
        { msg: "request", method: "GET", route: "GET /ws", status: 101 },
        { msg: "request", method: "GET", route: "GET /ws", status: 401 },
      ],
    );
    const [upgraded, refusal] = logged.map((entry) => entry.requestId);
    assert.match(upgraded, /^[0-9a-f-]{36}$/);
    assert.match(refusal, /^[0-9a-f-]{36}$/);
    assert.notEqual(upgraded, refusal);
    assert.equal(refused.headers.get("x-request-id"), refusal);
    for (const entry of logged) assert.equal(typeof entry.ms, "number");
    socket.socket.close();
    await socket.closed;
  }, { log });
});

Deno.test("with deno serve --parallel, a scrape reaching either worker sums the metrics of both", async () => {
  const dir = await Deno.makeTempDir();
  const server = await spawnServer({
    kvPath: `${dir}/chat.kv`,
    parallel: true,
    env: { DENO_JOBS: "2", METRICS_TOKEN: TOKEN },
  });
  const sockets: TestSocket[] = [];
  try {
    const alice = await registerUser(server.url, "alice");
    const nodes = new Set<string>();
    // Connections go to whichever worker the kernel picks: open until both have some.
    for (let attempt = 0; attempt < 50 && nodes.size < 2; attempt++) {
      const socket = new TestSocket(server.url, alice);
      sockets.push(socket);
      nodes.add((await socket.next("welcome")).node);
    }
    assert.equal(nodes.size, 2, "no connection landed on the second worker");
    for (let scrape = 0; scrape < 4; scrape++) {
      const series = await samples(server.url);
      assert.equal(series.get("chat_metrics_workers"), 2);
      assert.equal(series.get("chat_open_connections"), sockets.length);
    }
  } finally {
    for (const socket of sockets) await socket.close();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ChatServer.shutdown() acks every send it stored before closing sockets with 1012, then fails /healthz and refuses new sockets with 503", async () => {
  const server = await startTestServer();
  try {
    await withRoom(server.url, ["alice"], async ({ room, users: { alice }, sockets }) => {
      const socket = sockets.alice;
      for (let i = 1; i <= 40; i++) {
        socket.send({ type: "send", room: room.id, clientId: `drain-${1000 + i}`, text: `d${i}` });
      }
      await socket.next("ack");
      await server.chat.shutdown();
      const closed = await socket.closed;
      assert.equal(closed.code, CLOSE_SERVICE_RESTART);

      const stored = (await new KvMessageStore(server.kv, systemClock).after(room.id, 0, 1000))
        .filter((message) => message.from === alice.id);
      const acked = socket.frames.flatMap((frame) => frame.type === "ack" ? [frame.seq] : []);
      assert.ok(stored.length >= 1);
      assert.deepEqual(acked, stored.map((message) => message.seq), "no message stored unacked");

      const { status, body } = await health(server.url);
      assert.equal(status, 503);
      assert.equal(body.status, "draining");
      const upgrade = await fetch(`${server.url}/ws?v=2`, {
        headers: { upgrade: "websocket", origin: server.url, cookie: alice.cookie },
      });
      assert.equal(upgrade.status, 503);
      assert.equal((await upgrade.json()).code, "refusal.shuttingDown");
    });
  } finally {
    await server.close();
  }
});
