/**
 * Starts a real chat node on a free loopback port inside the test process, on a real Deno KV
 * (in memory unless a path is given) and a real broker.
 *
 * @module
 */
import { MemoryBus } from "../../lib/realtime/broker/broker_memory.ts";
import type { Broker } from "../../lib/realtime/broker/broker.ts";
import { type ChatServer, createChatServer } from "../../lib/server/chat_server.ts";
import { type Config, readConfig } from "../../lib/server/config.ts";
import type { Clock, Timers } from "../../lib/common/clock.ts";
import { ensureAssetsBuilt } from "./built_assets.ts";
import { createLogger, type Logger } from "../../lib/server/log.ts";

/** A running in-process test server. */
export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  kv: Deno.Kv;
  chat: ChatServer;
  /** Stops the server, its node and (unless it was passed in) its KV. */
  close(): Promise<void>;
}

/** Options of {@linkcode startTestServer}. */
export interface TestServerOptions {
  /** KV to use; by default a fresh `:memory:` one that `close()` also closes. */
  kv?: Deno.Kv;
  broker?: Broker;
  clock?: Clock;
  /** One-shot timers of the node (call rings, presence offline delay); the real ones by default. */
  timers?: Timers;
  config?: Partial<Config>;
  /** Where the node logs; by default nowhere, to keep test output readable. */
  log?: Logger;
}

/** Starts a chat node with `Deno.serve({ port: 0 })`. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  await ensureAssetsBuilt();
  const kv = options.kv ?? await Deno.openKv(":memory:");
  const config = { ...readConfig({}), ...options.config };
  const chat = await createChatServer({
    config,
    kv,
    broker: options.broker ?? new MemoryBus().broker(),
    clock: options.clock,
    timers: options.timers,
    log: options.log ?? createLogger("off"),
  });
  const abort = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: abort.signal, onListen() {} },
    chat.fetch,
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    kv,
    chat,
    async close() {
      await chat.close();
      abort.abort();
      await server.finished;
      if (!options.kv) kv.close();
    },
  };
}

/** Runs `fn` against a fresh test server, closed afterwards even when `fn` throws. */
export async function withTestServer(
  fn: (server: TestServer) => Promise<void>,
  options: TestServerOptions = {},
): Promise<void> {
  const server = await startTestServer(options);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** Returns a TCP port that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
