/**
 * How long an upload part may take: the deadline the browser gives each part PUT and the server
 * gives each part's body. Its own module, not `attachments.ts`, which is first-load code: only
 * the upload chunk and the server need it.
 *
 * @module
 */

/**
 * The slowest link an upload is meant to get through, in bytes per second: 8 KiB/s (64 kbit/s),
 * under what a phone on EDGE or a crowded 3G cell delivers. A whole part takes 60 s at this rate.
 */
export const SLOWEST_UPLOAD_BYTES_PER_SECOND = 8 * 1024;

/**
 * How long one part PUT of `bytes` may take, sending and answer, before it counts as stalled:
 * the API's 30 s for an answer plus the part's bytes at {@linkcode SLOWEST_UPLOAD_BYTES_PER_SECOND}
 * (90 s for a whole part, 30.1 s for a 1 KB one). The browser gives up on the PUT then and
 * resumes from the server's list of stored parts; the server stops reading a part's body after
 * the same time for a whole part (`UPLOAD_PART_SECONDS`). A bound on the whole request, not on
 * a pause: `fetch` tells nothing of how far a request body has got (upload progress events are
 * XMLHttpRequest's, and Chromium streams request bodies only over HTTP/2), so "no progress for
 * N seconds" cannot be seen, and a fixed 30 s would fail every whole part on a link under 16 KiB/s.
 *
 * @example
 * ```ts
 * partTimeoutMs(480 * 1024); // 90_000: a whole part (UPLOAD_PART_BYTES)
 * ```
 *
 * @param bytes The part's size.
 * @returns Milliseconds.
 */
export function partTimeoutMs(bytes: number): number {
  return 30_000 + Math.ceil(bytes * 1000 / SLOWEST_UPLOAD_BYTES_PER_SECOND);
}
