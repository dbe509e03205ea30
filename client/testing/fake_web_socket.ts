import type { ClientFrame, ServerFrame } from "../../lib/common/protocol.ts";
import type { SocketConstructor, SocketLike } from "../chat_client_options.ts";

/** An in-memory {@linkcode SocketLike} that a test drives from the server's side. */
export class FakeWebSocket implements SocketLike {
  /** The URL it was opened with. */
  readonly url: string;
  /** Raw frames the client sent, oldest first. */
  readonly sent: string[] = [];
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  /** @param url The socket URL. */
  constructor(url: string) {
    this.url = url;
  }

  /** Client side: records a frame; throws when not open, like `WebSocket`. */
  send(data: string): void {
    if (this.readyState !== 1) throw new Error("socket is not open");
    this.sent.push(data);
  }

  /** Client side: closes without an event (the client detaches its handlers first). */
  close(): void {
    this.readyState = 3;
  }

  /** Server side: completes the handshake. */
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event("open"));
  }

  /** Server side: delivers a frame to the client. */
  receive(frame: ServerFrame): void {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(frame) }));
  }

  /** Server side: delivers frames in one WebSocket frame, one per line (a `batch=1` batch). */
  receiveBatch(frames: ServerFrame[]): void {
    const data = frames.map((frame) => JSON.stringify(frame)).join("\n");
    this.onmessage?.(new MessageEvent("message", { data }));
  }

  /** Server side: drops the connection. */
  drop(): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent("close", { code: 1006 }));
  }

  /** The client frames sent so far, parsed, optionally only those of one type. */
  frames<T extends ClientFrame["type"]>(type?: T): Extract<ClientFrame, { type: T }>[] {
    const frames = this.sent.map((raw) => JSON.parse(raw) as ClientFrame);
    return frames.filter((frame): frame is Extract<ClientFrame, { type: T }> =>
      type === undefined || frame.type === type
    );
  }
}

/** A socket constructor that records every socket it creates. */
export function fakeSockets(): { Socket: SocketConstructor; sockets: FakeWebSocket[] } {
  const sockets: FakeWebSocket[] = [];
  class Socket extends FakeWebSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  }
  return { Socket, sockets };
}
