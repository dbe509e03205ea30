/**
 * Reads an HTTP `Range` header (RFC 9110 §14) for one resource of known size.
 *
 * @module
 */

/** What a `Range` header asks for. */
export type RangeRequest =
  /** No usable range (absent, not bytes, or several ranges): answer the whole body. */
  | { kind: "whole" }
  /** Bytes `start` to `end`, inclusive: answer 206. */
  | { kind: "part"; start: number; end: number }
  /** A range outside the resource: answer 416. */
  | { kind: "unsatisfiable" };

/**
 * The byte range `header` asks of a resource of `size` bytes. Forms: `bytes=a-b`, `bytes=a-`,
 * `bytes=-n` (the last n bytes). Several ranges are answered as the whole body, which the RFC
 * allows.
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (!header) return { kind: "whole" };
  const match = /^bytes=\s*(\d*)-(\d*)\s*$/.exec(header);
  if (!match) return { kind: "whole" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "part", start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return { kind: "unsatisfiable" };
  return { kind: "part", start, end };
}
