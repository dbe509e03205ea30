/**
 * `deno task bench --only resume [--clients 10000] [--rooms 1000] [--had 2] [--missed 10]
 * [--window 500] [--rounds 1] [--against DIR]`: a restart with everyone coming back. The seed
 * holds `had + missed` messages in each of `rooms` rooms (appended through the store, in the
 * benchmark's payload format); our server starts fresh on a copy of it; then every client
 * connects at once (at most `window` handshakes in flight, more than a browser's backoff
 * spreads them) and subscribes with `after: had`, as a client that saw the first `had`
 * messages before the restart. Reports when the last client has all `missed` messages, the
 * connect time, and the server's CPU. With `--against DIR`, another built checkout alternates
 * with this one. The generator is a process of its own, so the 10,000 sockets of each side stay
 * under the 20,000 file descriptors a process may open here.
 *
 * @module
 */
import { systemClock } from "../lib/common/clock.ts";
import { KvMessageStore } from "../lib/messages/message_store_kv.ts";
import type { MessageDraft } from "../lib/messages/message_store.ts";
import { runGenerator } from "./generator.ts";
import { type Layout, roomsOf } from "./layout.ts";
import { encodePayload } from "./load/payload.mjs";
import { killChildren } from "./process.ts";
import { clientsOf, type ScenarioContext } from "./scenarios.ts";
import { seedChat } from "./seed.ts";
import { SERVERS, startServer } from "./servers.ts";

/** Options of {@linkcode runResumeBench}. */
export interface ResumeOptions {
  clients: number;
  rooms: number;
  /** Messages each client saw before the restart. */
  had: number;
  /** Messages sent while the clients were away: each client must receive them all. */
  missed: number;
  /** Handshakes in flight at most. */
  window: number;
  rounds: number;
  against?: string;
}

/** What the generator's `resume` mode reports. */
export interface ResumeResult {
  clients: number;
  failed: number;
  failures: string[];
  /** Clients that connected but had not all their missed messages within the drain. */
  incomplete: number;
  connectMs: number;
  /** From the first handshake until the last client had all its missed messages. */
  lastResumedMs: number;
  messages: number;
  serverCpuSeconds: number;
  generatorCpuSeconds: number;
}

const DRAFTS_PER_APPEND = 500;
/** How long the generator waits for the missed messages after every client joined. */
const DRAIN_MS = 60_000;

/** Seeds, then runs the restart-and-resume storm `rounds` times per checkout; prints each. */
export async function runResumeBench(options: ResumeOptions): Promise<void> {
  const layout: Layout = {
    prefix: "bench-r",
    clients: options.clients,
    roomSize: Math.ceil(options.clients / options.rooms),
  };
  const workDir = await Deno.makeTempDir({ prefix: "chat-bench-r-" });
  const ours = SERVERS.find((spec) => spec.name === "ours")!;
  try {
    const seedKv = `${workDir}/seed.kv`;
    const seedStarted = performance.now();
    const users = await seedChat(seedKv, layout.clients, [layout]);
    await seedMessages(seedKv, roomsOf(layout), options.had + options.missed, users[0]!.id);
    console.log(
      `seeded ${layout.clients} users in ${roomsOf(layout).length} rooms with ` +
        `${options.had + options.missed} messages each in ` +
        `${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
    );
    const context: ScenarioContext = { seedKv, workDir, users, quietWaitMs: 0 };
    const clients = clientsOf(layout, users).map((client) => ({
      ...client,
      after: options.had,
      expected: options.missed,
    }));
    const versions = ["this", ...(options.against ? [options.against] : [])];
    for (let round = 0; round < options.rounds; round++) {
      for (const version of round % 2 === 0 ? versions : [...versions].reverse()) {
        const server = await startServer(ours, {
          ...context,
          serverDir: version === "this" ? undefined : version,
        });
        try {
          const result = await runGenerator<ResumeResult>({
            mode: "resume",
            kind: ours.client,
            urls: server.urls,
            clients,
            connectWindow: options.window,
            serverPids: server.pids,
            drainMs: DRAIN_MS,
          }, { pinned: ours.pinned, workDir });
          console.log(`  round ${round + 1}, ${version}: ${line(result, options)}`);
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    killChildren();
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/** Appends `count` messages to every room, from `from`, in the generator's payload format. */
async function seedMessages(
  kvPath: string,
  rooms: string[],
  count: number,
  from: string,
): Promise<void> {
  const kv = await Deno.openKv(kvPath);
  try {
    const store = new KvMessageStore(kv, systemClock);
    const drafts: MessageDraft[] = rooms.flatMap((room, r) =>
      Array.from({ length: count }, (_, n) => ({
        room,
        from,
        author: "bench0",
        clientId: `seed-${r}-${n}`,
        text: encodePayload(0, n, 0, 0),
      }))
    );
    for (let start = 0; start < drafts.length; start += DRAFTS_PER_APPEND) {
      await store.append(drafts.slice(start, start + DRAFTS_PER_APPEND));
    }
  } finally {
    kv.close();
  }
}

function line(result: ResumeResult, options: ResumeOptions): string {
  const expected = (result.clients - result.failed) * options.missed;
  return `${result.clients} clients, last one resumed after ` +
    `${(result.lastResumedMs / 1000).toFixed(2)} s (all connected and subscribed after ` +
    `${(result.connectMs / 1000).toFixed(2)} s); ${result.messages} of ${expected} missed ` +
    `messages delivered, ${result.failed} failed, ${result.incomplete} incomplete; server CPU ` +
    `${result.serverCpuSeconds.toFixed(1)} s (${
      (result.serverCpuSeconds / result.clients * 1e6).toFixed(0)
    } µs per client), generator ${result.generatorCpuSeconds.toFixed(1)} s`;
}
