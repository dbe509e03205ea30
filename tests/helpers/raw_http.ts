/**
 * HTTP/1.1 over a raw socket, for what `fetch` cannot do: send a request's headers and part of
 * its body, then stop, as a stalled phone or a slowloris does.
 *
 * @module
 */
import type { TestUser } from "./chat_client.ts";

/** A request whose body stops after `sent` bytes (of `body`), the connection left open. */
export interface StalledRequest {
  method: string;
  path: string;
  /** Signed in as (its session cookie); nobody when absent. The server's own Origin is sent. */
  user?: TestUser;
  contentType: string;
  body: Uint8Array;
  /** How many bytes of `body` are sent before the stall. */
  sent: number;
  /** Sent with `Transfer-Encoding: chunked` (one chunk of `sent` bytes) instead of a length. */
  chunked?: boolean;
}

/**
 * Opens a connection to `baseUrl` and sends `request`'s headers and the first `sent` bytes of
 * its body, then nothing more.
 *
 * @returns The open connection, for {@linkcode readResponse}; the caller closes it.
 */
export async function sendStalled(baseUrl: string, request: StalledRequest): Promise<Deno.Conn> {
  const { port } = new URL(baseUrl);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  const part = request.body.subarray(0, request.sent);
  const head = [
    `${request.method} ${request.path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    ...(request.user ? [`Cookie: ${request.user.cookie}`] : []),
    `Origin: ${baseUrl}`,
    `Content-Type: ${request.contentType}`,
    request.chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${request.body.length}`,
  ].join("\r\n") + "\r\n\r\n";
  const encoder = new TextEncoder();
  await conn.write(encoder.encode(head));
  if (request.chunked) await conn.write(encoder.encode(`${part.length.toString(16)}\r\n`));
  await conn.write(part);
  return conn;
}

/**
 * Reads one HTTP/1.1 response (head and its `content-length` body) from `conn`; null if it has
 * not all come within `limitMs`, a bound only for a broken server (so the test fails instead of
 * hanging), never reached when the node keeps its deadline (1 s in the tests).
 */
export async function readResponse(conn: Deno.Conn, limitMs: number): Promise<string | null> {
  let text = "";
  const timer = setTimeout(() => conn.close(), limitMs);
  try {
    const buffer = new Uint8Array(4096);
    while (true) {
      const end = text.indexOf("\r\n\r\n");
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(text)?.[1] ?? NaN);
      if (end >= 0 && text.length >= end + 4 + length) return text;
      const n = await conn.read(buffer);
      if (n === null) return null;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
  } catch {
    return null; // closed by the timer
  } finally {
    clearTimeout(timer);
  }
}
