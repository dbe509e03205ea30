/**
 * A small reconnecting chat client for chaos tests, modelled on the browser client: an outbox
 * resent with the same `clientId` after every reconnect until acked, each room resumed after
 * the last contiguous seq it holds, history reloaded on `reset: true`. It records everything it
 * sees, and any frame that breaks the protocol's promises, for the test to check.
 *
 * @module
 */
import {
  type ChatMessage,
  type ClientFrame,
  CLOSE_SERVICE_RESTART,
  type E2ePayload,
  type ServerFrame,
} from "../../lib/common/protocol.ts";
import type { TestUser } from "../helpers/chat_client.ts";

/** A message this client created. */
export interface SentMessage {
  clientId: string;
  room: string;
  /** The text; in an encrypted room, the plaintext that `e2e` carries (never sent as is). */
  text: string;
  /** Encrypted rooms: the MLS ciphertext sent (the same bytes on every resend). */
  e2e?: E2ePayload;
}

type Frame<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

/** Options of a {@linkcode ChaosClient}. */
export interface ChaosClientOptions {
  /** `http://host:port` of the server; the port stays the same across restarts. */
  url: string;
  user: TestUser;
  rooms: string[];
  /** Randomness for backoff; seeded by the test for reproducible runs. */
  random: () => number;
}

/** A client that keeps reconnecting and resending until {@linkcode ChaosClient.stop}. */
export class ChaosClient {
  readonly user: TestUser;
  /** Every message created, in creation order. */
  readonly sent: SentMessage[] = [];
  /** Messages not acked yet, in creation order. */
  readonly outbox = new Map<string, SentMessage>();
  /** The first ack of each clientId. */
  readonly acks = new Map<string, Frame<"ack">>();
  /** Per room, every message seen (live, replayed or reloaded), by seq. */
  readonly views = new Map<string, Map<number, ChatMessage>>();
  /** Broken promises, in words. */
  readonly violations: string[] = [];
  /** Sockets opened that got a welcome. */
  connections = 0;
  /** Sends of a clientId after its first one. */
  resends = 0;
  /** `reset: true` answers to a resume. */
  resets = 0;
  /** The close code of every socket that closed, in order. */
  readonly closeCodes: number[] = [];

  #options: ChaosClientOptions;
  #socket: WebSocket | null = null;
  #online = false;
  #stopped = false;
  #attempt = 0;
  #counter = 0;
  #refs = 0;
  /** clientIds sent at least once. */
  #everSent = new Set<string>();
  /** clientIds sent on the current socket. */
  #inFlight = new Set<string>();
  /** Rooms whose history is being reloaded after a reset, with the pending page's ref. */
  #reloading = new Map<string, string>();
  #timers = new Set<ReturnType<typeof setTimeout>>();

  /** A client of `options.user` following `options.rooms`; call `start()` to connect. */
  constructor(options: ChaosClientOptions) {
    this.#options = options;
    this.user = options.user;
    for (const room of options.rooms) this.views.set(room, new Map());
  }

  /** Connects, and reconnects after every close until stopped. */
  start(): void {
    this.#open();
  }

