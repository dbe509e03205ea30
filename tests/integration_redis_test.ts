/**
 * Integration test of scaling out with Redis: separate `deno serve` processes that share one
 * KV file and one `redis-server`, as separate machines would share a database and a Redis.
 *
 * @module
 */
import { withRedisPair } from "./helpers/server_process.ts";
import { chatAcrossNodes } from "./helpers/two_node_chat.ts";

Deno.test("two server processes sharing one KV file and one Redis deliver a message sent on one to a client of the other, in order, exactly once", () =>
  withRedisPair(
    // The flood is the point here, not the per-user send limits.
    { SEND_RATE: "100000", SEND_BURST: "100000" },
    (a, b) => chatAcrossNodes(a.url, b.url, { forward: 300, back: 100 }),
  ));
