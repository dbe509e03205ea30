/**
 * The server's structured log: one line per event, a JSON object by default (`LOG_FORMAT=json`,
 * for log collectors), readable `key=value` lines with `LOG_FORMAT=text` for development, or
 * nothing with `off`. Info lines go to stdout, warnings and errors to stderr.
 *
 * Every line has `time` (ISO 8601), `level` and `msg`; request lines add `requestId`, the
 * same id the response carries in `X-Request-Id` (see `middleware/request_log.ts`).
 *
 * @module
 */

/** The values `LOG_FORMAT` takes. */
export const LOG_FORMATS = ["json", "text", "off"] as const;
/** How log lines are written. */
export type LogFormat = typeof LOG_FORMATS[number];
/** A log line's fields besides `time`, `level` and `msg`. */
export type LogFields = Record<string, string | number | boolean | undefined>;
/** A line's severity. */
export type LogLevel = "info" | "warn" | "error";

/** Writes log lines. */
export interface Logger {
  /** Logs a normal event (a request, a start, a shutdown step). */
  info(msg: string, fields?: LogFields): void;
  /** Logs something an operator should look at. */
  warn(msg: string, fields?: LogFields): void;
  /** Logs a failure. */
  error(msg: string, fields?: LogFields): void;
}

/** Where lines go: stdout for info, stderr for the rest. */
export type LogSink = (level: LogLevel, line: string) => void;

const consoleSink: LogSink = (level, line) =>
  level === "info" ? console.log(line) : console.error(line);

/**
 * How long info lines wait to be written together. Each request is its own turn of the event
 * loop, so lines of one turn were mostly one line (one `write` to stdout per connection in a
 * connect storm, where the log's writes were the largest cost of a connect's own code left;
 * BENCHMARKS.md, "Connect storm, round four"). A storm of 500 to 2,000 connections a second
 * puts 2 to 10 lines in 5 ms; a line waits at most that long.
 */
export const LOG_BURST_MS = 5;

/**
 * A sink that passes the info lines of one burst to `sink` as one text (lines joined by
 * newlines): those logged within {@linkcode LOG_BURST_MS} of the first, or, with another
 * `schedule`, until it calls back. Each `console.log` is a write to stdout: 20,000 request
 * lines took 133 to 177 µs each written alone, 52 to 76 in bursts of 10, 25 to 35 written
 * nowhere (wall time of one loop at load average 23, stdout a file). A warning or error first
 * flushes the info lines before it, so the order of the lines is kept; a crash loses the info
 * lines of the last burst.
 *
 * @example
 * ```ts
 * const log = createLogger("json", batchedSink());
 * log.info("request", { status: 101 });
 * log.info("request", { status: 101 }); // both reach the console in one console.log
 * ```
 *
 * @param sink Where the joined lines go; the console by default.
 * @param schedule Calls `flush` once the burst is over; a {@linkcode LOG_BURST_MS} timer by
 *   default.
 * @returns The batching sink.
 */
export function batchedSink(
  sink: LogSink = consoleSink,
  schedule: (flush: () => void) => void = (flush) => setTimeout(flush, LOG_BURST_MS),
): LogSink {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    sink("info", lines.join("\n"));
  };
  return (level, line) => {
    if (level === "info") {
      if (pending.push(line) === 1) schedule(flush);
      return;
    }
    flush();
    sink(level, line);
  };
}

/**
 * A logger writing in `format`.
 *
 * @example One request line
 * ```ts
 * createLogger("json").info("request", { requestId: "4f…", status: 200 });
 * // {"time":"2026-12-01T23:59:00.000Z","level":"info","msg":"request","requestId":"4f…","status":200}
 * ```
 *
 * @param format `json`, `text` or `off`.
 * @param sink Where each line goes; by default the console, info lines in bursts
 *   ({@linkcode batchedSink}).
 * @param now The clock, for the `time` field.
 */
export function createLogger(
  format: LogFormat,
  sink: LogSink = batchedSink(),
  now: () => number = Date.now,
): Logger {
  const write = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    if (format === "off") return;
    const time = new Date(now()).toISOString();
    sink(
      level,
      format === "json" ? JSON.stringify({ time, level, msg, ...fields }) : [
        time,
        level.toUpperCase().padEnd(5),
        msg,
        ...Object.entries(fields).filter(([, value]) => value !== undefined)
          .map(([key, value]) => `${key}=${JSON.stringify(value)}`),
      ].join(" "),
    );
  };
  return {
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
  };
}
