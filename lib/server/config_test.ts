import assert from "node:assert/strict";
import { readConfig } from "./config.ts";

Deno.test("readConfig() takes REDIS_URL as given, and leaves it unset when absent or empty", () => {
  assert.equal(
    readConfig({ REDIS_URL: "rediss://:pw@redis.example:6380/2" }).redisUrl,
    "rediss://:pw@redis.example:6380/2",
  );
  assert.equal(readConfig({}).redisUrl, undefined);
  assert.equal(readConfig({ REDIS_URL: "" }).redisUrl, undefined);
});

Deno.test("readConfig() rejects a REDIS_URL that is not redis:// or rediss://, without echoing it", () => {
  for (const url of ["http://:secret@redis.example", "secret", "redis.example:6379"]) {
    assert.throws(
      () => readConfig({ REDIS_URL: url }),
      (error: Error) => /REDIS_URL/.test(error.message) && !error.message.includes("secret"),
    );
  }
});
