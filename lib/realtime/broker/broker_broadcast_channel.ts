/**
 * A {@linkcode Broker} on `BroadcastChannel`: reaches the other workers of `deno serve
 * --parallel`. The new Deno Deploy may not carry it between instances, so the KV broker
 * (`broker_kv.ts`) is the default there. BroadcastChannel never delivers to the posting object,
 * so this node's handlers are called directly.
 *
 * Deno's channel is a bounded queue that silently drops the backlog of a lagging receiver;
 * callers post one event per committed batch and the hub fills gaps from the store.
 *
 * A post costs a structured clone of the event even when nobody listens (5.2 against 1.0 µs
 * per publish of a one-message event in a lone worker, `bench/broker_publish.ts`; in rooms of
 * two that is one publish per message), so a broker posts only once it knows another broker
 * on its channel: each says `hello` when it opens, and the others answer `here`. Brokers of
 * `deno serve --parallel` open together; until {@linkcode ALONE_AFTER_MS} has passed since it
 * opened, a broker posts even when it has heard nobody yet, so a sibling whose `hello` is still
 * on its way misses nothing. A broker that opens later says `hello` before its node serves any
 * socket.
 *
 * A broker that closes says nothing (its siblings go on posting to nobody until the process
 * ends): with a `bye` posted while closing, the shutdown test
 * (`tests/integration_shutdown_test.ts`) lost its 1012 closes in 3 of 7 runs under load,
 * against none of 6 without it; that is not understood, and a closing broker's process is
 * ending anyway.
 *
 * @module
 */
import type { Broker, BrokerEvent, BrokerHandler } from "./broker.ts";

/** How long after opening a broker posts events although no other broker has said hello. */
export const ALONE_AFTER_MS = 2_000;

/** What brokers tell each other about themselves on their channel, besides the events. */
type Roll = { broker: "hello" | "here"; id: string };

/** Broker over the named BroadcastChannel. */
export class BroadcastChannelBroker implements Broker {
  #channel: BroadcastChannel;
  #handlers = new Set<BrokerHandler>();
  #open = true;
  #id = crypto.randomUUID();
  /** The other brokers on the channel that said hello or here. */
  #others = new Set<string>();
  #openedAt = performance.now();
  #aloneAfterMs: number;

  /**
   * Joins the channel `name`; every node of one chat must use the same name.
   *
   * @param options.aloneAfterMs How long after opening events are posted while no other broker
   *   is known; default {@linkcode ALONE_AFTER_MS}.
   */
  constructor(name = "chat", options: { aloneAfterMs?: number } = {}) {
    this.#aloneAfterMs = options.aloneAfterMs ?? ALONE_AFTER_MS;
    this.#channel = new BroadcastChannel(name);
    this.#channel.onmessage = (message: MessageEvent<BrokerEvent | Roll>) => {
      const data = message.data;
      if ("broker" in data) return this.#heard(data);
      this.#deliver(data, false);
    };
    this.#say("hello");
  }

  publish(event: BrokerEvent): void {
    if (!this.alone()) this.#channel.postMessage(event);
    queueMicrotask(() => this.#deliver(event, true));
  }

  #deliver(event: BrokerEvent, fromThisNode: boolean): void {
    for (const handler of this.#handlers) handler(event, fromThisNode);
  }

  #heard({ broker, id }: Roll): void {
    if (broker === "hello") this.#say("here");
    this.#others.add(id);
  }

  #say(broker: Roll["broker"]): void {
    try {
      this.#channel.postMessage({ broker, id: this.#id } satisfies Roll);
    } catch (error) {
      // Deno 2.9: a channel opened in the turn the process's last channel closed throws
      // "expected i32" on posts made in later turns. After a lost hello or here, a broker
      // posts to a sibling only in its first ALONE_AFTER_MS: its events are then dropped, as
      // the channel may drop them anyway, and the sibling's hub fills the gaps from the store.
      console.error("broadcast broker: could not say", broker, error);
    }
  }

  subscribe(handler: BrokerHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /**
   * True once {@linkcode ALONE_AFTER_MS} has passed since opening without a word from another
   * broker. The nodes of a `broadcast` chat are the workers of one process (`BROKER` in
   * `config.ts`), and they open together, so no other node shares this one's KV then.
   */
  alone(): boolean {
    return this.#others.size === 0 && performance.now() - this.#openedAt >= this.#aloneAfterMs;
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
