/**
 * Reading a request body with a deadline and a size cap. Deno's HTTP server bounds neither the
 * wait for a request's headers nor for its body (docs/SECURITY.md, "Behind a proxy"): a client
 * that sends half a body and stops would hold its handler, its buffered bytes and its socket for
 * as long as the TCP connection lives, which is forever when the peer vanished without a reset.
 *
 * @module
 */

/** Why {@linkcode readBodyWithin} gave up: the body came too slowly, or was too large. */
export type UnreadBody = "late" | "tooLarge";

/**
 * Reads `body` whole, or gives up after `ms` (`"late"`) or past `maxBytes` (`"tooLarge"`): the
 * read is then cancelled (Deno stops reading the socket and drops what it buffered). The caller
 * should answer with `Connection: close`, since the rest of the body may still be on its way.
 *
 * @example
 * ```ts
 * const bytes = await readBodyWithin(c.req.raw.body, 90_000, 480 * 1024);
 * if (bytes === "late") return c.text("too slow", 408, { connection: "close" });
 * ```
 *
 * @param body The request's body (`null`: none, read as empty).
 * @param ms How long the whole body may take to arrive.
 * @param maxBytes The most it may hold (no cap unless given).
 * @returns The bytes, or why they were not all read.
 * @throws When the body stream fails (the client reset the connection).
 */
export async function readBodyWithin(
  body: ReadableStream<Uint8Array> | null,
  ms: number,
  maxBytes = Infinity,
): Promise<Uint8Array<ArrayBuffer> | UnreadBody> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), ms));
  const whole = (async (): Promise<Uint8Array<ArrayBuffer> | "tooLarge"> => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      chunks.push(read.value);
      length += read.value.length;
      if (length > maxBytes) return "tooLarge";
    }
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  })();
  try {
    const bytes = await Promise.race([whole, late]);
    if (typeof bytes === "string") {
      // A pending read then ends (done), so `whole` settles and holds nothing.
      await reader.cancel().catch(() => {});
      await whole.catch(() => {});
    }
    return bytes;
  } finally {
    clearTimeout(timer);
  }
}
