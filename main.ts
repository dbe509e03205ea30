/**
 * Entry point for `deno serve` (one node per worker with `--parallel`): reads the
 * configuration, opens Deno KV, joins the broker (Redis when `REDIS_URL` is set, else
 * BroadcastChannel) and serves the chat.
 *
 * @module
 */
import { BroadcastChannelBroker } from "./lib/realtime/broker/broker_broadcast_channel.ts";
import { createChatServer } from "./lib/server/chat_server.ts";
import { readConfig } from "./lib/server/config.ts";
import { openKv } from "./lib/server/open_kv.ts";

const config = readConfig(Deno.env.toObject());
const { redisUrl } = config;
// Imported only when used: loading the Redis client adds ~200 ms to every start.
const broker = redisUrl
  ? await import("./lib/realtime/broker/broker_redis.ts").then(({ RedisBroker }) =>
    RedisBroker.connect(redisUrl)
  )
  : new BroadcastChannelBroker();
const server = await createChatServer({
  config,
  kv: await openKv(config.kvPath),
  broker,
});

// The heartbeat timer and the broker keep the event loop alive, so stopping is explicit.
// Acked messages are already committed; this only lets queued writes finish.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    await server.close();
    Deno.exit(0);
  });
}

export default { fetch: server.fetch } satisfies Deno.ServeDefaultExport;
