/**
 * An in-memory {@linkcode Broker}: every broker created from one {@linkcode MemoryBus} sees the
 * others' events, as nodes sharing a real broker would. For tests and single-process runs.
 *
 * @module
 */
import type { Broker, BrokerEvent, BrokerHandler } from "./broker.ts";

/** The shared medium of a set of in-memory brokers. */
export class MemoryBus {
  #brokers = new Set<MemoryBroker>();

  /** Creates a broker attached to this bus. */
  broker(): Broker {
    const broker = new MemoryBroker(this.#brokers);
    this.#brokers.add(broker);
    return broker;
  }
}

class MemoryBroker implements Broker {
  #peers: Set<MemoryBroker>;
  #handlers = new Set<BrokerHandler>();

  constructor(peers: Set<MemoryBroker>) {
    this.#peers = peers;
  }

  publish(event: BrokerEvent): void {
    for (const peer of this.#peers) {
      const copy = structuredClone(event);
      queueMicrotask(() => peer.#deliver(copy, peer === this));
    }
  }

  #deliver(event: BrokerEvent, fromThisNode: boolean): void {
    for (const handler of this.#handlers) handler(event, fromThisNode);
  }

  subscribe(handler: BrokerHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** True until closed. */
  connected(): boolean {
    return this.#peers.has(this);
  }

  close(): Promise<void> {
    this.#peers.delete(this);
    this.#handlers.clear();
    return Promise.resolve();
  }
}
