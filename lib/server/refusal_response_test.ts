import assert from "node:assert/strict";
import { Hono } from "hono";
import { type Outcome, refusal } from "../common/refusal.ts";
import { changeResponse, refusalResponse } from "./refusal_response.ts";

function appAnswering(outcome: Outcome): Hono {
  const app = new Hono();
  app.get("/refuse", (c) => outcome.ok ? c.text("not a refusal") : refusalResponse(c, outcome));
  app.get("/change", (c) => changeResponse(c, outcome));
  return app;
}

Deno.test("refusalResponse() answers the refusal's status with its English error and its code", async () => {
  const response = await appAnswering(refusal(404, "refusal.noSuchRoom")).request("/refuse");
  assert.equal(response.status, 404);
  assert.equal(response.headers.get("retry-after"), null);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(await response.json(), { error: "No such room", code: "refusal.noSuchRoom" });
});

Deno.test("refusalResponse() of a 429 sends when to retry in Retry-After and in the body", async () => {
  const tooMany = {
    ...refusal(429, "refusal.loginThrottled"),
    retryAfterSeconds: 90,
  };
  const response = await appAnswering(tooMany).request("/refuse");
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("retry-after"), "90");
  assert.deepEqual(await response.json(), {
    error: "Too many failed attempts; try again later",
    code: "refusal.loginThrottled",
    retryAfterSeconds: 90,
  });
});

Deno.test("changeResponse() answers 204 with no body for a change made, else the refusal", async () => {
  const done = await appAnswering({ ok: true }).request("/change");
  assert.equal(done.status, 204);
  assert.equal(await done.text(), "");
  const refused = await appAnswering(refusal(400, "refusal.roomNameLength", { max: 64 }))
    .request("/change");
  assert.equal(refused.status, 400);
  assert.deepEqual(await refused.json(), {
    error: "Room name must be 1–64 characters",
    code: "refusal.roomNameLength",
    params: { max: 64 },
  });
});
