/**
 * `deno run -A bench/fanout_send.ts [--sockets N] [--fanouts N] [--rounds N]`: the sending
 * process's CPU per delivery along the chat's delivery path, layer by layer, apart from the
 * store, the broker and the load generator. One Deno process holds two rooms of N server-side
 * WebSockets (default 100, a room of scenario (a)): one of bare sockets, one of chat sockets
 * made by `upgradeToChat` (the real `SocketTransport`, `ChatConnection` and send budget)
 * subscribed in a real {@linkcode Hub}. Their peers run in a second process that only counts
 * what arrives. Each variant sends the same messages, alternating their order round by round:
 *
 * - `raw string`: `socket.send(frame)` on the bare sockets, what bare Deno does per delivery;
 * - `raw bytes`: the frame encoded to UTF-8 once per message and sent as an `ArrayBuffer`
 *   (a binary frame: Deno's fast `op_ws_send_binary_ab`, no UTF-8 conversion per socket);
 * - `connection`: `peer.send(frame)` on every chat socket (connection, transport, budget);
 * - `hub`: `hub.handle()` of a `messages` broker event, as the server does: the room's queue,
 *   `#deliver`, the frame's encoding, the metrics counter, then the `connection` path.
 *
 * CPU is read per thread from `/proc` (`thread_seconds.ts`) and as user and kernel time
 * (`process.cpuUsage()`) from the first send until every peer has every frame. Both processes
 * share the machine, so the figures are ratios between variants measured side by side.
 *
 * @module
 */
import { cpuUsage } from "node:process";
import type { ChatMessage } from "../lib/common/protocol.ts";
import { encodeServerFrame } from "../lib/common/protocol.ts";
import { systemClock } from "../lib/common/clock.ts";
import { Hub } from "../lib/realtime/hub.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import { Metrics } from "../lib/server/metrics.ts";
import type { ConnectionDeps } from "../lib/realtime/connection.ts";
import { SendBudget } from "../lib/realtime/send_budget.ts";
import { upgradeToChat } from "../lib/realtime/ws_handler.ts";
import { median } from "./median.ts";
import { threadSeconds } from "./thread_seconds.ts";

const args = Deno.args;
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};

if (args[0] === "--peers") await runPeers(args[1]!, Number(args[2]));
else await runSender();

/** The receiving side: opens `count` sockets and says `done N` once N frames arrived on all. */
async function runPeers(url: string, count: number): Promise<void> {
  const counts = new Array<number>(count).fill(0);
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = new WebSocket(i < count / 2 ? `${url}raw` : `${url}chat`);
    socket.binaryType = "arraybuffer";
    // A text frame may carry several messages, one per line (a batch).
    socket.onmessage = (event) => {
      counts[i]! += typeof event.data === "string" ? event.data.split("\n").length : 1;
    };
    sockets.push(socket);
    await new Promise((resolve) => socket.onopen = resolve);
  }
  // The first socket also carries the control messages: "expect" resets the counts, "done?"
  // asks for the fewest frames any socket of the named half has had since.
  const control = sockets[0]!;
  control.onmessage = (event) => {
    if (event.data === "expect") {
      counts.fill(0);
      control.send("ok");
    } else if (typeof event.data === "string" && event.data.startsWith("done? ")) {
      const half = event.data.slice(6) === "raw"
        ? counts.slice(0, count / 2)
        : counts.slice(count / 2);
      // The control socket's own answers are not frames of the fan-out.
      control.send(`done ${Math.min(...half)}`);
    } else counts[0]! += typeof event.data === "string" ? event.data.split("\n").length : 1;
  };
  await new Promise(() => {});
}

