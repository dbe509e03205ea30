/**
 * History paging: a room holding `messages` messages (1,000,000 in the full run), appended
 * through `KvMessageStore.append` in large batches into a KV file of its own, kept in
 * `bench/.cache/` between runs. Times pages of 50 at random depths, straight from the store
 * and as `history` frames over the WebSocket of a running server.
 *
 * @module
 */
import { Accounts } from "../lib/accounts/accounts.ts";
import { systemClock } from "../lib/common/clock.ts";
import { SESSION_COOKIE } from "../lib/server/middleware/session.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import type { MessageDraft } from "../lib/messages/message_store.ts";
import type { ServerFrame } from "../lib/common/protocol.ts";
import { Rooms } from "../lib/rooms/rooms.ts";
import { Sessions } from "../lib/accounts/sessions.ts";
import { BENCH_PASSWORD } from "./seed.ts";
import { SERVERS, startServer } from "./servers.ts";

/** Median and 90th percentile of the page times, in milliseconds. */
export interface PageTimes {
  pages: number;
  medianMs: number;
  p90Ms: number;
}

/** Result of the history benchmark. */
export interface HistoryResult {
  messages: number;
  pageSize: number;
  /** Seconds spent seeding in this run; 0 when the cached file was used. */
  seedSeconds: number;
  store: PageTimes;
  websocket: PageTimes;
}

interface HistoryMeta {
  messages: number;
  room: string;
  userId: string;
}

const cacheDir = new URL(".cache/", import.meta.url).pathname;
const BATCH = 2_000;
const WARMUP_PAGES = 5;

/** Seeds (or reuses) the history KV and times `pages` pages of `pageSize` messages. */
export async function runHistory(
  options: { messages: number; pages: number; pageSize: number },
  workDir: string,
): Promise<HistoryResult> {
  const kvPath = `${cacheDir}history-${options.messages}.kv`;
  const started = performance.now();
  const meta = await ensureSeeded(kvPath, options.messages);
  const seedSeconds = meta.seeded ? (performance.now() - started) / 1000 : 0;
  const depths = () =>
    1 + options.pageSize + Math.floor(Math.random() * (options.messages - options.pageSize));

  const kv = await Deno.openKv(kvPath);
  const store = new KvMessageStore(kv, systemClock);
  const storeTimes: number[] = [];
  for (let i = 0; i < WARMUP_PAGES + options.pages; i++) {
    const t0 = performance.now();
    const page = await store.before(meta.room, depths(), options.pageSize);
    if (page.length !== options.pageSize) throw new Error(`short history page: ${page.length}`);
    if (i >= WARMUP_PAGES) storeTimes.push(performance.now() - t0);
  }
  const { token } = await new Sessions(kv, systemClock, 3_600_000).create(meta.userId);
  kv.close();

  const spec = SERVERS.find((server) => server.name === "ours")!;
  const server = await startServer(spec, { seedKv: kvPath, workDir, inPlace: true });
  try {
    const url = server.urls[0]!;
    const socket = new WebSocket(`${url.replace("http", "ws")}/ws?v=2`, {
      headers: { cookie: `${SESSION_COOKIE}=${token}`, origin: url },
    } as never);
    const frames = frameQueue(socket);
    await frames.next("welcome");
    const wsTimes: number[] = [];
    for (let i = 0; i < WARMUP_PAGES + options.pages; i++) {
      const ref = `h${i}`;
      const t0 = performance.now();
      socket.send(JSON.stringify({
        type: "history",
        ref,
        room: meta.room,
        before: depths(),
        limit: options.pageSize,
      }));
      const frame = await frames.next("history");
      if (frame.type !== "history" || frame.ref !== ref) {
        throw new Error("unexpected history frame");
      }
      if (i >= WARMUP_PAGES) wsTimes.push(performance.now() - t0);
    }
    socket.close();
    return {
      messages: options.messages,
      pageSize: options.pageSize,
      seedSeconds,
      store: timesOf(storeTimes),
      websocket: timesOf(wsTimes),
    };
  } finally {
    await server.stop();
  }
}

async function ensureSeeded(
  kvPath: string,
  messages: number,
): Promise<HistoryMeta & { seeded: boolean }> {
  const metaPath = `${kvPath}.json`;
  try {
    const meta = JSON.parse(await Deno.readTextFile(metaPath)) as HistoryMeta;
    const kv = await Deno.openKv(kvPath);
    const head = await new KvMessageStore(kv, systemClock).head(meta.room);
    kv.close();
    if (meta.messages === messages && head === messages) return { ...meta, seeded: false };
  } catch {
    // not seeded yet
  }
  await Deno.mkdir(cacheDir, { recursive: true });
  for (const suffix of ["", "-wal", "-shm", ".json"]) {
    await Deno.remove(kvPath + suffix).catch(() => {});
  }
  console.log(`seeding ${messages.toLocaleString("en")} history messages (cached afterwards)…`);
  const kv = await Deno.openKv(kvPath);
  const registered = await new Accounts(kv, systemClock).register("benchhistory", BENCH_PASSWORD);
  if (!registered.ok) throw new Error(registered.error);
  const created = await new Rooms(kv, systemClock).create(registered.user.id, "history");
  if (!created.ok) throw new Error(created.error);
  const store = new KvMessageStore(kv, systemClock);
  for (let start = 0; start < messages; start += BATCH) {
    const drafts: MessageDraft[] = [];
    for (let i = start; i < Math.min(messages, start + BATCH); i++) {
      drafts.push({
        room: created.room.id,
        from: registered.user.id,
        author: registered.user.name,
        clientId: `history-${i}`,
        text: `history message ${i}: the quick brown fox jumps over the lazy dog`,
      });
    }
    await store.append(drafts);
    if ((start + BATCH) % 100_000 === 0) console.log(`  ${(start + BATCH).toLocaleString("en")}`);
  }
  kv.close();
  const meta: HistoryMeta = { messages, room: created.room.id, userId: registered.user.id };
  await Deno.writeTextFile(metaPath, JSON.stringify(meta));
  return { ...meta, seeded: true };
}

function frameQueue(socket: WebSocket) {
  const frames: ServerFrame[] = [];
  let wake: (() => void) | undefined;
  socket.onmessage = (event) => {
    frames.push(JSON.parse(event.data));
    wake?.();
  };
  return {
    async next(type: ServerFrame["type"]): Promise<ServerFrame> {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const index = frames.findIndex((frame) => frame.type === type);
        if (index >= 0) return frames.splice(index, 1)[0]!;
        if (Date.now() > deadline) throw new Error(`no ${type} frame`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
  };
}

function timesOf(times: number[]): PageTimes {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { pages: times.length, medianMs: at(0.5), p90Ms: at(0.9) };
}
