import assert from "node:assert/strict";
import { Hono } from "hono";
import * as v from "valibot";
import { jsonBody } from "./json_body.ts";

const Rename = v.object({
  name: v.pipe(v.string("name must be text"), v.trim()),
  topic: v.optional(v.string("topic must be text")),
});

/** A one-route app that echoes what `jsonBody` passed on, and counts the handler's calls. */
function echoApp() {
  const calls = { count: 0 };
  const app = new Hono().post("/rename", jsonBody(Rename), (c) => {
    calls.count++;
    return c.json({ got: c.req.valid("json") });
  });
  const post = (body: string, contentType = "application/json") =>
    app.request("/rename", { method: "POST", body, headers: { "content-type": contentType } });
  return { calls, post };
}

Deno.test("jsonBody() passes the schema's output to the handler", async () => {
  const { calls, post } = echoApp();
  const res = await post(JSON.stringify({ name: "  general  ", topic: "news" }));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { got: { name: "general", topic: "news" } });
  assert.equal(calls.count, 1);
});

Deno.test("jsonBody() accepts a JSON Content-Type with parameters or a +json suffix", async () => {
  const { calls, post } = echoApp();
  for (const type of ["application/json; charset=utf-8", "application/merge-patch+json"]) {
    const res = await post(JSON.stringify({ name: "a" }), type);
    assert.equal(res.status, 200, type);
    assert.deepEqual(await res.json(), { got: { name: "a" } });
  }
  assert.equal(calls.count, 2);
});

Deno.test("jsonBody() answers 400 with the first problem when the schema refuses", async () => {
  const { calls, post } = echoApp();
  const res = await post(JSON.stringify({ name: 1, topic: 2 }));
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    error: "name must be text",
    code: "refusal.invalidBody",
    params: { detail: "name must be text" },
  });
  assert.equal(calls.count, 0);
});

Deno.test("jsonBody() answers 400 as plain text when the body is not JSON", async () => {
  const { calls, post } = echoApp();
  const res = await post("{name:");
  assert.equal(res.status, 400);
  assert.equal(await res.text(), "Malformed JSON in request body");
  assert.equal(calls.count, 0);
});

Deno.test("jsonBody() reads a body sent without a JSON Content-Type as {}", async () => {
  const { calls, post } = echoApp();
  const res = await post(JSON.stringify({ name: "general" }), "text/plain");
  assert.equal(res.status, 400);
  const detail = 'Invalid key: Expected "name" but received undefined';
  assert.deepEqual(await res.json(), {
    error: detail,
    code: "refusal.invalidBody",
    params: { detail },
  });
  assert.equal(calls.count, 0);
});
