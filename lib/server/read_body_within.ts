/**
 * Reading a request body with a deadline. Deno's HTTP server bounds neither the wait for a
 * request's headers nor for its body (docs/SECURITY.md, "Behind a proxy"): a client that sends
 * half a body and stops would hold its handler, its buffered bytes and its socket for as long as
 * the TCP connection lives, which is forever when the peer vanished without a reset.
 *
 * @module
 */

/**
 * Reads `body` whole, or gives up after `ms`: the read is then cancelled (Deno stops reading the
 * socket and drops what it buffered) and the answer is `null`. The caller should answer 408 with
 * `Connection: close`, since the rest of the body may still be on its way.
 *
 * @example
 * ```ts
 * const bytes = await readBodyWithin(c.req.raw.body, 90_000);
 * if (bytes === null) return c.text("too slow", 408, { connection: "close" });
 * ```
 *
 * @param body The request's body (`null`: none, read as empty).
 * @param ms How long the whole body may take to arrive.
 * @returns The bytes, or `null` when they did not all arrive in time.
 * @throws When the body stream fails (the client reset the connection).
 */
export async function readBodyWithin(
  body: ReadableStream<Uint8Array> | null,
  ms: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), ms));
  const whole = (async () => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      chunks.push(read.value);
      length += read.value.length;
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
    if (bytes === null) {
      // The pending read then ends (done), so `whole` settles and holds nothing.
      await reader.cancel().catch(() => {});
      await whole.catch(() => {});
    }
    return bytes;
  } finally {
    clearTimeout(timer);
  }
}
