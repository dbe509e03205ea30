/**
 * This node's Prometheus metrics (prom-client), created once by `createChatServer` and handed
 * to the parts that count: the hub (messages out, gaps repaired), each connection (messages
 * in, rate-limit refusals), the socket transport (slow consumers closed), the KV handle
 * (commit latency) and the broker subscription (lag). `GET /metrics` renders it.
 *
 * Every registry is per node: with `deno serve --parallel` each worker counts its own sockets
 * and messages, and {@linkcode Metrics.sumWorkers} makes a scrape of any worker sum them all
 * (`worker_metrics.ts`). Rates are not kept here:
 * Prometheus derives them from the counters (`rate(chat_messages_in_total[1m])`).
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { WorkerMetrics } from "./worker_metrics.ts";

/** Where a message event the broker delivered was published. */
export type LagOrigin = "this_node" | "other_node";
/** Why a socket was closed as a slow consumer (see `lib/realtime/ws_handler.ts`). */
export type SlowConsumerReason = "lagging" | "node_budget";

/**
 * KV commits take 1 to 5 ms on a local file when idle and tens of ms under contention
 * ("database is locked" retries count each attempt); Deno Deploy's KV is a remote service.
 */
const COMMIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Lag between a commit's announcement and its arrival here: sub-ms locally, ms over Redis. */
const LAG_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

/** The node's counters, histograms and gauges, in one registry. */
export class Metrics {
  /** The registry `GET /metrics` renders. */
  readonly registry: Registry = new Registry();
  #messagesIn: Counter;
  #messagesOut: Counter;
  #commitSeconds: Histogram;
  #brokerLag: Histogram<"origin">;
  #gapsRepaired: Counter;
  #slowConsumers: Counter<"reason">;
  #refusals: Counter<"limit">;
  #workers: WorkerMetrics | undefined;

  /**
   * Registers every metric. `openConnections` is read at each scrape for the
   * `chat_open_connections` gauge.
   */
  constructor(openConnections: () => number = () => 0) {
    const registers = [this.registry];
    new Gauge({
      name: "chat_open_connections",
      help: "WebSockets open on this node.",
      registers,
      collect() {
        this.set(openConnections());
      },
    });
    this.#messagesIn = new Counter({
      name: "chat_messages_in_total",
      help: "Messages (sends, edits, deletes, reactions) clients sent that were stored and acked.",
      registers,
    });
    this.#messagesOut = new Counter({
      name: "chat_messages_out_total",
      help: "Message frames sent to sockets, live and resume replays (one per recipient).",
      registers,
    });
    this.#commitSeconds = new Histogram({
      name: "chat_kv_commit_seconds",
      help: "Duration of each KV commit of a batch of messages (the write path).",
      buckets: COMMIT_BUCKETS,
      registers,
    });
    this.#brokerLag = new Histogram({
      name: "chat_broker_lag_seconds",
      help: "From publishing a batch of messages to the broker to its arrival on this node.",
      labelNames: ["origin"],
      buckets: LAG_BUCKETS,
      registers,
    });
    this.#gapsRepaired = new Counter({
      name: "chat_gaps_repaired_total",
      help: "Holes in a room's live stream (dropped broker events) filled from the store.",
      registers,
    });
    this.#slowConsumers = new Counter({
      name: "chat_slow_consumers_closed_total",
      help: "Sockets closed because their client did not read fast enough (code 4008).",
      labelNames: ["reason"],
      registers,
    });
    this.#refusals = new Counter({
      name: "chat_rate_limit_refusals_total",
      help: "Requests and frames refused by a rate limit (`send_rate`, `same_text`, or the " +
        "HTTP route answered with 429).",
      labelNames: ["limit"],
      registers,
    });
  }

  /** A client's message was stored and acked. */
  messageIn(): void {
    this.#messagesIn.inc();
  }

  /** `count` message frames went to sockets. */
  messagesOut(count = 1): void {
    if (count > 0) this.#messagesOut.inc(count);
  }

  /** A KV commit attempt took `ms` milliseconds. */
  commitTook(ms: number): void {
    this.#commitSeconds.observe(ms / 1000);
  }

  /** A message batch published `ms` milliseconds ago arrived from the broker. */
  brokerLag(ms: number, origin: LagOrigin): void {
    this.#brokerLag.observe({ origin }, Math.max(0, ms) / 1000);
  }

  /** A gap in a room's stream was filled from the store. */
  gapRepaired(): void {
    this.#gapsRepaired.inc();
  }

  /** A socket was closed as a slow consumer. */
  slowConsumerClosed(reason: SlowConsumerReason): void {
    this.#slowConsumers.inc({ reason });
  }

  /** A rate limit refused something; `limit` names it (bounded set: never user input). */
  refused(limit: string): void {
    this.#refusals.inc({ limit });
  }

  /**
   * From now on, {@linkcode Metrics.render} sums the registries of every worker of this
   * process; `workers` tells how many there are, this one included.
   */
  sumWorkers(workers: () => number): void {
    this.#workers ??= new WorkerMetrics(this.registry, workers);
  }

  /** The Prometheus text exposition of every metric (of every worker, once summed). */
  render(): Promise<string> {
    return this.#workers?.render() ?? this.registry.metrics();
  }

  /** Stops answering other workers' scrapes. */
  close(): void {
    this.#workers?.close();
  }

  /** The content type of {@linkcode Metrics.render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
