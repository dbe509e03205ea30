/**
 * The Deno Deploy configuration started locally: `deno serve` with a KV file and no Redis,
 * `BroadcastChannel` removed (constructing one throws, so a node that used it would not
 * start), the KV-only broker carrying events between the workers of `--parallel` and, in
 * polling mode, between two processes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { spawnServer, withServerPair } from "./helpers/server_process.ts";
import { chatAcrossNodes } from "./helpers/two_node_chat.ts";

const DEPLOY_ENTRY = "tests/helpers/deploy_main.ts";
/** The app's folder: on Deploy nothing is written there at run time (the bundle is built before). */
const APP_DIR = new URL("../", import.meta.url).pathname;
// The flood is the point here, not the per-user send limits.
const FLOOD_LIMITS = { SEND_RATE: "100000", SEND_BURST: "100000" };

Deno.test("on the Deploy configuration (detected from DENO_DEPLOYMENT_ID, no BroadcastChannel, no writes to the app's folder), two clients on two workers of deno serve --parallel chat live through the KV broker, every seq once and in order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const server = await spawnServer({
      kvPath: `${dir}/chat.kv`,
      parallel: true,
      entry: DEPLOY_ENTRY,
      denoArgs: [`--deny-write=${APP_DIR}`],
      env: { DENO_JOBS: "2", DENO_DEPLOYMENT_ID: "local-test", ...FLOOD_LIMITS },
    });
    try {
      await chatAcrossNodes(server.url, server.url, { forward: 300, back: 100 });
    } finally {
      await server.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("with BROKER=kv-poll, two server processes sharing one KV file (no Redis, no BroadcastChannel) deliver messages both ways, every seq once and in order", () =>
  withServerPair(
    { BROKER: "kv-poll", ...FLOOD_LIMITS },
    (a, b) => chatAcrossNodes(a.url, b.url, { forward: 300, back: 100 }),
    { entry: DEPLOY_ENTRY },
  ));

Deno.test("the Deploy test entry really removes BroadcastChannel: a node configured for it does not start", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      spawnServer({ kvPath: `${dir}/chat.kv`, entry: DEPLOY_ENTRY, env: { BROKER: "broadcast" } }),
      /BroadcastChannel is disabled/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
