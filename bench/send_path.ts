/**
 * `deno run -A bench/send_path.ts [--clients N] [--rate N] [--seconds S] [--rounds N]
 * [--against DIR] [--layers a,b] [--profile FILE]`: the server's CPU per durable send in rooms
 * of two (scenario (b)), layer by layer, in one process with real WebSockets. The clients run
 * in a second process (open loop: sends are paced by the clock, `--rate` per second, round robin
 * across rooms) and only count what arrives; this process serves every layer on sockets of its
 * own:
 *
 * - `bare`: what bare Deno does (`bench/peers/deno_server.ts`): `JSON.parse`, a rooms map,
 *   one `JSON.stringify` and a `send` to both members;
 * - `frames`: the same plus the protocol: `parseClientFrame` (valibot), a `ChatMessage` with an
 *   id, the `message` frame by `encodeServerFrame`, and an `ack` to the sender;
 * - `connection`: the real socket path on a store in memory: `upgradeToChat`
 *   (`SocketTransport`, `ChatConnection`: posting rights, rate limit, flood guard, mentions),
 *   the `MessageWriter`'s group commit, the lone-worker broker, the `Hub`'s delivery, metrics;
 * - `store`: the same on the real `KvMessageStore` over a KV file seeded as (b)'s (rooms and
 *   memberships of `bench/seed.ts`), search index included, the search merger running;
 *   `store-nomerge` (only when named in `--layers`): the same without the merger.
 *
 * Each layer is measured for `--seconds` at `--rate` sends per second, from the first send
 * until every `message` frame and `ack` has arrived, as CPU of this process by thread (`/proc`:
 * the JavaScript thread, Deno KV's SQLite thread, the rest) and as user and kernel time. The
 * layers alternate round by round (A B C D, then D C B A); round 0 warms up and is not counted.
 * With `--against DIR` the `lib/` of another checkout is loaded into this process too, and its
 * `connection` and `store` layers alternate with this checkout's, so both versions are measured
 * side by side on the same sockets' peers. Posting rights are answered from memory in both
 * chat layers (the server reads them from KV once per room and socket every 10 s).
 * `--profile FILE` writes a V8 CPU profile of every round (through `node:inspector`, which adds
 * Deno's per-frame report to the inspector: read shares, not times).
 *
 * @module
 */
import { cpuUsage } from "node:process";
import { median } from "./median.ts";
import { threadSeconds } from "./thread_seconds.ts";
import { seedChat } from "./seed.ts";
import { roomOf } from "./layout.ts";
import { timedClientId } from "../lib/common/client_id.ts";
import type { AppendResult, MessageDraft } from "../lib/messages/message_store.ts";
import type { ChatMessage } from "../lib/common/protocol.ts";

const args = Deno.args;
const option = (name: string, fallback: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1]! : fallback;
};

/** A layer the clients can be pointed at: the URL path of its sockets. */
interface LayerSockets {
  name: string;
  path: string;
  /** Whether the layer speaks protocol v1 (subscribe first; acks). */
  chat: boolean;
}

/**
 * The client side: for each layer, `clients` sockets in rooms of two. Commands arrive on a
 * control socket: `run NAME RATE SECONDS TAG` sends from that layer's sockets and answers
 * `done SENT RECEIVED ACKS`.
 */
