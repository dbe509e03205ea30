/**
 * The part of calls in the first-load JS: it listens for call frames and for the header's call
 * buttons, and keeps what arrives until the call layer (a lazy chunk, with the WebRTC code) has
 * loaded and attached. `wanted` turns true on the first call frame or button press: only then is
 * the chunk fetched. It also keeps the group call of each room the tab shows (`roomCalls`), for
 * the header's "Call in progress, 3 people": from `room_call` frames, and from
 * `GET /api/calls/rooms/:room` when a room is opened (a call that started before the tab
 * subscribed).
 *
 * @module
 */
import { signal } from "@preact/signals";
import type { CallFrame, ChatClient } from "../chat_client.ts";
import type { CallMedia, RoomCall } from "../../lib/common/protocol.ts";
import { request } from "../rooms_api.ts";

/**
 * A call the user asked to place (`peer`: a one-to-one call in a direct room), start (no
 * `peer` nor `join`: a group room's call) or join (`join`: the id of the room's call).
 */
export interface CallRequest {
  room: string;
  peer?: { id: string; name: string };
  media: CallMedia;
  join?: string;
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
  /** Room id → its group call under way, for the rooms this tab has shown. */
  readonly roomCalls = signal<ReadonlyMap<string, RoomCall>>(new Map());
  #frames: CallFrame[] = [];
  #requests: CallRequest[] = [];
  #sink: CallSink | undefined;
  /** Room id → how many `room_call` frames arrived for it: a fetch older than one is stale. */
  #roomFrames = new Map<string, number>();

  /** Listens to the call frames of `client`; returns the host and a function that stops it. */
  constructor(client: ChatClient) {
    client.onCallFrame((frame) => {
      if (frame.type === "room_call") {
        this.#roomFrames.set(frame.room, (this.#roomFrames.get(frame.room) ?? 0) + 1);
        return this.#setRoomCall(frame.room, frame.call);
      }
      if (this.#sink) return this.#sink.receive(frame);
      this.#frames.push(frame);
      this.wanted.value = true;
    });
  }

  /** Places, starts or joins a call (the header's call buttons). */
  place(request: CallRequest): void {
    if (this.#sink) return this.#sink.place(request);
    this.#requests.push(request);
    this.wanted.value = true;
  }

  /** Reads the group call of `room` (when the tab opens it). */
  async refreshRoom(room: string): Promise<void> {
    const seen = this.#roomFrames.get(room) ?? 0;
    try {
      const path = `/api/calls/rooms/${encodeURIComponent(room)}`;
      const { call } = await request<{ call: RoomCall | null }>("GET", path);
      if ((this.#roomFrames.get(room) ?? 0) === seen) this.#setRoomCall(room, call);
    } catch {
      // Offline or refused: the next `room_call` frame, or the next opening of the room, tells.
    }
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

  #setRoomCall(room: string, call: RoomCall | null): void {
    const next = new Map(this.roomCalls.peek());
    if (call) next.set(room, call);
    else next.delete(room);
    this.roomCalls.value = next;
  }
}
