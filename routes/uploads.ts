/**
 * The upload API, for signed-in users, from this site's pages only (the `Origin` of every
 * change is checked, whatever its Content-Type):
 *
 * - `POST /api/uploads` `{ name, size, type, sha256 }` → 201 {@linkcode UploadStatus}, or a
 *   refusal before any byte (413 over the size limit, 429 over the user's upload limits);
 * - `PUT /api/uploads/:id/parts/:index` with the part's bytes as the body → 204, or 408 when
 *   the body has not all come within `UPLOAD_PART_SECONDS` (a client that stalled mid-part);
 * - `GET /api/uploads/:id` → {@linkcode UploadStatus}: which parts are stored, to resume;
 * - `POST /api/uploads/:id/finish` → {@linkcode FinishedUpload} (the file id to attach), or 400
 *   (hash mismatch), 409 (parts missing), 413 (image too large), 415 (type mismatch);
 * - `DELETE /api/uploads/:id` → 204, the upload and its bytes deleted.
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import { UPLOAD_PART_BYTES } from "../lib/common/attachments.ts";
import { refusal } from "../lib/common/refusal.ts";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import { bodyWithin } from "../lib/server/middleware/body_within.ts";
import { isAllowedOrigin } from "../lib/server/origin.ts";
import { changeResponse, refusalResponse } from "../lib/server/refusal_response.ts";
import type { Services } from "../lib/server/services.ts";

/** The part upload path, which the app's general body limit leaves alone. */
export const UPLOAD_PART_PATH = "/api/uploads/:id/parts/:index";

const StartUpload = v.object({
  name: v.pipe(v.string(), v.maxLength(1000)),
  size: v.number(),
  type: v.pipe(v.string(), v.maxLength(200)),
  sha256: v.string(),
});

/** Routes of the upload API, to mount at `/api/uploads`. */
export function uploadRoutes(
  services: Pick<Services, "uploads" | "config">,
): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser()).use(async function sameOrigin(c, next) {
    // Hono's csrf middleware checks form posts only; an upload has other content types.
    if (c.req.method === "GET" || c.req.method === "HEAD") return await next();
    const origin = c.req.header("origin");
    if (!isAllowedOrigin(origin, c.req.url, services.config.allowedOrigins)) {
      return refusalResponse(c, refusal(403, "refusal.originNotAllowed"));
    }
    await next();
  });
  const { uploads } = services;
  const partBody = bodyWithin({
    maxBytes: UPLOAD_PART_BYTES,
    ms: services.config.limits.uploadPartMs,
    tooLarge: refusal(400, "refusal.uploadPart"),
    late: refusal(408, "refusal.uploadPartTimeout"),
  });

  app.post("/", jsonBody(StartUpload), async (c) => {
    const started = await uploads.start(c.var.user.id, c.req.valid("json"));
    if (!started.ok) return refusalResponse(c, started);
    const { ok: _, ...status } = started;
    return c.json(status, 201);
  });

  app.get("/:id", async (c) => {
    const status = await uploads.status(c.var.user.id, c.req.param("id"));
    if (!status.ok) return refusalResponse(c, status);
    const { ok: _, ...body } = status;
    return c.json(body);
  });

  app.put("/:id/parts/:index", partBody, async (c) => {
    const { id, index } = c.req.param();
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return changeResponse(c, await uploads.putPart(c.var.user.id, id, Number(index), bytes));
  });

  app.post("/:id/finish", async (c) => {
    const finished = await uploads.finish(c.var.user.id, c.req.param("id"));
    if (!finished.ok) return refusalResponse(c, finished);
    const { ok: _, ...file } = finished;
    return c.json(file);
  });

  app.delete("/:id", async (c) => {
    return changeResponse(c, await uploads.cancel(c.var.user.id, c.req.param("id")));
  });

  return app;
}
