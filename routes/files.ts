/**
 * Downloads of attached files: `GET /api/files/:room/:seq/:fileId`, for a member of the room,
 * of a file attached (or the thumbnail of one) to the message at `seq` there; anything else is
 * the same 404. Checked on every request (`private, no-cache`: the browser revalidates, and the
 * ETag makes that a 304). Served with the type found in the bytes, `nosniff`, and
 * `Content-Disposition: attachment` for everything but PNG, JPEG, GIF and WebP images (so an
 * SVG, whatever script it holds, is a download, never a page of this site). Range requests get
 * 206 or 416.
 *
 * @module
 */
import { Hono } from "hono";
import { isInlineImage } from "../lib/common/attachments.ts";
import { parseRange } from "../lib/files/byte_range.ts";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import type { Services } from "../lib/server/services.ts";

/** Routes serving attached files, to mount at `/api/files`. */
export function fileRoutes(services: Pick<Services, "fileAccess">): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());

  app.get("/:room/:seq/:fileId", async (c) => {
    const { room, seq, fileId } = c.req.param();
    const found = await services.fileAccess.find(c.var.user.id, room, Number(seq), fileId);
    if (!found.ok) return refusalResponse(c, found);
    const { file, name } = found;
    const etag = `"${file.id}"`;
    const headers: Record<string, string> = {
      "content-type": file.type,
      "x-content-type-options": "nosniff",
      "content-disposition": disposition(isInlineImage(file.type), name),
      "cache-control": "private, no-cache",
      "accept-ranges": "bytes",
      etag,
    };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    const range = parseRange(c.req.header("range"), file.size);
    if (range.kind === "unsatisfiable") {
      return c.body(null, 416, { ...headers, "content-range": `bytes */${file.size}` });
    }
    const [start, end] = range.kind === "part" ? [range.start, range.end] : [0, file.size - 1];
    headers["content-length"] = String(end - start + 1);
    if (range.kind === "part") headers["content-range"] = `bytes ${start}-${end}/${file.size}`;
    const status = range.kind === "part" ? 206 : 200;
    return c.body(services.fileAccess.read(file, start, end), status, headers);
  });

  return app;
}

/** `inline` or `attachment`, with the name in UTF-8 (RFC 6266) and an ASCII fallback. */
function disposition(inline: boolean, name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${
    encodeURIComponent(name)
  }`;
}
