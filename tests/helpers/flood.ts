/**
 * Flood helpers for the memory tests: a member that stops reading, a member that reads and
 * keeps only what the checks need, and a sender of numbered large messages.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ServerFrame } from "../../lib/common/protocol.ts";
import { clientTextFrame, RawFrameReader, rawUpgrade, writeAll } from "./raw_websocket.ts";
import type { TestSocket, TestUser } from "./chat_client.ts";

/** Four-byte code points: with the index in front, near the largest text, 16 KB on the wire. */
export const BIG_TEXT = "😀".repeat(3990);
/** A member that never reads again once subscribed. */
export async function stalledMember(server: { url: string }, user: TestUser, room: string) {
  const raw = await rawUpgrade(server.url, { cookie: user.cookie });
  assert.equal(raw.status, 101);
  const reader = new RawFrameReader(raw.conn, raw.rest);
  await writeAll(raw.conn, clientTextFrame(JSON.stringify({ type: "subscribe", room })));
  const subscribed = () => reader.json<ServerFrame>().some((f) => f.type === "subscribed");
  assert.ok(await reader.readUntil(subscribed, 5_000), "no subscribed frame");
  return { conn: raw.conn, reader };
}

/**
 * A member that reads every frame as it comes and keeps only what the checks need, so that the
 * test process's memory is the server's, not a copy of the flood.
 */
export class ReadingMember {
  readonly seqs: number[] = [];
  /** The room's head when the subscription started. */
  head = 0;
  /** The index each message's text starts with, by seq. */
  readonly indexes = new Map<number, number>();
  /** Messages whose text was not the index followed by the flood text. */
  badTexts = 0;
  closeCode: number | undefined;
  readonly ready: Promise<void>;
  readonly closed: Promise<void>;
  #socket: WebSocket;

  constructor(
    server: { url: string },
    user: TestUser,
    room: string,
    after?: number,
    body = BIG_TEXT,
  ) {
    this.#socket = new WebSocket(`${server.url.replace("http", "ws")}/ws?v=2`, {
      headers: { cookie: user.cookie, origin: server.url },
    } as never);
    let ready!: () => void;
    this.ready = new Promise((resolve) => ready = resolve);
    this.closed = new Promise((resolve) =>
      this.#socket.addEventListener("close", (event) => {
        this.closeCode = event.code;
        resolve();
      })
    );
    this.#socket.addEventListener("message", (event) => {
      const frame = JSON.parse(event.data) as ServerFrame;
      if (frame.type === "welcome") {
        this.#socket.send(JSON.stringify({ type: "subscribe", room, after }));
      } else if (frame.type === "subscribed") {
        this.head = frame.head;
        ready();
      } else if (frame.type === "message") {
        this.seqs.push(frame.seq);
        const space = frame.text.indexOf(" ");
        this.indexes.set(frame.seq, Number(frame.text.slice(0, space)));
        if (frame.text.slice(space + 1) !== body) this.badTexts++;
      }
    });
  }

  /** Waits until `count` messages arrived or the socket closed; true when they all arrived. */
  async waitFor(count: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.seqs.length < count && this.closeCode === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.seqs.length >= count;
  }

  close(): Promise<void> {
    this.#socket.close();
    return this.closed;
  }
}

/**
 * Sends `count` numbered messages from `sender` (not subscribed, so it only gets acks), `chunk`
 * at a time, each chunk after the previous one was acked. Calls `sample` after every chunk.
 */
export async function flood(
  sender: TestSocket,
  room: string,
  count: number,
  text: string,
  chunk: number,
  sample: () => void = () => {},
): Promise<void> {
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    for (let i = start; i < end; i++) {
      sender.send({ type: "send", room, clientId: `flood-${100000 + i}`, text: `${i} ${text}` });
    }
    await sender.next("ack", (f) => f.clientId === `flood-${100000 + end - 1}`, 30_000);
    // Acks are kept in `frames`; drop them so the sender does not hold the flood either.
    sender.frames.length = 0;
    sample();
  }
}

/** The integers from `from` to `to`, both included. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
