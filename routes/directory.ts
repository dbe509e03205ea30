/**
 * JSON API of the people directory: `GET /api/directory?q=` lists the people whose username
 * or display name (or a later word of it) starts with `q`, as the caller may see them. See
 * `lib/social/user_directory.ts` for the rules (length, rate, visibility, bound).
 *
 * @module
 */
import { Hono } from "hono";
import type { DirectoryResults } from "../lib/common/api_types.ts";
import type { AppEnv, SignedInAppEnv } from "../lib/server/app_env.ts";
import { requireUser } from "../lib/server/middleware/session.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import type { Services } from "../lib/server/services.ts";

/** Routes of the directory, to mount at `/api/directory`. */
export function directoryRoutes(services: Pick<Services, "directory">): Hono<SignedInAppEnv> {
  const app = new Hono<AppEnv>().use(requireUser());
  app.get("/", async (c) => {
    const result = await services.directory.search(c.var.user.id, c.req.query("q") ?? "");
    if (!result.ok) return refusalResponse(c, result);
    return c.json({ users: result.users } satisfies DirectoryResults);
  });
  return app;
}