  /**
   * Queues a new message and sends it now when online. For an encrypted room, `e2e` is `text`
   * as the sender's MLS group encrypted it: that payload is what is sent, and resent.
   */
  send(room: string, text: string, e2e?: E2ePayload): SentMessage {
    const clientId = `${this.user.id.slice(0, 12)}-${++this.#counter}`;
    const message: SentMessage = e2e ? { clientId, room, text, e2e } : { clientId, room, text };
    this.sent.push(message);
    this.outbox.set(clientId, message);
    if (this.#online) this.#sendMessage(message);
    return message;
  }

  /** The last seq of the unbroken run 1, 2, … held for a room. */
  contiguous(room: string): number {
    const view = this.views.get(room)!;
    let seq = 0;
    while (view.has(seq + 1)) seq++;
    return seq;
  }

  /** True while a socket is open and welcomed. */
  get online(): boolean {
    return this.#online;
  }

  /** Closes the socket for good. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const socket = this.#socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((resolve) => socket.addEventListener("close", resolve));
      socket.close();
      await closed;
    }
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  #open(): void {
    if (this.#stopped) return;
    const { url, user } = this.#options;
    // Batched message frames, as the browser client asks for them (docs/PROTOCOL.md).
    const socket = new WebSocket(`${url.replace("http", "ws")}/ws?v=2&batch=1`, {
      headers: { cookie: user.cookie, origin: url },
    } as never);
    this.#socket = socket;
    socket.onmessage = (event) => {
      if (this.#socket !== socket) return;
      for (const line of String(event.data).split("\n")) this.#receive(JSON.parse(line));
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.closeCodes.push(event.code);
      this.#socket = null;
      this.#online = false;
      this.#inFlight.clear();
      this.#reloading.clear();
      // Short jittered backoff: the server is down for well under a second at a time. As the
      // browser client does, a server restarting (1012) is retried at once.
      const delay = event.code === CLOSE_SERVICE_RESTART
        ? 0
        : Math.min(500, 20 * 2 ** this.#attempt++) * (0.5 + this.#options.random());
      this.#later(delay, () => this.#open());
    };
  }

  #frame(frame: ClientFrame): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(frame));
  }

  #sendMessage(message: SentMessage): void {
    if (this.#inFlight.has(message.clientId)) return;
    if (this.#everSent.has(message.clientId)) this.resends++;
    this.#everSent.add(message.clientId);
    this.#inFlight.add(message.clientId);
    this.#frame({
      type: "send",
      room: message.room,
      clientId: message.clientId,
      ...(message.e2e ? { text: "", e2e: message.e2e } : { text: message.text }),
    });
  }

  #receive(frame: ServerFrame): void {
    switch (frame.type) {
      case "welcome":
        this.#attempt = 0;
        this.#online = true;
        this.connections++;
        for (const room of this.#options.rooms) {
          this.#frame({
            type: "subscribe",
            room,
            after: this.contiguous(room),
            ref: `s${++this.#refs}`,
          });
        }
        for (const message of this.outbox.values()) this.#sendMessage(message);
        return;
      case "ping":
        return this.#frame({ type: "pong" });
      case "subscribed":
        if (frame.reset) {
          this.resets++;
          this.views.set(frame.room, new Map());
          this.#requestPage(frame.room, undefined);
        }
        return;
      case "message":
        return this.#onMessage(frame);
      case "history":
        return this.#onHistory(frame);
      case "ack":
        return this.#onAck(frame);
      case "error":
        return this.#onError(frame);
    }
  }

  #onMessage({ type: _, ...message }: Frame<"message">): void {
    const view = this.views.get(message.room);
    if (!view) return void this.violations.push(`message of unknown room ${message.room}`);
    const held = view.get(message.seq);
    if (held) {
      this.violations.push(`seq ${message.seq} of ${message.room} delivered twice`);
      if (JSON.stringify(held) !== JSON.stringify(message)) {
        this.violations.push(`seq ${message.seq} of ${message.room} changed`);
      }
      return;
    }
    if (!this.#reloading.has(message.room) && message.seq !== this.contiguous(message.room) + 1) {
      this.violations.push(
        `seq ${message.seq} of ${message.room} after ${this.contiguous(message.room)}: a gap`,
      );
    }
    view.set(message.seq, message);
  }

  #requestPage(room: string, before: number | undefined): void {
    const ref = `h${++this.#refs}`;
    this.#reloading.set(room, ref);
    this.#frame({ type: "history", room, before, limit: 100, ref });
  }

  #onHistory(frame: Frame<"history">): void {
    if (this.#reloading.get(frame.room) !== frame.ref) return;
    const view = this.views.get(frame.room)!;
    for (const message of frame.messages) {
      const held = view.get(message.seq);
      if (held && JSON.stringify(held) !== JSON.stringify(message)) {
        this.violations.push(`history seq ${message.seq} of ${frame.room} differs from live`);
      }
      view.set(message.seq, message);
    }
    const first = frame.messages[0];
    if (frame.hasMore && first) return this.#requestPage(frame.room, first.seq);
    this.#reloading.delete(frame.room);
  }

  #onAck(frame: Frame<"ack">): void {
    const first = this.acks.get(frame.clientId);
    if (first && JSON.stringify(first) !== JSON.stringify(frame)) {
      this.violations.push(`clientId ${frame.clientId} acked twice differently`);
    }
    if (!this.#everSent.has(frame.clientId)) {
      this.violations.push(`ack of clientId ${frame.clientId} never sent`);
    }
    this.acks.set(frame.clientId, first ?? frame);
    this.outbox.delete(frame.clientId);
    this.#inFlight.delete(frame.clientId);
  }

  #onError(frame: Frame<"error">): void {
    const message = frame.clientId ? this.outbox.get(frame.clientId) : undefined;
    if (message && (frame.code === "rate_limited" || frame.code === "internal")) {
      const socket = this.#socket;
      this.#later(frame.retryAfterMs ?? 100, () => {
        if (this.#socket !== socket) return;
        this.#inFlight.delete(message.clientId);
        if (this.outbox.has(message.clientId)) this.#sendMessage(message);
      });
      return;
    }
    this.violations.push(`error ${frame.code}: ${frame.message} (${frame.clientId ?? frame.ref})`);
  }
}
