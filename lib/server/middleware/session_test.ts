import assert from "node:assert/strict";
import { Hono, type MiddlewareHandler } from "hono";
import type { PublicUser } from "../../common/api_types.ts";
import type { Session } from "../../accounts/sessions.ts";
import type { AppEnv } from "../app_env.ts";
import { requireUser } from "./session.ts";

const ada: PublicUser = { id: "u-ada", name: "ada" };
const adaSession: Session = { id: "s-ada", userId: ada.id, createdAt: 0, expiresAt: 1 };

/** Stands in for `loadSession` having found a valid cookie. */
const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("user", ada);
  c.set("session", adaSession);
  await next();
};

Deno.test("requireUser() answers 401 JSON without calling the handler when nobody is signed in", async () => {
  let calls = 0;
  const app = new Hono<AppEnv>().use(requireUser());
  app.get("/", (c) => {
    calls++;
    return c.text(c.var.user.name);
  });
  const res = await app.request("/");
  assert.equal(res.status, 401);
  assert.deepEqual(await res.json(), { error: "Not signed in", code: "refusal.notSignedIn" });
  assert.equal(calls, 0);
});

Deno.test("requireUser() passes a signed-in request on, with user and session typed as set", async () => {
  const app = new Hono<AppEnv>().use(signedIn).use(requireUser());
  // No `!`: the app `use` returned has the narrowed type.
  app.get("/", (c) => c.json({ user: c.var.user.name, session: c.var.session.id }));
  const res = await app.request("/");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { user: "ada", session: "s-ada" });

  // Without requireUser the same read does not type-check (checked by `deno test` itself).
  new Hono<AppEnv>().use(signedIn).get("/", (c) =>
    // @ts-expect-error `c.var.user` may be undefined before requireUser
    c.text(c.var.user.name));
});

Deno.test("requireUser() in one route's handler list guards and narrows only that route", async () => {
  const app = new Hono<AppEnv>();
  app.get("/private", requireUser(), (c) => c.text(c.var.user.name));
  app.get("/public", (c) => c.text(c.var.user?.name ?? "nobody"));
  const refused = await app.request("/private");
  assert.equal(refused.status, 401);
  assert.deepEqual(await refused.json(), { error: "Not signed in", code: "refusal.notSignedIn" });
  const open = await app.request("/public");
  assert.equal(open.status, 200);
  assert.equal(await open.text(), "nobody");
});
