import { BroadcastChannelBroker } from "../lib/realtime/broker/broker_broadcast_channel.ts";
import { MemoryBus } from "../lib/realtime/broker/broker_memory.ts";
import { brokerConformance } from "./broker_conformance.ts";

brokerConformance("MemoryBus brokers", () => {
  const bus = new MemoryBus();
  const a = bus.broker();
  const b = bus.broker();
  return Promise.resolve({
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
    },
  });
});

brokerConformance("BroadcastChannelBroker", () => {
  // A channel name of its own, so concurrent or leftover pairs never hear each other.
  const name = `broker-test-${crypto.randomUUID()}`;
  const a = new BroadcastChannelBroker(name);
  const b = new BroadcastChannelBroker(name);
  return Promise.resolve({
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
    },
  });
});
