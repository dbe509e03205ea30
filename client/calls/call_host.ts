/**
 * The part of calls in the first-load JS: it listens for call frames and for the header's call
 * buttons, and keeps what arrives until the call layer (a lazy chunk, with the WebRTC code) has
 * loaded and attached. `wanted` turns true on the first call frame or button press: only then is
 * the chunk fetched.
 *
 * @module
 */
import { signal } from "@preact/signals";
import type { CallFrame, ChatClient } from "../chat_client.ts";
import type { CallMedia } from "../../lib/common/protocol.ts";

/** A call the user asked to place. */
export interface CallRequest {
  room: string;
  peer: { id: string; name: string };
  media: CallMedia;
}

/** What the loaded call layer gives the host. */
export interface CallSink {
  receive(frame: CallFrame): void;
  place(request: CallRequest): void;
}

/** Buffers calls for the call layer until it is loaded. */
export class CallHost {
  /** True once the call layer should be loaded and shown. */
  readonly wanted = signal(false);
  #frames: CallFrame[] = [];
  #requests: CallRequest[] = [];
  #sink: CallSink | undefined;

  /** Listens to the call frames of `client`; returns the host and a function that stops it. */
  constructor(client: ChatClient) {
    client.onCallFrame((frame) => {
      if (this.#sink) return this.#sink.receive(frame);
      this.#frames.push(frame);
      this.wanted.value = true;
    });
  }

  /** Places a call (the header's phone or camera button). */
  place(request: CallRequest): void {
    if (this.#sink) return this.#sink.place(request);
    this.#requests.push(request);
    this.wanted.value = true;
  }

  /** The call layer attaches; what waited is handed over. Returns a function that detaches. */
  attach(sink: CallSink): () => void {
    this.#sink = sink;
    for (const frame of this.#frames.splice(0)) sink.receive(frame);
    for (const request of this.#requests.splice(0)) sink.place(request);
    return () => {
      if (this.#sink === sink) this.#sink = undefined;
    };
  }
}
