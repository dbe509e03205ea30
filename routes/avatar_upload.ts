/**
 * The request side of avatar uploads, shared by `POST /api/me/avatar` and
 * `POST /api/rooms/:id/avatar`: the raw image bytes as the body, refused with 413 over
 * {@linkcode MAX_AVATAR_BYTES} (before reading, when Content-Length says so) and with 415 when
 * they are not a PNG, JPEG or WebP image by their magic number. The client's Content-Type is
 * ignored. Also {@linkcode serveAvatar}, the response side.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { BODY_TIMEOUT, bodyWithin } from "../lib/server/middleware/body_within.ts";
import { MAX_AVATAR_BYTES } from "../lib/common/api_types.ts";
import {
  AVATAR_TOO_LARGE,
  type AvatarUpload,
  checkAvatar,
  type StoredAvatar,
} from "../lib/accounts/avatar_image.ts";
import type { AppEnv } from "../lib/server/app_env.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import { refusal } from "../lib/common/refusal.ts";

/** Request paths of the avatar uploads, which the app's general body limit leaves alone. */
export const AVATAR_UPLOAD_PATHS = ["/api/me/avatar", "/api/rooms/:id/avatar"];

/** The Hono environment of an upload route: `c.var.avatar` is the checked image. */
export interface AvatarUploadEnv extends AppEnv {
  Variables: AppEnv["Variables"] & { avatar: AvatarUpload };
}

/**
 * Reads and checks an uploaded image into `c.var.avatar`, or answers 413 or 415 without
 * calling the handler, or 408 when its body has not all come within `bodyMs`.
 *
 * @example
 * ```ts
 * app.post("/me/avatar", avatarUpload(config.limits.bodyMs), (c) => save(c.var.avatar));
 * ```
 */
export function avatarUpload(bodyMs: number): MiddlewareHandler<AvatarUploadEnv> {
  const limit = bodyWithin({
    maxBytes: MAX_AVATAR_BYTES,
    ms: bodyMs,
    tooLarge: AVATAR_TOO_LARGE,
    late: BODY_TIMEOUT,
  });
  return async function avatarUpload(c, next) {
    let refused: Response | undefined;
    const limited = await limit(c, async () => {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const check = checkAvatar(bytes);
      if (!check.ok) {
        refused = refusalResponse(c, check);
        return;
      }
      c.set("avatar", { type: check.type, bytes });
      await next();
    });
    return refused ?? limited ?? undefined;
  };
}

/**
 * Answers with a stored avatar, or 404 when there is none to show. The URL carries the
 * image's version, so the answer never changes: cached for a year, privately (only signed-in
 * users may fetch it), with the sniffed type and `nosniff`.
 */
export function serveAvatar(c: Context, image: StoredAvatar | null): Response {
  if (!image) return refusalResponse(c, refusal(404, "refusal.noSuchAvatar"));
  return c.body(image.bytes, 200, {
    "content-type": image.type,
    "cache-control": "private, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
  });
}
