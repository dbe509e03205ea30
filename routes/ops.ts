/**
 * Operations endpoints, for load balancers and Prometheus rather than people:
 *
 * | route          | answers                                                                 |
 * | -------------- | ----------------------------------------------------------------------- |
 * | `GET /healthz` | 200 `HealthReport` JSON when KV and the broker answer; 503 with the failing part, or while shutting down |
 * | `GET /metrics` | the Prometheus text of this node; needs `Authorization: Bearer <METRICS_TOKEN>` (401 without or with a wrong one); 404 when no token is configured |
 *
 * With `deno serve --parallel` a request reaches one worker, which sums the registries of every
 * worker of its process (`lib/server/worker_metrics.ts`); see the README's operations section.
 *
 * @module
 */
import { Hono } from "hono";
import { timingSafeEqual } from "node:crypto";
import type { AppEnv } from "../lib/server/app_env.ts";
import type { Services } from "../lib/server/services.ts";
import { refusal } from "../lib/common/refusal.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";

/** `/healthz` and `/metrics`. */
export function opsRoutes(services: Pick<Services, "config" | "health" | "metrics">): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const expected = services.config.metricsToken;
  const expectedDigest = expected === undefined ? undefined : sha256(expected);

  app.get("/healthz", async (c) => {
    const report = await services.health.check();
    c.header("Cache-Control", "no-store");
    return c.json(report, report.status === "ok" ? 200 : 503);
  });

  app.get("/metrics", async (c) => {
    if (!expectedDigest) return refusalResponse(c, refusal(404, "refusal.notFound"));
    const given = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (given === undefined || !timingSafeEqual(await sha256(given), await expectedDigest)) {
      c.header("WWW-Authenticate", 'Bearer realm="metrics"');
      return refusalResponse(c, refusal(401, "refusal.metricsToken"));
    }
    return c.body(await services.metrics.render(), 200, {
      "Content-Type": services.metrics.contentType,
      "Cache-Control": "no-store",
    });
  });
  return app;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}
