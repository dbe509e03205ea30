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
 * disconnected are lost. Message events carry their seqs, so the hub reads the missed messages
 * from the store when the room's next message event arrives (and its reconcile check, run
 * shortly after each event, catches messages right behind it); until then a quiet room's
 * subscribers on this node lack them. `left` and `session_ended` events lost that way are not
 * replayed. Events this node publishes while disconnected still reach its own handlers at
 * once, and wait in the client's offline queue (at most {@linkcode MAX_QUEUED_PUBLISHES}) to
 * be sent on reconnection; beyond that they are dropped.
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
  #dropping = false;

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
    let broker: RedisBroker | undefined;
    const { publisher, subscriber } = newClients(url, () => !!broker && !broker.#closing);
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      const created = new RedisBroker(publisher, subscriber, channel);
      await subscriber.subscribe(channel, (message) => created.#receive(message));
      broker = created;
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
    this.#publisher.publish(this.#channel, JSON.stringify(envelope)).then(
      () => this.#dropping = false,
      (error) => {
        // One line per outage, not one per event.
        if (this.#closing || this.#dropping) return;
        this.#dropping = true;
        console.error(`redis broker: dropping events until Redis is back: ${error}`);
      },
    );
    queueMicrotask(() => this.#deliver(event, true));
  }

  subscribe(handler: BrokerHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** True while both connections to Redis are up (node-redis `isReady`) and not closed. */
  connected(): boolean {
    return !this.#closing && this.#publisher.isReady && this.#subscriber.isReady;
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
    queueMicrotask(() => this.#deliver(envelope.event, false));
  }

  #deliver(event: BrokerEvent, fromThisNode: boolean): void {
    for (const handler of this.#handlers) handler(event, fromThisNode);
  }
}

/**
 * The publisher and subscriber connections. Until the broker is `live()`, a connection gives up
 * after {@linkcode CONNECT_ATTEMPTS} failures; after that it reconnects for as long as it is
 * open, and logs the start and the end of each outage.
 */
function newClients(url: string, live: () => boolean) {
  const publisher = createClient({
    url,
    commandsQueueMaxLength: MAX_QUEUED_PUBLISHES,
    socket: {
      reconnectStrategy: (retries, cause) => {
        if (!live() && retries + 1 >= CONNECT_ATTEMPTS) return cause;
        return Math.min(2 ** retries * 50, 2_000) + Math.floor(Math.random() * 200);
      },
    },
  });
  // A duplicate shares the publisher's options and client class. node-redis caches one class,
  // keyed by the options, and rebuilding it for other options costs ~50 ms per client.
  const subscriber = publisher.duplicate();
  logOutages(publisher, "publisher", live);
  logOutages(subscriber, "subscriber", live);
  return { publisher, subscriber };
}

type RedisClient = ReturnType<typeof newClients>["publisher"];

function logOutages(client: RedisClient, role: string, live: () => boolean): void {
  let down = false;
  // Also needed because an EventEmitter throws an "error" event that has no listener.
  client.on("error", (error: Error) => {
    if (!live() || down) return;
    down = true;
    console.error(`redis broker (${role}): ${error.message}; reconnecting`);
  });
  client.on("ready", () => {
    if (down) console.error(`redis broker (${role}): reconnected`);
    down = false;
  });
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

// A record, so that a new event kind fails to compile until it is listed here.
const KINDS: Record<BrokerEvent["kind"], true> = {
  messages: true,
  typing: true,
  left: true,
  rights_changed: true,
  session_ended: true,
  account_closed: true,
  user_event: true,
  read: true,
  call: true,
  room_call: true,
  everyone_event: true,
};

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
  if (typeof kind !== "string" || !Object.hasOwn(KINDS, kind)) return undefined;
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
