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
 * A logger writing in `format`.
 *
 * @example One request line
 * ```ts
 * createLogger("json").info("request", { requestId: "4f…", status: 200 });
 * // {"time":"2026-12-01T23:59:00.000Z","level":"info","msg":"request","requestId":"4f…","status":200}
 * ```
 *
 * @param format `json`, `text` or `off`.
 * @param sink Where each line goes; by default the console.
 * @param now The clock, for the `time` field.
 */
export function createLogger(
  format: LogFormat,
  sink: LogSink = consoleSink,
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
