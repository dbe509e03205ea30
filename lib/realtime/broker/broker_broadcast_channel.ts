/**
 * A {@linkcode Broker} on `BroadcastChannel`: reaches the other workers of `deno serve
 * --parallel`. The new Deno Deploy may not carry it between instances, so the KV broker
 * (`broker_kv.ts`) is the default there. BroadcastChannel never delivers to the posting object,
 * so this node's handlers are called directly.
 *
 * Deno's channel is a bounded queue that silently drops the backlog of a lagging receiver;
 * callers post one event per committed batch and the hub fills gaps from the store.
 *
 * @module
 */
import type { Broker, BrokerEvent, BrokerHandler } from "./broker.ts";

/** Broker over the named BroadcastChannel. */
export class BroadcastChannelBroker implements Broker {
  #channel: BroadcastChannel;
  #handlers = new Set<BrokerHandler>();
  #open = true;

  /** Joins the channel `name`; every node of one chat must use the same name. */
  constructor(name = "chat") {
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (message: MessageEvent<BrokerEvent>) =>
      this.#deliver(message.data, false);
  }

  publish(event: BrokerEvent): void {
    this.#channel.postMessage(event);
    queueMicrotask(() => this.#deliver(event, true));
  }

  #deliver(event: BrokerEvent, fromThisNode: boolean): void {
    for (const handler of this.#handlers) handler(event, fromThisNode);
  }

  subscribe(handler: BrokerHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** True until closed: a BroadcastChannel has no connection that could drop. */
  connected(): boolean {
    return this.#open;
  }

  close(): Promise<void> {
    this.#open = false;
    this.#handlers.clear();
    this.#channel.close();
    return Promise.resolve();
  }
}
