import assert from "node:assert/strict";
import { batchedSink, createLogger, LOG_BURST_MS, type LogLevel } from "./log.ts";

const AT = Date.UTC(2026, 11, 1, 23, 59, 0);

function recorder(): {
  lines: [LogLevel, string][];
  sink: (level: LogLevel, line: string) => void;
} {
  const lines: [LogLevel, string][] = [];
  return { lines, sink: (level, line) => lines.push([level, line]) };
}

Deno.test("createLogger(json) writes one JSON object a line with time, level, msg and the fields", () => {
  const { lines, sink } = recorder();
  const log = createLogger("json", sink, () => AT);
  log.info("request", { requestId: "r-1", status: 200, skipped: undefined });
  log.error("commit failed", { room: "lobby" });
  assert.deepEqual(lines.map(([level, line]) => [level, JSON.parse(line)]), [
    ["info", {
      time: "2026-12-01T23:59:00.000Z",
      level: "info",
      msg: "request",
      requestId: "r-1",
      status: 200,
    }],
    ["error", {
      time: "2026-12-01T23:59:00.000Z",
      level: "error",
      msg: "commit failed",
      room: "lobby",
    }],
  ]);
});

Deno.test("createLogger(text) writes readable lines, quoting values and leaving out undefined ones", () => {
  const { lines, sink } = recorder();
  createLogger("text", sink, () => AT).warn("slow commit", {
    ms: 120,
    room: "大厅",
    gone: undefined,
  });
  assert.deepEqual(lines, [[
    "warn",
    '2026-12-01T23:59:00.000Z WARN  slow commit ms=120 room="大厅"',
  ]]);
});

Deno.test("createLogger(off) writes nothing", () => {
  const { lines, sink } = recorder();
  const log = createLogger("off", sink, () => AT);
  log.info("request");
  log.error("failure");
  assert.deepEqual(lines, []);
});

Deno.test("batchedSink() passes the info lines of one burst on together, after the burst", () => {
  const { lines, sink } = recorder();
  const bursts: (() => void)[] = [];
  const log = createLogger("text", batchedSink(sink, (flush) => bursts.push(flush)), () => AT);
  log.info("one");
  log.info("two");
  assert.deepEqual(lines, []);
  assert.equal(bursts.length, 1, "one flush per burst");
  bursts.shift()!();
  assert.deepEqual(lines, [[
    "info",
    "2026-12-01T23:59:00.000Z INFO  one\n2026-12-01T23:59:00.000Z INFO  two",
  ]]);
  log.info("three");
  bursts.shift()!();
  assert.deepEqual(lines.at(-1), ["info", "2026-12-01T23:59:00.000Z INFO  three"]);
  assert.equal(lines.length, 2);
});

Deno.test("batchedSink() writes the lines of requests that follow each other within LOG_BURST_MS together", async () => {
  const { lines, sink } = recorder();
  const log = createLogger("text", batchedSink(sink), () => AT);
  log.info("one");
  // Another request's turn of the event loop, not the same microtask burst.
  await new Promise((resolve) => setTimeout(resolve, 0));
  log.info("two");
  assert.deepEqual(lines, []);
  await new Promise((resolve) => setTimeout(resolve, LOG_BURST_MS));
  assert.equal(lines.length, 1);
  assert.match(lines[0]![1], /one\n.*two$/);
});

Deno.test("batchedSink() writes the info lines before a warning or error that follows them", () => {
  const { lines, sink } = recorder();
  const bursts: (() => void)[] = [];
  const log = createLogger("text", batchedSink(sink, (flush) => bursts.push(flush)), () => AT);
  log.info("before");
  log.error("failed");
  assert.deepEqual(lines, [
    ["info", "2026-12-01T23:59:00.000Z INFO  before"],
    ["error", "2026-12-01T23:59:00.000Z ERROR failed"],
  ]);
  for (const flush of bursts) flush();
  assert.equal(lines.length, 2, "the burst's end writes nothing more");
});
