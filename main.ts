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
import { WorkerRoll } from "./lib/server/worker_roll.ts";
import { keepServeFromHandlingSignals } from "./lib/server/serve_signals.ts";

const config = readConfig(Deno.env.toObject());
const kv = await openKv(config.kvPath);
const broker = await openBroker(config, kv);
const roll = new WorkerRoll();
const server = await createChatServer({
  config,
  kv,
  broker,
  workers: () => roll.workers,
});

// SIGTERM (and Ctrl-C) stop gracefully: no new sockets, every accepted send stored and acked,
// every socket closed with 1012 so clients reconnect at once (see ChatServer.shutdown). The
// process exits once every worker is done (see worker_roll.ts).
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    if (stopping) return;
    stopping = true;
    server.log.info("signal received", { signal, node: server.nodeId, workers: roll.workers });
    roll.leave(() => server.shutdown());
  });
}
// After ours: the next SIGTERM listener is deno serve's own, which would close sockets with 1001.
keepServeFromHandlingSignals();
server.log.info("node started", {
  node: server.nodeId,
  broker: config.broker,
  kv: config.kvPath || "default",
});

export default { fetch: server.fetch } satisfies Deno.ServeDefaultExport;