async function runPeers(url: string, spec: string[]): Promise<void> {
  const clients = Number(spec[0]);
  const layers = JSON.parse(spec[1]!) as LayerSockets[];
  const prefix = "bench-b";
  const layout = { prefix, clients, roomSize: 2 };
  const sockets = new Map<string, WebSocket[]>();
  let received = 0;
  let acks = 0;
  const open = async (layer: LayerSockets) => {
    const list: WebSocket[] = [];
    for (let i = 0; i < clients; i++) {
      const socket = new WebSocket(`${url}${layer.path}?i=${i}`);
      socket.onmessage = (event) => {
        const text = event.data as string;
        for (const line of text.split("\n")) {
          if (line.startsWith('{"type":"ack"')) acks++;
          else if (line.startsWith('{"type":"message"') || line.startsWith('{"t":"msg"')) {
            received++;
          }
        }
      };
      list.push(socket);
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      if (layer.chat) {
        await new Promise<void>((resolve) => {
          const previous = socket.onmessage!;
          socket.onmessage = (event) => {
            if (String(event.data).includes('"type":"subscribed"')) {
              socket.onmessage = previous;
              resolve();
            }
          };
          socket.send(JSON.stringify({ type: "subscribe", room: roomOf(layout, i) }));
        });
      } else socket.send(JSON.stringify({ type: "join", room: roomOf(layout, i) }));
    }
    sockets.set(layer.path, list);
  };
  for (const layer of layers) await open(layer);
  const control = new WebSocket(`${url}control`);
  await new Promise((resolve) => control.onopen = resolve);
  control.onmessage = async (event) => {
    const [command, name, rateText, secondsText, tag] = String(event.data).split(" ");
    if (command !== "run") return;
    const list = sockets.get(name!)!;
    const chat = layers.find((layer) => layer.path === name)!.chat;
    const rate = Number(rateText);
    const total = Math.round(rate * Number(secondsText));
    received = 0;
    acks = 0;
    const start = performance.now();
    let sent = 0;
    // Open loop: every 2 ms, the sends due by then, round robin over the clients; client i and
    // i + 1 share a room, so consecutive sends go to different rooms by stepping two at a time.
    while (sent < total) {
      const due = Math.min(total, Math.floor((performance.now() - start) * rate / 1000));
      for (; sent < due; sent++) {
        const client = (sent * 2 + Math.floor(sent * 2 / clients)) % clients;
        list[client]!.send(JSON.stringify({
          type: "send",
          room: roomOf(layout, client),
          // The browser client's form (`lib/common/client_id.ts`): its records are filed by time.
          clientId: timedClientId(Date.now(), `c${tag}x${sent}`),
          text: `${sent} ${Date.now()} 100000 123456.789 ${"x".repeat(48)}`,
        }));
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const until = performance.now() + 30_000;
    while ((received < total * 2 || (chat && acks < total)) && performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    control.send(`done ${total} ${received} ${acks}`);
  };
  control.send("ready");
  await new Promise(() => {});
}

/** The modules of one checkout that the chat layers are built from, as paths from its root. */
const LIB_MODULES = [
  "lib/realtime/ws_handler.ts",
  "lib/realtime/hub.ts",
  "lib/messages/message_writer.ts",
  "lib/messages/message_store_kv.ts",
  "lib/limits/token_bucket.ts",
  "lib/limits/flood_guard.ts",
  "lib/server/metrics.ts",
  "lib/realtime/broker/broker_broadcast_channel.ts",
  "lib/search/search_merger.ts",
  "lib/messages/mention_resolver.ts",
  "lib/realtime/drain_gate.ts",
  "lib/realtime/send_budget.ts",
  "lib/common/client_frames.ts",
  "lib/common/protocol.ts",
  "lib/common/ids.ts",
  "lib/common/clock.ts",
] as const;

/** The exports of {@linkcode LIB_MODULES}, as this checkout has them. */
type Lib =
  & typeof import("../lib/realtime/ws_handler.ts")
  & typeof import("../lib/realtime/hub.ts")
  & typeof import("../lib/messages/message_writer.ts")
  & typeof import("../lib/messages/message_store_kv.ts")
  & typeof import("../lib/limits/token_bucket.ts")
  & typeof import("../lib/limits/flood_guard.ts")
  & typeof import("../lib/server/metrics.ts")
  & typeof import("../lib/realtime/broker/broker_broadcast_channel.ts")
  & typeof import("../lib/search/search_merger.ts")
  & typeof import("../lib/messages/mention_resolver.ts")
  & typeof import("../lib/realtime/drain_gate.ts")
  & typeof import("../lib/realtime/send_budget.ts")
  & typeof import("../lib/common/client_frames.ts")
  & typeof import("../lib/common/protocol.ts")
  & typeof import("../lib/common/ids.ts")
  & typeof import("../lib/common/clock.ts");

/** Loads {@linkcode LIB_MODULES} of the checkout at `root` (a `file:` URL ending in `/`). */
async function loadLib(root: URL): Promise<Lib> {
  const modules = await Promise.all(
    LIB_MODULES.map((path) => import(new URL(path, root).href)),
  );
  return Object.assign({}, ...modules);
}

/** A message store in memory with the KV store's contract for appends: seqs and dedupe. */
class MemoryStore {
  #heads = new Map<string, number>();
  #byClientId = new Map<string, ChatMessage>();
  #newId: () => string;
  constructor(newId: () => string) {
    this.#newId = newId;
  }
  append(drafts: readonly MessageDraft[]): Promise<AppendResult[]> {
    return Promise.resolve(drafts.map((draft) => {
      const key = `${draft.room}\u0000${draft.from}\u0000${draft.clientId}`;
      const earlier = this.#byClientId.get(key);
      if (earlier) return { message: earlier, duplicate: true };
      const seq = (this.#heads.get(draft.room) ?? 0) + 1;
      this.#heads.set(draft.room, seq);
      const message: ChatMessage = {
        room: draft.room,
        seq,
        id: this.#newId(),
        from: draft.from,
        author: draft.author,
        text: draft.text,
        at: Date.now(),
      };
      this.#byClientId.set(key, message);
      return { message, duplicate: false };
    }));
  }
  head(room: string): Promise<number> {
    return Promise.resolve(this.#heads.get(room) ?? 0);
  }
  heads(rooms: readonly string[]): Promise<number[]> {
    return Promise.resolve(rooms.map((room) => this.#heads.get(room) ?? 0));
  }
  after(): Promise<ChatMessage[]> {
    return Promise.resolve([]);
  }
}

type Handler = (request: Request) => Response;

/** The `connection` (store in memory) or `store` (KV) layer of one checkout's `lib`. */
async function chatLayer(lib: Lib, kvPath: string | undefined, merge: boolean): Promise<{
  handler: Handler;
  close: () => Promise<void>;
  /** Commits (store appends) made so far. */
  commits: () => number;
}> {
  let commits = 0;
  const clock = lib.systemClock;
  const kv = await Deno.openKv(kvPath ?? ":memory:");
  const metrics = new lib.Metrics();
  const store = kvPath
    ? new lib.KvMessageStore(kv, clock)
    : new MemoryStore(lib.newId) as unknown as InstanceType<Lib["KvMessageStore"]>;
  const hub = new lib.Hub(store, { metrics });
  // A lone worker's broker, as `deno serve` without `--parallel` runs: it stops posting to the
  // channel after its first 2 s, which the warm-up round covers.
  const broker = new lib.BroadcastChannelBroker(`send-path-${lib.newId()}`);
  broker.subscribe((event, fromThisNode) => hub.handle(event, fromThisNode));
  const writer = new lib.MessageWriter(store, (room, messages, activityFor) => {
    const sentAt = clock.now();
    broker.publish(
      activityFor
        ? { kind: "messages", room, messages, sentAt, activityFor }
        : { kind: "messages", room, messages, sentAt },
    );
  }, {
    observeCommit: (ms) => {
      commits++;
      metrics.commitTook(ms);
    },
  });
  const merger = kvPath && merge ? new lib.SearchMerger(kv) : undefined;
  merger?.start(lib.MERGE_INTERVAL_MS, () => clock.now());
  const deps = {
    hub,
    writer,
    store,
    clock,
    nodeId: "bench",
    heartbeatMs: 30_000,
    // The bench's rate, as the (b) ladder raises the limits.
    sendLimiter: new lib.TokenBuckets(clock, 1_000_000, 1_000_000),
    floodGuard: new lib.FloodGuard(clock, 5),
    broker,
    readPostingRefusal: () => Promise.resolve(undefined),
    readEncrypted: () => Promise.resolve(false),
    resolveMentions: lib.mentionResolver(kv),
    readBlocks: () => Promise.resolve(new Set<string>()),
    metrics,
    drain: new lib.DrainGate(),
  } as unknown as Parameters<Lib["upgradeToChat"]>[3];
  const limits = {
    slowConsumerBytes: 1 << 20,
    slowConsumerGraceMs: 5_000,
    maxBufferedBytes: 16 << 20,
  };
  const budget = new lib.SendBudget(256 << 20);
  const handler = (request: Request) => {
    const i = Number(new URL(request.url).searchParams.get("i"));
    const user = { id: `bench-user-${i}`, name: `bench${i}` };
    const session = { id: `s${i}`, userId: user.id, expiresAt: Date.now() + 3_600_000 };
    return lib.upgradeToChat(
      request,
      user as Parameters<Lib["upgradeToChat"]>[1],
      session as Parameters<Lib["upgradeToChat"]>[2],
      deps,
      limits,
      () => {},
      budget,
      { batches: true },
    );
  };
  return {
    handler,
    commits: () => commits,
    close: async () => {
      await merger?.stop();
      await writer.flush();
      hub.close();
      await broker.close();
      kv.close();
    },
  };
}

/** `bare`: bench/peers/deno_server.ts's loop, on v1-shaped frames. */
function bareLayer(): Handler {
  const rooms = new Map<string, Set<WebSocket>>();
  return (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data) as { type: string; room: string; text?: string };
      if (frame.type === "join") {
        const members = rooms.get(frame.room) ?? new Set();
        rooms.set(frame.room, members.add(socket));
      } else if (frame.type === "send") {
        const out = JSON.stringify({ t: "msg", room: frame.room, text: frame.text });
        for (const member of rooms.get(frame.room) ?? []) {
          if (member.readyState === WebSocket.OPEN) member.send(out);
        }
      }
    };
    return response;
  };
}

/** `frames`: `bare` plus the protocol's parse, message and ack frames. */
function framesLayer(lib: Lib): Handler {
  const rooms = new Map<string, Set<WebSocket>>();
  const heads = new Map<string, number>();
  return (request) => {
    const i = Number(new URL(request.url).searchParams.get("i"));
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data) as { type: string; room: string };
      if (frame.type === "join") {
        const members = rooms.get(frame.room) ?? new Set();
        rooms.set(frame.room, members.add(socket));
        return;
      }
      const parsed = lib.parseClientFrame(event.data);
      if (!parsed.ok || parsed.frame.type !== "send") return;
      const send = parsed.frame;
      const seq = (heads.get(send.room) ?? 0) + 1;
      heads.set(send.room, seq);
      const message: ChatMessage = {
        room: send.room,
        seq,
        id: lib.newId(),
        from: `bench-user-${i}`,
        author: `bench${i}`,
        text: send.text,
        at: Date.now(),
      };
      const out = lib.encodeServerFrame({ type: "message", ...message });
      for (const member of rooms.get(send.room) ?? []) {
        if (member.readyState === WebSocket.OPEN) member.send(out);
      }
      socket.send(lib.encodeServerFrame({
        type: "ack",
        room: message.room,
        clientId: send.clientId,
        id: message.id,
        seq: message.seq,
        at: message.at,
      }));
    };
    return response;
  };
}

/**
 * Starts V8's CPU profiler in this process (`node:inspector`); the function returned stops it
 * and gives the profile. With an inspector session, Deno reports every WebSocket frame to it,
 * which the profile shows as `op_inspector_emit_protocol_event`: read shares, not times.
 */
async function startProfile(): Promise<() => Promise<unknown>> {
  const { Session } = await import("node:inspector");
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, {}, (error, result) => error ? reject(error) : resolve(result))
    );
  await post("Profiler.enable");
  await post("Profiler.start");
  return async () => ((await post("Profiler.stop")) as { profile: unknown }).profile;
}

/**
 * Waits until this process has been idle (under 3 % of a core) for 300 ms, at most 30 s: a
 * layer's writer, search merger and GC finish before the next layer is measured.
 */
async function quiet(): Promise<void> {
  const until = performance.now() + 30_000;
  while (performance.now() < until) {
    const before = cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const used = cpuUsage(before);
    if (used.user + used.system < 9_000) return;
  }
}

async function runServer(): Promise<void> {
  const clients = Number(option("--clients", "1000"));
  const rate = Number(option("--rate", "2000"));
  const seconds = Number(option("--seconds", "5"));
  const rounds = Number(option("--rounds", "3"));
  const against = args.includes("--against") ? option("--against", "") : undefined;
  const only = args.includes("--layers") ? option("--layers", "").split(",") : undefined;
  const workDir = await Deno.makeTempDir({ prefix: "send-path-" });
  const layout = { prefix: "bench-b", clients, roomSize: 2 };
  await seedChat(`${workDir}/seed.kv`, clients, [layout]);
  const here = await loadLib(new URL("../", import.meta.url));
  const versions: [string, Lib][] = [["this", here]];
  if (against) {
    const root = new URL(`file://${Deno.realPathSync(against).replace(/\/?$/, "/")}`);
    versions.push([against, await loadLib(root)]);
  }
  const handlers = new Map<string, Handler>();
  const closers: (() => Promise<void>)[] = [];
  const layers: LayerSockets[] = [];
  const commitCounters = new Map<string, () => number>();
  const add = (name: string, chat: boolean, handler: Handler, commits?: () => number) => {
    if (only && !only.includes(name.split(" ")[0]!)) return;
    const path = name.replaceAll(/[^a-z0-9]+/gi, "_");
    handlers.set(path, handler);
    layers.push({ name, path, chat });
    if (commits) commitCounters.set(name, commits);
  };
  add("bare", false, bareLayer());
  add("frames", false, framesLayer(here));
  for (const [version, lib] of versions) {
    const suffix = versions.length > 1 ? ` (${version})` : "";
    if (!only || only.includes("connection")) {
      const memory = await chatLayer(lib, undefined, false);
      closers.push(memory.close);
      add(`connection${suffix}`, true, memory.handler, memory.commits);
    }
    for (const name of ["store", "store-nomerge"]) {
      if (only ? !only.includes(name) : name !== "store") continue;
      const kvPath = `${workDir}/${name}-${versions.findIndex(([v]) => v === version)}.kv`;
      await Deno.copyFile(`${workDir}/seed.kv`, kvPath);
      const kvLayer = await chatLayer(lib, kvPath, name === "store");
      closers.push(kvLayer.close);
      add(`${name}${suffix}`, true, kvLayer.handler, kvLayer.commits);
    }
  }
  let control: WebSocket | undefined;
  let answer: ((text: string) => void) | undefined;
  let ready!: () => void;
  const peersReady = new Promise<void>((resolve) => ready = resolve);
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    const path = new URL(request.url).pathname.slice(1);
    if (path === "control") {
      const upgraded = Deno.upgradeWebSocket(request);
      control = upgraded.socket;
      control.onmessage = (event) => {
        if (event.data === "ready") ready();
        else answer?.(String(event.data));
      };
      return upgraded.response;
    }
    return handlers.get(path)!(request);
  });
  const peers = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      "--peers",
      `ws://127.0.0.1:${server.addr.port}/`,
      String(clients),
      JSON.stringify(layers),
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  await peersReady;
  const load = async () => (await Deno.readTextFile("/proc/loadavg")).split(" ")[0];
  console.log(
    `${clients} clients in rooms of 2, ${rate} sends/s for ${seconds} s per layer, ` +
      `${rounds} rounds (+1 warm-up); load ${await load()}`,
  );
  type Figure = {
    all: number;
    js: number;
    sqlite: number;
    other: number;
    user: number;
    sys: number;
    /** Messages per commit of the writer (chat layers). */
    perCommit: number;
  };
  const figures = new Map(layers.map((layer) => [layer.name, [] as Figure[]]));
  const profile = args.includes("--profile") ? await startProfile() : undefined;
  for (let round = 0; round <= rounds; round++) {
    const order = round % 2 === 0 ? layers : [...layers].reverse();
    for (const layer of order) {
      const commits = commitCounters.get(layer.name);
      const commitsBefore = commits?.() ?? 0;
      const threads = threadSeconds();
      const cpu = cpuUsage();
      const done = new Promise<string>((resolve) => answer = resolve);
      control!.send(`run ${layer.path} ${rate} ${seconds} r${round}${layer.path}`);
      const [, sentText, receivedText, acksText] = (await done).split(" ");
      const used = cpuUsage(cpu);
      const after = threadSeconds();
      const sent = Number(sentText);
      const complete = Number(receivedText) >= sent * 2 &&
        (!layer.chat || Number(acksText) >= sent);
      const figure: Figure = {
        all: (used.user + used.system) / sent,
        user: used.user / sent,
        sys: used.system / sent,
        js: (after.js - threads.js) * 1e6 / sent,
        sqlite: (after.sqlite - threads.sqlite) * 1e6 / sent,
        other: (after.helpers - threads.helpers) * 1e6 / sent,
        perCommit: commits ? sent / Math.max(1, commits() - commitsBefore) : NaN,
      };
      if (!complete) {
        console.log(
          `round ${round}, ${layer.name}: incomplete: ${receivedText} of ${
            sent * 2
          }, acks ${acksText}`,
        );
      }
      if (round > 0) figures.get(layer.name)!.push(figure);
      await quiet();
    }
  }
  if (profile) {
    const path = option("--profile", "");
    await Deno.writeTextFile(path, JSON.stringify(await profile()));
    console.log(`V8 CPU profile of every round written to ${path}`);
  }
  console.log(
    `load at the end ${await load()}; µs of server CPU per send, medians of ${rounds} rounds`,
  );
  for (const layer of layers) {
    const rows = figures.get(layer.name)!;
    const pick = (key: keyof Figure) => median(rows.map((row) => row[key])).toFixed(1);
    console.log(
      `${layer.name}: ${pick("all")} µs/send (JS ${pick("js")}, SQLite ${pick("sqlite")}, ` +
        `other ${pick("other")}; user ${pick("user")}, kernel ${pick("sys")}; ` +
        `${pick("perCommit")} messages per commit); rounds ${
          rows.map((row) => row.all.toFixed(1)).join(", ")
        }`,
    );
  }
  peers.kill();
  await peers.status;
  for (const close of closers) await close();
  await server.shutdown();
  await Deno.remove(workDir, { recursive: true }).catch(() => {});
}

if (args[0] === "--peers") await runPeers(args[1]!, args.slice(2));
else await runServer();
