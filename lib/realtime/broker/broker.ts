/**
 * The broker interface: fan-out of events between the nodes (workers, isolates, processes)
 * that serve one chat. Implementations: `broker_memory.ts` (tests), `broker_broadcast_channel.ts`
 * (workers of one process), `broker_redis.ts` (processes and machines sharing one Redis),
 * `broker_kv.ts` (Deno KV alone: Deno Deploy's instances, or processes sharing a KV file). All
 * must pass `tests/broker_conformance.ts`; `lib/server/open_broker.ts` picks one (`BROKER`).
 *
 * A broker may drop events (BroadcastChannel does under load, Redis while a node reconnects, KV
 * when a node reads more than its retention late), so nothing relies on it alone: message events
 * carry their seqs and the hub fills any gap from the store.
 *
 * @module
 */
import type { UserEvent } from "../../common/api_types.ts";
import type { ChatMessage, RoomCall, ServerFrame } from "../../common/protocol.ts";

/** Everything nodes tell each other. */
export type BrokerEvent =
  /**
   * Messages just committed to one room, ascending by seq. `sentAt`: the publisher's clock
   * (epoch ms) at publish, for the broker lag metric; nodes on one machine share the clock.
   * `activityFor`: members whose conversation lists the commit moved the room up in (at most
   * once a second per room); each node tells their sockets that do not follow the room.
   */
  | {
    kind: "messages";
    room: string;
    messages: ChatMessage[];
    sentAt?: number;
    activityFor?: readonly string[];
  }
  /**
   * A user is typing in a room, or stopped (`stop`); best-effort. Never delivered to the
   * users in `hidden` (the typist blocked them) nor to users who blocked the typist.
   */
  | {
    kind: "typing";
    room: string;
    user: string;
    name: string;
    stop?: true;
    hidden?: string[];
  }
  /**
   * A user's read marker in a room moved to `seq`: told to all their sockets, and as a
   * receipt (with their username `name`) to the sockets of the users in `tell`.
   */
  | { kind: "read"; room: string; user: string; name: string; seq: number; tell: string[] }
  /** A user stopped being a member of a room: drop their subscriptions to it. */
  | { kind: "left"; room: string; user: string }
  /** A member's right to post in a room changed (mute, unmute): check it again. */
  | { kind: "rights_changed"; room: string; user: string }
  /** A session ended (logout): close its sockets. */
  | { kind: "session_ended"; session: string }
  /** Every session of a user ended (account disabled or deleted): close all their sockets. */
  | { kind: "account_closed"; user: string }
  /** A notice for every socket of each of `users` (friend requests, profile changes, DMs). */
  | { kind: "user_event"; users: string[]; event: UserEvent }
  /** A notice for every socket of every connected user (a Discover change). */
  | { kind: "everyone_event"; event: UserEvent }
  /**
   * A call frame for the sockets of `users`; with `socket`, only for the socket of that id
   * (the one carrying the call: media negotiation reaches no other tab).
   */
  | {
    kind: "call";
    users: string[];
    socket?: string;
    frame: Extract<ServerFrame, { type: "call" | "call_signal" }>;
  }
  /**
   * A room's group call started, changed participants or ended (`call: null`): for the sockets
   * subscribed to the room (a tab opening the room later asks `GET /api/calls/rooms/:room`).
   */
  | { kind: "room_call"; room: string; call: RoomCall | null };

/**
 * Receives broker events. `fromThisNode` is true for an event this node published: those are
 * handed over directly and never dropped, while events from other nodes may be.
 */
export type BrokerHandler = (event: BrokerEvent, fromThisNode: boolean) => void;

/** Publish/subscribe between nodes. */
export interface Broker {
  /**
   * Sends an event to the handlers of every node, this one included. Events from one
   * publisher arrive in the order published, unless dropped.
   */
  publish(event: BrokerEvent): void;
  /** Registers a handler; returns a function that removes it. */
  subscribe(handler: BrokerHandler): () => void;
  /**
   * Whether the broker can reach the other nodes now, for `GET /healthz`: false once closed,
   * and while a networked broker (Redis) is disconnected and retrying. A cheap, local answer
   * (no round trip): the health check calls it on every probe.
   */
  connected(): boolean;
  /**
   * Whether this node knows it is the only node of the chat now, so no other node writes to
   * its KV (presence skips a read on that: `PresenceTrackerOptions.alone`). Absent, or false
   * when unsure: the brokers that reach other processes cannot know.
   */
  alone?(): boolean;
  /** Stops receiving and releases resources. */
  close(): Promise<void>;
}
