/**
 * What `GET /healthz` reports: whether this node can serve. KV must answer a tiny read within
 * {@linkcode KV_PROBE_TIMEOUT_MS}, the broker must say it is connected, and the node must not be
 * shutting down (a draining node fails the check, so a load balancer stops sending it clients
 * before its sockets close).
 *
 * @module
 */
import type { Broker } from "../realtime/broker/broker.ts";
import { keys } from "../kv/kv_keys.ts";

/** A KV read slower than this counts as a failure: a probe must answer quickly. */
export const KV_PROBE_TIMEOUT_MS = 2_000;

/** State of one part: `ok`, or why it failed. */
export type PartHealth = "ok" | "failed" | "timeout" | "disconnected";

/** The body of `GET /healthz`. */
export interface HealthReport {
  /** `ok` when every check passed; `draining` while the node shuts down. */
  status: "ok" | "failing" | "draining";
  checks: { kv: PartHealth; broker: PartHealth };
}

/** Checks this node's KV and broker. */
export class HealthCheck {
  #kv: Deno.Kv;
  #broker: Pick<Broker, "connected">;
  #draining: () => boolean;

  /** `draining` says whether the node has begun a graceful shutdown. */
  constructor(kv: Deno.Kv, broker: Pick<Broker, "connected">, draining: () => boolean) {
    this.#kv = kv;
    this.#broker = broker;
    this.#draining = draining;
  }

  /** Runs the checks; never throws. */
  async check(): Promise<HealthReport> {
    const checks = {
      kv: await this.#probeKv(),
      broker: this.#broker.connected() ? "ok" as const : "disconnected" as const,
    };
    const status = this.#draining()
      ? "draining"
      : checks.kv === "ok" && checks.broker === "ok"
      ? "ok"
      : "failing";
    return { status, checks };
  }

  async #probeKv(): Promise<PartHealth> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<PartHealth>((resolve) => {
      timer = setTimeout(() => resolve("timeout"), KV_PROBE_TIMEOUT_MS);
    });
    const read = this.#kv.get(keys.healthProbe()).then(
      () => "ok" as const,
      () => "failed" as const,
    );
    try {
      return await Promise.race([read, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
