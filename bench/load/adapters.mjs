/**
 * One client adapter per server kind. Our server and the bare peers are driven through the
 * same lean WebSocket client (`raw_websocket.mjs`); Socket.IO needs its own client,
 * socket.io-client with the websocket transport only. An adapter connects, joins one room,
 * sends a text and reports every delivery through `onDelivery`, its payload decoded into
 * `decoded` of `payload.mjs` (straight from the received bytes for the WebSocket kinds).
 *
 * Kinds: `chat` (our server, protocol v1), `ws` and `deno` (the peers' protocol in
 * `../peers/PROTOCOL.md`), `socketio`.
 *
 * @module
 */
import { createRequire } from "node:module";
import { Buffer } from "node:buffer";
import { decodeBytes, decodeString } from "./payload.mjs";
import { RawWebSocket } from "./raw_websocket.mjs";

// The Node packages are installed in ../peers/node_modules (see ../peers/package.json); loaded
// only for Socket.IO, so a run of our server alone (`--only user-events`) needs none of them.
const require = createRequire(new URL("../peers/package.json", import.meta.url));

/**
 * @typedef {object} ClientOptions
 * @property {string} url Server base URL, `http://127.0.0.1:PORT`.
 * @property {string} [cookie] Session cookie (`sid=...`), for `chat` only.
 * @property {string} [localAddress] Source address to connect from (a 127.x.y.z address).
 * @property {() => void} onDelivery Called for every delivery, its payload decoded into
 *   `decoded` of `payload.mjs`.
 * @property {(reason: string) => void} onLost Called once when the connection ends unasked.
 * @property {(message: string) => void} onError Called for every error the server reports.
 * @property {(event: any) => void} [onUserEvent] Called with the event of every `user_event`
 *   frame, for `chat` only.
 */

/**
 * @typedef {object} BenchClient
 * @property {(room: string, after?: number) => Promise<void>} join Joins a room; resolves once
 *   in effect. `after` (ours only): resume after that seq, the missed messages delivered next.
 * @property {(room: string, text: string, clientId: string) => void} send Sends one message.
 * @property {() => void} close Closes the connection (not reported as lost).
 */

const CONNECT_TIMEOUT_MS = 30_000;
const CHAT_MESSAGE = Buffer.from('{"type":"message"');
const CHAT_ACK = Buffer.from('{"type":"ack"');
const PEER_MESSAGE = Buffer.from('{"t":"msg"');
const TEXT_KEY = Buffer.from('"text":"');
const NEWLINE = 0x0a;

/**
 * Opens a client of `kind`; resolves once the server has accepted it (our `welcome`, the
 * Socket.IO `connect`, the WebSocket `open` for the bare peers).
 *
 * @param {string} kind
 * @param {ClientOptions} options
 * @returns {Promise<BenchClient>}
 */
export function connect(kind, options) {
  if (kind === "socketio") return connectSocketIo(options);
  return connectWebSocket(kind === "chat", options);
}

/** @param {boolean} chat @param {ClientOptions} options @returns {Promise<BenchClient>} */
function connectWebSocket(chat, options) {
  // Batched message frames (docs/PROTOCOL.md); a server that does not batch ignores the flag.
  const target = options.url.replace(/^http/, "ws") + (chat ? "/ws?v=2&batch=1" : "/");
  const headers = chat ? { Cookie: options.cookie ?? "", Origin: options.url } : {};
  /** @type {Map<string, () => void>} */
  const joining = new Map();
  let ready = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error("connect timeout"));
    }, CONNECT_TIMEOUT_MS);
    const client = {
      join(room, after) {
        return withTimeout(
          new Promise((joined) => {
            joining.set(room, joined);
            socket.send(
              JSON.stringify(chat ? { type: "subscribe", room, after } : { t: "join", room }),
            );
          }),
          `join ${room}`,
        );
      },
      send(room, text, clientId) {
        socket.send(
          JSON.stringify(chat ? { type: "send", room, clientId, text } : { t: "send", room, text }),
        );
      },
      close: () => socket.close(),
    };
    const opened = () => {
      ready = true;
      clearTimeout(timer);
      resolve(client);
    };
    /** One frame of ours (a line of a batch): deliveries counted from the bytes. */
    const chatFrame = (bytes, start, end) => {
      if (startsWith(bytes, start, CHAT_MESSAGE)) {
        const text = bytes.indexOf(TEXT_KEY, start);
        if (text >= 0 && text < end) {
          decodeBytes(bytes, text + TEXT_KEY.length);
          options.onDelivery();
        }
        return;
      }
      if (startsWith(bytes, start, CHAT_ACK)) return;
      const frame = JSON.parse(bytes.toString("utf8", start, end));
      switch (frame.type) {
        case "welcome":
          return opened();
        case "subscribed":
          return joining.get(frame.room)?.();
        case "ping":
          return socket.send('{"type":"pong"}');
        case "error":
          return options.onError(`${frame.code}: ${frame.message}`);
        case "user_event":
          return options.onUserEvent?.(frame.event);
      }
    };
    const socket = new RawWebSocket(target, headers, {
      onOpen() {
        if (!chat) opened();
      },
      onMessage(bytes, start, end) {
        if (chat) {
          // One frame per line (docs/PROTOCOL.md, batches): message frames, and what else was
          // sent in their turn, such as the sender's ack.
          for (let line = start; line < end;) {
            const newline = bytes.indexOf(NEWLINE, line);
            const lineEnd = newline < 0 || newline > end ? end : newline;
            chatFrame(bytes, line, lineEnd);
            line = lineEnd + 1;
          }
          return;
        }
        if (startsWith(bytes, start, PEER_MESSAGE)) {
          const text = bytes.indexOf(TEXT_KEY, start);
          if (text >= 0 && text < end) {
            decodeBytes(bytes, text + TEXT_KEY.length);
            return options.onDelivery();
          }
        }
        const frame = JSON.parse(bytes.toString("utf8", start, end));
        if (frame.t === "joined") joining.get(frame.room)?.();
      },
      onClose(reason) {
        clearTimeout(timer);
        if (ready) options.onLost(reason);
        else reject(new Error(reason));
      },
    }, options.localAddress);
  });
}

/** @param {ClientOptions} options @returns {Promise<BenchClient>} */
function connectSocketIo(options) {
  const { io } = require("socket.io-client");
  const socket = io(options.url, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    timeout: CONNECT_TIMEOUT_MS,
    localAddress: options.localAddress,
  });
  let closing = false;
  return new Promise((resolve, reject) => {
    socket.once("connect", () => {
      resolve({
        join: (room) =>
          withTimeout(
            new Promise((joined) => socket.emit("join", room, () => joined())),
            `join ${room}`,
          ),
        send: (room, text) => socket.emit("send", { room, text }),
        close() {
          closing = true;
          socket.disconnect();
        },
      });
    });
    socket.once("connect_error", (error) => reject(error));
    socket.on("msg", (frame) => {
      decodeString(frame.text);
      options.onDelivery();
    });
    socket.on("disconnect", (reason) => {
      if (!closing) options.onLost(`disconnect ${reason}`);
    });
  });
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {string} what
 * @returns {Promise<T>}
 */
function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timeout`)), CONNECT_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** True when `bytes` holds `prefix` at `start`. */
function startsWith(bytes, start, prefix) {
  for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix[i]) return false;
  return true;
}
