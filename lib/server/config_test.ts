import assert from "node:assert/strict";
import { UPLOAD_PART_BYTES } from "../common/attachments.ts";
import { partTimeoutMs } from "../common/part_timeout.ts";
import { MAX_AVATAR_BYTES } from "../common/api_types.ts";
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

Deno.test("readConfig() keeps PUBLIC_URL's origin, and refuses one that is not http(s)", () => {
  assert.equal(
    readConfig({ PUBLIC_URL: "https://chat.example/app/" }).publicUrl,
    "https://chat.example",
  );
  assert.equal(readConfig({}).publicUrl, undefined);
  assert.throws(() => readConfig({ PUBLIC_URL: "chat.example" }), /PUBLIC_URL/);
  assert.throws(() => readConfig({ PUBLIC_URL: "ftp://chat.example" }), /PUBLIC_URL/);
});

Deno.test("readConfig() derives UNSENT_BYTES_BUDGET from memory, within 64 MiB to 1 GiB, unless it is set", () => {
  const budget = readConfig({}).limits.unsentBytesBudget;
  assert.ok(budget >= 64 << 20 && budget <= 1 << 30, `default ${budget}`);
  assert.equal(readConfig({ UNSENT_BYTES_BUDGET: "16777216" }).limits.unsentBytesBudget, 16 << 20);
  assert.throws(() => readConfig({ UNSENT_BYTES_BUDGET: "1000" }), /UNSENT_BYTES_BUDGET/);
});

Deno.test("readConfig() picks the broker: BROKER when set, else Redis with REDIS_URL, else KV on Deno Deploy, else BroadcastChannel", () => {
  assert.equal(readConfig({}).broker, "broadcast");
  assert.equal(readConfig({ REDIS_URL: "redis://127.0.0.1:6379" }).broker, "redis");
  assert.equal(readConfig({ DENO_DEPLOY: "true" }).broker, "kv");
  assert.equal(readConfig({ DENO_DEPLOYMENT_ID: "abc123" }).broker, "kv");
  assert.equal(readConfig({ BROKER: "kv-poll" }).broker, "kv-poll");
  assert.equal(readConfig({ BROKER: "broadcast", DENO_DEPLOY: "true" }).broker, "broadcast");
  assert.equal(
    readConfig({ BROKER: "kv", REDIS_URL: "redis://127.0.0.1:6379" }).broker,
    "kv",
    "BROKER wins over REDIS_URL",
  );
});

Deno.test("readConfig() refuses an unknown BROKER, and BROKER=redis without REDIS_URL", () => {
  assert.throws(() => readConfig({ BROKER: "kafka" }), /BROKER must be one of/);
  assert.throws(() => readConfig({ BROKER: "redis" }), /BROKER=redis needs REDIS_URL/);
  assert.throws(() => readConfig({ BROKER_POLL_MS: "0" }), /BROKER_POLL_MS/);
});

Deno.test("readConfig() on Deno Deploy opens the platform's KV (no path) unless KV_PATH is set", () => {
  assert.equal(readConfig({ DENO_DEPLOY: "true" }).kvPath, "");
  assert.equal(readConfig({}).kvPath, "./data/chat.kv");
  assert.equal(readConfig({ DENO_DEPLOY: "true", KV_PATH: "/tmp/x.kv" }).kvPath, "/tmp/x.kv");
});

Deno.test("readConfig() turns /metrics off without METRICS_TOKEN and refuses a short one without echoing it", () => {
  assert.equal(readConfig({}).metricsToken, undefined);
  assert.equal(readConfig({ METRICS_TOKEN: "" }).metricsToken, undefined);
  const token = "scrape-token-0123456789";
  assert.equal(readConfig({ METRICS_TOKEN: token }).metricsToken, token);
  assert.throws(
    () => readConfig({ METRICS_TOKEN: "short-secret" }),
    (error: Error) => /METRICS_TOKEN/.test(error.message) && !error.message.includes("secret"),
  );
});

Deno.test("readConfig() logs JSON lines unless LOG_FORMAT says text or off", () => {
  assert.equal(readConfig({}).logFormat, "json");
  assert.equal(readConfig({ LOG_FORMAT: "text" }).logFormat, "text");
  assert.equal(readConfig({ LOG_FORMAT: "off" }).logFormat, "off");
  assert.throws(() => readConfig({ LOG_FORMAT: "yaml" }), /LOG_FORMAT/);
});

Deno.test("readConfig() waits 90 s for an upload part's body (a whole part's browser deadline) unless UPLOAD_PART_SECONDS says otherwise", () => {
  assert.equal(readConfig({}).limits.uploadPartMs, partTimeoutMs(UPLOAD_PART_BYTES));
  assert.equal(readConfig({}).limits.uploadPartMs, 90_000);
  assert.equal(readConfig({ UPLOAD_PART_SECONDS: "300" }).limits.uploadPartMs, 300_000);
  assert.throws(() => readConfig({ UPLOAD_PART_SECONDS: "0" }), /UPLOAD_PART_SECONDS/);
});

Deno.test("readConfig() waits 38 s for a JSON, form or avatar body (an avatar at the slowest link) unless BODY_SECONDS says otherwise", () => {
  assert.equal(readConfig({}).limits.bodyMs, 38_000);
  assert.ok(readConfig({}).limits.bodyMs >= partTimeoutMs(MAX_AVATAR_BYTES));
  assert.equal(readConfig({ BODY_SECONDS: "5" }).limits.bodyMs, 5_000);
  assert.throws(() => readConfig({ BODY_SECONDS: "0" }), /BODY_SECONDS/);
});
