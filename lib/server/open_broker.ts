import type { Broker } from "../realtime/broker/broker.ts";
import { BroadcastChannelBroker } from "../realtime/broker/broker_broadcast_channel.ts";
import { KvBroker } from "../realtime/broker/broker_kv.ts";
import type { Config } from "./config.ts";

/**
 * Joins the broker `config.broker` names: the `kv` ones on `kv`, the node's own KV handle.
 * Throws when Redis cannot be reached. BroadcastChannel is created only for `broadcast`, so
 * the other kinds run where it does not exist or does not reach the other nodes.
 */
export async function openBroker(config: Config, kv: Deno.Kv): Promise<Broker> {
  switch (config.broker) {
    case "redis": {
      const url = config.redisUrl;
      if (!url) throw new Error("BROKER=redis needs REDIS_URL");
      // Imported only when used: loading the Redis client adds ~200 ms to every start.
      const { RedisBroker } = await import("../realtime/broker/broker_redis.ts");
      return await RedisBroker.connect(url);
    }
    case "kv":
      return await KvBroker.open(kv);
    case "kv-poll":
      return await KvBroker.open(kv, { mode: "poll", pollMs: config.brokerPollMs });
    case "broadcast":
      return new BroadcastChannelBroker();
  }
}