async function runSender(): Promise<void> {
  const socketCount = flag("--sockets", 100);
  const fanouts = flag("--fanouts", 2_000);
  const rounds = flag("--rounds", 5);
  const kv = await Deno.openKv(":memory:");
  const metrics = new Metrics();
  const hub = new Hub(new KvMessageStore(kv, systemClock), { metrics });
  // What a connection touches while it opens and delivers; the rest of the node is not used
  // by this bench (no frame is ever received on a chat socket).
  const deps = {
    hub,
    clock: systemClock,
    nodeId: "bench",
    heartbeatMs: 30_000,
    readBlocks: () => Promise.resolve(new Set<string>()),
    metrics,
  } as unknown as ConnectionDeps;
  const limits = {
    slowConsumerBytes: 1 << 20,
    slowConsumerGraceMs: 5_000,
    maxBufferedBytes: 16 << 20,
  };
  const budget = new SendBudget(256 << 20);
  const raw: WebSocket[] = [];
  let chatOpen = 0;
  let opened!: () => void;
  const allOpen = new Promise<void>((resolve) => opened = resolve);
  const answers: ((text: string) => void)[] = [];
  const countOpen = () => {
    if (raw.length + chatOpen === socketCount * 2) opened();
  };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    if (request.url.endsWith("/chat")) {
      const n = chatOpen;
      const user = { id: `bench-user-${n}`, name: `user${n}` };
      const session = { id: `s${n}`, userId: user.id, expiresAt: Date.now() + 3_600_000 };
      const response = upgradeToChat(
        request,
        user as Parameters<typeof upgradeToChat>[1],
        session as Parameters<typeof upgradeToChat>[2],
        deps,
        limits,
        () => {},
        budget,
      );
      chatOpen++;
      setTimeout(countOpen, 0);
      return response;
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onopen = () => {
      raw.push(socket);
      countOpen();
    };
    socket.onmessage = (event) => answers.shift()?.(event.data);
    return response;
  });
  const url = `ws://127.0.0.1:${server.addr.port}/`;
  const peers = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--peers", url, String(socketCount * 2)],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  await allOpen;
  // Let every chat socket open (welcome sent, added to the hub), then subscribe them all.
  while (hub.peerCount < socketCount) await new Promise((resolve) => setTimeout(resolve, 10));
  const room = "bench-a-3";
  await Promise.all([...hub.peers].map((peer) => hub.subscribe(peer, room, undefined)));
  await hub.idle();
  const control = raw[0]!;
  const ask = (text: string) =>
    new Promise<string>((resolve) => {
      answers.push(resolve);
      control.send(text);
    });

  // Scenario (a)'s message: its generator's ids and 73-character text.
  const message: ChatMessage = {
    room,
    seq: 0,
    id: "_d7LB_nlXzcQnqsuc9dwrA",
    from: "bench-user-317",
    author: "user317",
    text: `0 1234 100000 123456.789 ${"x".repeat(48)}`,
    at: 1_796_278_239_494,
  };
  const encoder = new TextEncoder();
  const frameOf = (m: ChatMessage) => encodeServerFrame({ type: "message", ...m });
  let seq = 0;
  const peerList = [...hub.peers];
  const variants: Record<string, { half: "raw" | "chat"; send: (m: ChatMessage) => void }> = {
    "raw string": {
      half: "raw",
      send: (m) => {
        const frame = frameOf(m);
        for (const socket of raw) if (socket.readyState === WebSocket.OPEN) socket.send(frame);
      },
    },
    "raw bytes": {
      half: "raw",
      send: (m) => {
        const bytes = encoder.encode(frameOf(m)).buffer;
        for (const socket of raw) if (socket.readyState === WebSocket.OPEN) socket.send(bytes);
      },
    },
    "raw string, 2 per frame": {
      half: "raw",
      send: (m) => {
        if (m.seq % 2 === 0) return;
        const frame = `${frameOf({ ...m, seq: m.seq - 1 })}\n${frameOf(m)}`;
        for (const socket of raw) if (socket.readyState === WebSocket.OPEN) socket.send(frame);
      },
    },
    "connection": {
      half: "chat",
      send: (m) => {
        const frame = frameOf(m);
        for (const peer of peerList) peer.send(frame);
      },
    },
    "hub": {
      half: "chat",
      send: (m) => hub.handle({ kind: "messages", room, messages: [{ ...m, seq: ++seq }] }, true),
    },
  };
  const names = Object.keys(variants);
  console.log(`frame: ${encoder.encode(frameOf(message)).length} bytes`);
  type Figure = { user: number; system: number; js: number; other: number };
  const figures = new Map(names.map((name) => [name, [] as Figure[]]));
  for (let round = 0; round < rounds + 1; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const variant = variants[name]!;
      await ask("expect");
      const start = cpuUsage();
      const threads = threadSeconds();
      for (let i = 0; i < fanouts; i++) {
        variant.send({ ...message, seq: i });
        // Let the writes go out between messages, as the event loop does between batches.
        if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 0));
      }
      for (;;) {
        const answer = await ask(`done? ${variant.half}`);
        if (Number(answer.split(" ")[1]) >= fanouts) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const used = cpuUsage(start);
      const after = threadSeconds();
      const deliveries = fanouts * socketCount;
      // Round 0 warms the JIT and the sockets up; it is not counted.
      if (round > 0) {
        figures.get(name)!.push({
          user: used.user / deliveries,
          system: used.system / deliveries,
          js: (after.js - threads.js) * 1e6 / deliveries,
          other: (after.sqlite + after.helpers - threads.sqlite - threads.helpers) * 1e6 /
            deliveries,
        });
      }
    }
  }
  const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  console.log(`${rounds} rounds of ${fanouts} messages to ${socketCount} sockets; load ${load}`);
  const base = median(figures.get("raw string")!.map((row) => row.user + row.system));
  for (const name of names) {
    const rows = figures.get(name)!;
    const total = rows.map((row) => row.user + row.system);
    const pick = (key: keyof Figure) => median(rows.map((row) => row[key])).toFixed(2);
    console.log(
      `${name}: ${median(total).toFixed(2)} µs/delivery (${
        (median(total) / base).toFixed(2)
      }× raw string; user ${pick("user")}, kernel ${pick("system")}; JS thread ${
        pick("js")
      }, other threads ${pick("other")}); rounds ${
        total.map((value) => value.toFixed(2)).join(", ")
      }`,
    );
  }
  peers.kill();
  await peers.status;
  hub.close();
  kv.close();
  await server.shutdown();
}
