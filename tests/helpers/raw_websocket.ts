/**
 * A WebSocket client on a bare TCP connection, for tests that need what the WebSocket API hides:
 * the HTTP status of a refused upgrade, and a peer that stops reading so the server's send
 * buffer fills up.
 *
 * @module
 */

/** A TCP connection after an upgrade request, with the server's answer. */
export interface RawUpgrade {
  conn: Deno.TcpConn;
  /** HTTP status of the answer: 101 when the WebSocket is open. */
  status: number;
  /** Response headers, lower-cased names. */
  headers: Map<string, string>;
  /** Bytes read after the response head (the start of the body or of the first frames). */
  rest: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Opens `GET /ws?v=2` on a new TCP connection with a cookie and an Origin (and a `Host`, the
 * server's own unless given), and reads the response head only; nothing more is read unless
 * the caller does.
 */
export async function rawUpgrade(
  baseUrl: string,
  options: { cookie?: string; origin?: string; host?: string } = {},
): Promise<RawUpgrade> {
  const url = new URL(baseUrl);
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const lines = [
    `GET /ws?v=2 HTTP/1.1`,
    `Host: ${options.host ?? url.host}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${key}`,
    "Sec-WebSocket-Version: 13",
    ...(options.cookie ? [`Cookie: ${options.cookie}`] : []),
    `Origin: ${options.origin ?? url.origin}`,
  ];
  await writeAll(conn, encoder.encode(lines.join("\r\n") + "\r\n\r\n"));
  let received: Uint8Array = new Uint8Array(0);
  for (;;) {
    const end = indexOfHeadEnd(received);
    if (end >= 0) {
      const head = decoder.decode(received.subarray(0, end)).split("\r\n");
      const status = Number(head[0]!.split(" ")[1]);
      const headers = new Map<string, string>();
      for (const line of head.slice(1)) {
        const colon = line.indexOf(":");
        headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return { conn, status, headers, rest: received.subarray(end + 4) };
    }
    const chunk = new Uint8Array(4096);
    const n = await conn.read(chunk);
    if (n === null) throw new Error("connection closed before the response head");
    received = concat(received, chunk.subarray(0, n));
  }
}

/** Writes every byte of `data`. */
export async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  for (let written = 0; written < data.length;) {
    written += await conn.write(data.subarray(written));
  }
}

/** Encodes a masked client text frame (RFC 6455 §5.2). */
export function clientTextFrame(text: string): Uint8Array {
  return clientFrame(encoder.encode(text));
}

/** Encodes a masked client frame of any payload (0x1 text, 0x2 binary), valid UTF-8 or not. */
export function clientFrame(payload: Uint8Array, opcode = 0x1): Uint8Array {
  const length = payload.length;
  const extra = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const frame = new Uint8Array(2 + extra + 4 + length);
  frame[0] = 0x80 | opcode;
  const view = new DataView(frame.buffer);
  if (extra === 0) frame[1] = 0x80 | length;
  else if (extra === 2) {
    frame[1] = 0x80 | 126;
    view.setUint16(2, length);
  } else {
    frame[1] = 0x80 | 127;
    view.setBigUint64(2, BigInt(length));
  }
  const mask = crypto.getRandomValues(new Uint8Array(4));
  frame.set(mask, 2 + extra);
  const start = 6 + extra;
  for (let i = 0; i < length; i++) frame[start + i] = payload[i]! ^ mask[i % 4]!;
  return frame;
}

/** One frame sent by the server (servers never mask). */
export interface ServerWireFrame {
  opcode: number;
  payload: Uint8Array;
}

/**
 * The server side of a raw connection, read only when the test asks: frames are parsed as they
 * arrive, and reading stops at a condition or a deadline.
 */
export class RawFrameReader {
  /** Every whole frame read so far. */
  readonly frames: ServerWireFrame[] = [];
  /** Bytes of frame payloads read so far. */
  payloadBytes = 0;
  /** True once the server ended the TCP connection (or it failed). */
  ended = false;
  #conn: Deno.Conn;
  #pending: Uint8Array;
  #chunk = new Uint8Array(256 * 1024);

  /** Reads from `conn`, starting with the `rest` of the upgrade response. */
  constructor(conn: Deno.Conn, rest: Uint8Array) {
    this.#conn = conn;
    this.#pending = rest;
    this.#parse();
  }

  /** Reads until `done` holds, the connection ends or `timeoutMs` passes; returns `done()`. */
  async readUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done() && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const n = await Promise.race([
        this.#conn.read(this.#chunk).catch(() => null),
        new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), left);
        }),
      ]);
      clearTimeout(timer);
      if (n === "timeout") break;
      if (n === null) {
        this.ended = true;
        break;
      }
      this.#pending = concat(this.#pending, this.#chunk.subarray(0, n));
      this.#parse();
    }
    return done();
  }

  /** The text frames read so far, parsed as JSON. */
  json<T>(): T[] {
    return this.frames.filter((frame) => frame.opcode === 0x1).map((frame) =>
      JSON.parse(decoder.decode(frame.payload)) as T
    );
  }

  /** The close code the server sent, once its close frame was read. */
  get closeCode(): number | undefined {
    const close = this.frames.find((frame) => frame.opcode === 0x8);
    return close ? closeCode(close) : undefined;
  }

  #parse(): void {
    const parsed = parseServerFrames(this.#pending);
    for (const frame of parsed.frames) {
      // Copy: the pending buffer is replaced on the next read.
      this.frames.push({ opcode: frame.opcode, payload: frame.payload.slice() });
      this.payloadBytes += frame.payload.length;
    }
    this.#pending = this.#pending.slice(parsed.used);
  }
}

/** Splits bytes into whole unmasked frames; `used` is where the trailing partial frame starts. */
export function parseServerFrames(bytes: Uint8Array): { frames: ServerWireFrame[]; used: number } {
  const frames: ServerWireFrame[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = view.getUint16(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) break;
      length = Number(view.getBigUint64(start));
      start += 8;
    }
    if (start + length > bytes.length) break;
    frames.push({ opcode, payload: bytes.subarray(start, start + length) });
    at = start + length;
  }
  return { frames, used: at };
}

/** The close code of a close frame's payload, if it has one. */
export function closeCode(frame: ServerWireFrame): number | undefined {
  if (frame.opcode !== 0x8 || frame.payload.length < 2) return undefined;
  return (frame.payload[0]! << 8) | frame.payload[1]!;
}

function indexOfHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
