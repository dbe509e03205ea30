/**
 * A minimal WebSocket client (RFC 6455) on Node's `net`, for the load generator only: it
 * reads through `onread` into one shared buffer and parses frames in place, which costs far
 * less CPU per delivered message than a general-purpose client, so one generator core can
 * keep up with a server core. Text frames only; no extensions, no fragmentation on send.
 * Sent frames are masked with an all-zero key (valid per the RFC's framing; servers do not
 * check the key's randomness, and it spares the generator the XOR).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import { connect } from "node:net";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** Every socket reads into this; data is consumed before the next read. */
const SHARED = Buffer.allocUnsafe(256 * 1024);
const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * @typedef {object} RawHandlers
 * @property {() => void} onOpen The handshake succeeded.
 * @property {(bytes: Buffer, start: number, end: number) => void} onMessage A text message
 *   arrived in `bytes[start, end)`; the bytes are only valid during the call.
 * @property {(reason: string) => void} onClose The connection ended (or never opened).
 */

/** One client connection. */
export class RawWebSocket {
  /** @type {import("node:net").Socket} */
  #socket;
  /** @type {RawHandlers} */
  #handlers;
  #open = false;
  #ended = false;
  #accept = "";
  /** @type {Buffer | undefined} Unparsed bytes kept from the previous read. */
  #pending;
  /** @type {Buffer[]} Payload of a fragmented message so far. */
  #fragments = [];

  /**
   * Connects to `url` (`ws://host:port/path`) with extra request headers, from
   * `localAddress` when given.
   *
   * @param {string} url
   * @param {Record<string, string>} headers
   * @param {RawHandlers} handlers
   * @param {string} [localAddress]
   */
  constructor(url, headers, handlers, localAddress) {
    const target = new URL(url);
    this.#handlers = handlers;
    const key = randomBytes(16).toString("base64");
    this.#accept = createHash("sha1").update(key + GUID).digest("base64");
    const request = [
      `GET ${target.pathname}${target.search} HTTP/1.1`,
      `Host: ${target.host}`,
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Key: ${key}`,
      "Sec-WebSocket-Version: 13",
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      "",
      "",
    ].join("\r\n");
    this.#socket = connect({
      host: target.hostname,
      port: Number(target.port),
      localAddress,
      noDelay: true,
      onread: { buffer: SHARED, callback: (length, buffer) => this.#read(buffer, length) },
    });
    this.#socket.on("connect", () => this.#socket.write(request));
    this.#socket.on("error", (error) => this.#end(`error ${error.message}`));
    this.#socket.on("close", () => this.#end("closed"));
  }

  /** Sends a text message. */
  send(text) {
    if (this.#ended) return;
    const length = Buffer.byteLength(text);
    const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(header + 4 + length);
    frame[0] = 0x81;
    if (header === 2) frame[1] = 0x80 | length;
    else if (header === 4) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(length, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeBigUInt64BE(BigInt(length), 2);
    }
    frame.writeUInt32BE(0, header);
    frame.write(text, header + 4, "utf8");
    this.#socket.write(frame);
  }

  /** Sends a close frame and ends the connection; `onClose` is not called. */
  close() {
    if (this.#ended) return;
    this.#ended = true;
    this.#control(0x8, Buffer.from([0x03, 0xe8]));
    this.#socket.end();
  }

  #end(reason) {
    if (this.#ended) return;
    this.#ended = true;
    this.#socket.destroy();
    this.#handlers.onClose(reason);
  }

  #control(opcode, payload) {
    const frame = Buffer.alloc(6 + payload.length);
    frame[0] = 0x80 | opcode;
    frame[1] = 0x80 | payload.length;
    payload.copy(frame, 6);
    this.#socket.write(frame);
  }

  /** @param {Buffer} buffer @param {number} length */
  #read(buffer, length) {
    let data = buffer;
    let end = length;
    if (this.#pending) {
      data = Buffer.concat([this.#pending, buffer.subarray(0, length)]);
      end = data.length;
      this.#pending = undefined;
    }
    let offset = 0;
    if (!this.#open) {
      const headerEnd = data.subarray(0, end).indexOf(HEADER_END);
      if (headerEnd < 0) {
        this.#pending = Buffer.from(data.subarray(0, end));
        return;
      }
      const head = data.toString("latin1", 0, headerEnd);
      if (!head.startsWith("HTTP/1.1 101") || !head.includes(this.#accept)) {
        return this.#end(`handshake refused: ${head.split("\r\n")[0]}`);
      }
      this.#open = true;
      offset = headerEnd + 4;
      this.#handlers.onOpen();
    }
    offset = this.#frames(data, offset, end);
    if (offset < end && !this.#ended) this.#pending = Buffer.from(data.subarray(offset, end));
  }

  /** Parses whole frames from `data[offset, end)`; returns where the unparsed bytes start. */
  #frames(data, offset, end) {
    while (end - offset >= 2 && !this.#ended) {
      const first = data[offset];
      const second = data[offset + 1];
      let length = second & 0x7f;
      let at = offset + 2;
      if (length === 126) {
        if (end - at < 2) break;
        length = data.readUInt16BE(at);
        at += 2;
      } else if (length === 127) {
        if (end - at < 8) break;
        length = Number(data.readBigUInt64BE(at));
        at += 8;
      }
      const masked = (second & 0x80) !== 0;
      if (end - at < length + (masked ? 4 : 0)) break;
      if (masked) {
        for (let i = 0; i < length; i++) data[at + 4 + i] ^= data[at + (i & 3)];
        at += 4;
      }
      this.#frame(first, data, at, at + length);
      offset = at + length;
    }
    return offset;
  }

  #frame(first, data, start, stop) {
    const opcode = first & 0x0f;
    const fin = (first & 0x80) !== 0;
    if (opcode === 0x1 || opcode === 0x0) {
      if (fin && this.#fragments.length === 0) return this.#handlers.onMessage(data, start, stop);
      this.#fragments.push(Buffer.from(data.subarray(start, stop)));
      if (fin) {
        const whole = Buffer.concat(this.#fragments.splice(0));
        this.#handlers.onMessage(whole, 0, whole.length);
      }
    } else if (opcode === 0x8) {
      const code = stop - start >= 2 ? data.readUInt16BE(start) : 1005;
      const reason = data.toString("utf8", Math.min(start + 2, stop), stop);
      this.#control(0x8, Buffer.from(data.subarray(start, Math.min(start + 2, stop))));
      this.#end(`closed ${code} ${reason}`);
    } else if (opcode === 0x9) {
      this.#control(0xa, Buffer.from(data.subarray(start, stop)));
    }
  }
}
