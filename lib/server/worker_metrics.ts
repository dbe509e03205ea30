/**
 * One scrape, every worker: with `deno serve --parallel` each worker has its own registry and
 * a scrape reaches one of them, so the worker that gets `GET /metrics` asks the others of its
 * process for theirs over a BroadcastChannel and sums them with prom-client's
 * `AggregatorRegistry` (counters, histograms and the connections gauge all add up).
 *
 * It waits for as many answers as there are other workers on the roll (`lib/server/
 * worker_roll.ts`), at most {@linkcode ANSWER_TIMEOUT_MS}; a worker that does not answer in
 * time is left out of that scrape, and `chat_metrics_workers` says how many were summed.
 *
 * @module
 */
import {
  AggregatorRegistry,
  Gauge,
  type MetricObjectWithValues,
  type MetricValue,
  type Registry,
} from "prom-client";
import { openWorkerChannel } from "./worker_channel.ts";

/** How long a scrape waits for the other workers' registries. */
export const ANSWER_TIMEOUT_MS = 1_000;

type Snapshot = MetricObjectWithValues<MetricValue<string>>[];
type Message =
  | { pid: number; ask: string }
  | { pid: number; answer: string; metrics: Snapshot };

/** Renders the sum of this process's workers' registries. */
export class WorkerMetrics {
  #registry: Registry;
  #workers: () => number;
  #channel = openWorkerChannel("chat-worker-metrics");
  #waiting = new Map<string, (metrics: Snapshot) => void>();

  /**
   * Answers other workers with `registry`, and sums them into scrapes of this one. `workers`
   * says how many workers the process has, this one included.
   */
  constructor(registry: Registry, workers: () => number) {
    this.#registry = registry;
    this.#workers = workers;
    if (this.#channel) {
      this.#channel.onmessage = async ({ data }: MessageEvent<Message>) => {
        if (data.pid !== Deno.pid) return;
        if ("ask" in data) {
          const metrics = await this.#registry.getMetricsAsJSON() as Snapshot;
          this.#post({ pid: Deno.pid, answer: data.ask, metrics });
        } else this.#waiting.get(data.answer)?.(data.metrics);
      };
    }
  }

  /** The Prometheus text of every worker that answered, summed. */
  async render(): Promise<string> {
    const own = await this.#registry.getMetricsAsJSON() as Snapshot;
    const others = await this.#ask(this.#workers() - 1);
    const snapshots = [own, ...others];
    const summed = AggregatorRegistry.aggregate(snapshots);
    new Gauge({
      name: "chat_metrics_workers",
      help: "Workers of this process whose metrics this scrape sums.",
      registers: [summed],
    }).set(snapshots.length);
    return await summed.metrics();
  }

  /** Stops answering. */
  close(): void {
    this.#channel?.close();
  }

  #ask(count: number): Promise<Snapshot[]> {
    if (count <= 0 || !this.#channel) return Promise.resolve([]);
    const id = crypto.randomUUID();
    const answers: Snapshot[] = [];
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(answers);
      };
      const timer = setTimeout(done, ANSWER_TIMEOUT_MS);
      this.#waiting.set(id, (metrics) => {
        answers.push(metrics);
        if (answers.length >= count) done();
      });
      this.#post({ pid: Deno.pid, ask: id });
    });
  }

  #post(message: Message): void {
    this.#channel?.postMessage(message);
  }
}
