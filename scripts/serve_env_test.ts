import assert from "node:assert/strict";
import { serveEnv } from "./serve_env.ts";

Deno.test("serveEnv() gives the server one malloc arena when the operator set nothing", () => {
  assert.deepEqual(serveEnv(() => undefined), { MALLOC_ARENA_MAX: "1" });
});

Deno.test("serveEnv() leaves an operator's own MALLOC_ARENA_MAX in force", () => {
  const operator: Record<string, string> = { MALLOC_ARENA_MAX: "4" };
  assert.deepEqual(serveEnv((name) => operator[name]), {});
});
