/**
 * Entry point for `deno serve` (one node per worker with `--parallel`) and for Deno Deploy:
 * reads the configuration, opens Deno KV, joins the broker `BROKER` names (see
 * `lib/server/config.ts`) and serves the chat.
 *
 * @module
 */
import { createChatServer } from "./lib/server/chat_server.ts";
import { readConfig } from "./lib/server/config.ts";
import { openBroker } from "./lib/server/open_broker.ts";
import { openKv } from "./lib/server/open_kv.ts";

const config = readConfig(Deno.env.toObject());
const kv = await openKv(config.kvPath);
const broker = await openBroker(config, kv);
const server = await createChatServer({
  config,
  kv,
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
