/**
 * JSON API for accounts: `POST /api/auth/register`, `/login`, `/logout` (`GET /api/me` is in
 * `routes/profile.ts`).
 *
 * @module
 */
import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../lib/server/app_env.ts";
import { clientAddress } from "../lib/server/client_address.ts";
import { jsonBody } from "../lib/server/middleware/json_body.ts";
import { clearSessionCookie, setSessionCookie } from "../lib/server/middleware/session.ts";
import { refusalResponse } from "../lib/server/refusal_response.ts";
import type { Services } from "../lib/server/services.ts";

const Credentials = v.object({ username: v.string(), password: v.string() });

/** Routes of the account API, to mount at `/api`. */
export function authRoutes(services: Pick<Services, "auth">): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post("/auth/register", jsonBody(Credentials), async (c) => {
    const { username, password } = c.req.valid("json");
    const result = await services.auth.register(username, password);
    if (!result.ok) return refusalResponse(c, result);
    setSessionCookie(c, result.token, result.session);
    return c.json({ user: result.user }, 201);
  });

  app.post("/auth/login", jsonBody(Credentials), async (c) => {
    const { username, password } = c.req.valid("json");
    const result = await services.auth.login(username, password, clientAddress(c));
    if (!result.ok) return refusalResponse(c, result);
    setSessionCookie(c, result.token, result.session);
    return c.json({ user: result.user });
  });

  app.post("/auth/logout", async (c) => {
    if (c.var.session) await services.auth.logout(c.var.session);
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  return app;
}
