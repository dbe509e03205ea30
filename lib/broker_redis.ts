/**
 * A {@linkcode Broker} on Redis pub/sub: reaches every node connected to one Redis, across
 * processes and machines. Uses node-redis (`@redis/client`) with two connections, since a
 * connection in subscriber mode cannot publish.
 *
 * Every event travels as JSON on one channel, tagged with the publishing node's id. A node
 * hands its own events to its handlers at publish time, in publish order, and ignores their
 * echo from Redis. One connection publishes in order and Redis relays one publisher's messages
 * in order, so the other nodes see them in publish order too.
 *
 * Redis pub/sub is fire-and-forget: after a dropped connection the client reconnects with
 * backoff and resubscribes by itself, but events other nodes published while this node was
 * disconnected are lost. Message events carry their seqs, so the hub fills the gap from the
 * store on the room's next message, and its reconcile check catches a trailing one; `left` and
 * `session_ended` events lost that way are not replayed. Events this node publishes while
 * disconnected wait in the client's offline queue (at most {@linkcode MAX_QUEUED_PUBLISHES})
 * and are sent on reconnection; beyond that they are dropped.
 *
 * @module
 */
import { createClient } from "@redis/client";
import type { Broker, BrokerEvent, BrokerHandler } from "./broker.ts";

/** Publishes held while disconnected from Redis; further ones are dropped. */
export const MAX_QUEUED_PUBLISHES = 10_000;

/** Failed connection attempts before {@linkcode RedisBroker.connect} gives up. */
const CONNECT_ATTEMPTS = 5;
/** How long `close()` waits for queued commands before dropping the connections. */
const CLOSE_TIMEOUT_MS = 2_000;

type RedisClient = ReturnType<typeof newClient>;

/** What goes over the channel. */
interface Envelope {
  /** Id of the publishing broker. */
  node: string;
  event: BrokerEvent;
}

/** Broker over one Redis pub/sub channel. Create it with {@linkcode RedisBroker.connect}. */
export class RedisBroker implements Broker {
  #publisher: RedisClient;
  #subscriber: RedisClient;
  #channel: string;
  #node = crypto.randomUUID();
  #handlers = new Set<BrokerHandler>();
  #closing?: Promise<void>;

  private constructor(publisher: RedisClient, subscriber: RedisClient, channel: string) {
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    this.#channel = channel;
  }

  /**
   * Connects to the Redis at `url` (`redis://[[user]:password@]host[:port][/db]`, or
   * `rediss://` for TLS) and subscribes to `channel`; every node of one chat must use the same
   * channel. Throws when Redis cannot be reached after a few attempts; once connected, lost
   * connections are retried for as long as the broker is open.
   *
   * @example Joining the chat's channel
   * ```ts
   * const broker = await RedisBroker.connect("redis://127.0.0.1:6379");
   * broker.subscribe((event) => console.log(event.kind));
   * await broker.close();
   * ```
   */
  static async connect(url: string, channel = "chat"): Promise<RedisBroker> {
    const publisher = newClient(url, "publisher", { commandsQueueMaxLength: MAX_QUEUED_PUBLISHES });
    const subscriber = newClient(url, "subscriber", {});
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      const broker = new RedisBroker(publisher, subscriber, channel);
      await subscriber.subscribe(channel, (message) => broker.#receive(message));
      return broker;
    } catch (error) {
      publisher.destroy();
      subscriber.destroy();
      throw new Error(`cannot connect to Redis at ${redact(url)}`, { cause: error });
    }
  }

  publish(event: BrokerEvent): void {
    if (this.#closing) return;
    const envelope: Envelope = { node: this.#node, event };
    this.#publisher.publish(this.#channel, JSON.stringify(envelope)).catch((error) => {
      if (!this.#closing) console.error(`redis broker: dropped a ${event.kind} event:`, error);
    });
    queueMicrotask(() => this.#deliver(event));
  }

  subscribe(handler: BrokerHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#handlers.clear();
      await Promise.all([closeClient(this.#subscriber), closeClient(this.#publisher)]);
    })();
    return this.#closing;
  }

  #receive(message: string): void {
    const envelope = parseEnvelope(message);
    if (!envelope) {
      console.error(`redis broker: ignored a malformed message on "${this.#channel}"`);
      return;
    }
    if (envelope.node === this.#node) return;
    // Off the client's socket reader, so a throwing handler cannot disturb its parser.
    queueMicrotask(() => this.#deliver(envelope.event));
  }

  #deliver(event: BrokerEvent): void {
    for (const handler of this.#handlers) handler(event);
  }
}

/**
 * A client that gives up on the first connection after {@linkcode CONNECT_ATTEMPTS} failures,
 * then reconnects forever, and logs each distinct error once per outage.
 */
function newClient(
  url: string,
  role: string,
  options: { commandsQueueMaxLength?: number },
) {
  let connected = false;
  let lastError = "";
  const client = createClient({
    url,
    ...options,
    socket: {
      reconnectStrategy: (retries, cause) => {
        if (!connected && retries + 1 >= CONNECT_ATTEMPTS) return cause;
        return Math.min(2 ** retries * 50, 2_000) + Math.floor(Math.random() * 200);
      },
    },
  });
  client.on("error", (error: Error) => {
    if (!connected || error.message === lastError) return;
    lastError = error.message;
    console.error(`redis broker (${role}): ${error.message}; reconnecting`);
  });
  client.on("ready", () => {
    if (lastError) console.error(`redis broker (${role}): reconnected`);
    connected = true;
    lastError = "";
  });
  return client;
}

/** Closes gracefully, or drops the connection when queued commands cannot be flushed in time. */
async function closeClient(client: RedisClient): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), CLOSE_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([client.close().then(() => "closed" as const), timedOut]);
    if (outcome === "timeout") client.destroy();
  } catch {
    client.destroy();
  } finally {
    clearTimeout(timer);
  }
}

const KINDS: ReadonlySet<string> = new Set<BrokerEvent["kind"]>([
  "messages",
  "left",
  "session_ended",
]);

/**
 * Reads an envelope. Only chat nodes publish on the channel, so this guards against stray
 * publishes (someone's `redis-cli`), not against hostile payloads.
 */
function parseEnvelope(message: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { node, event } = value as Record<string, unknown>;
  if (typeof node !== "string" || typeof event !== "object" || event === null) return undefined;
  const { kind } = event as Record<string, unknown>;
  if (typeof kind !== "string" || !KINDS.has(kind)) return undefined;
  return { node, event: event as BrokerEvent };
}

/** `url` without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.href;
  } catch {
    return "(invalid URL)";
  }
}
