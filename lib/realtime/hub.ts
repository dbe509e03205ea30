/**
 * The hub: this node's sockets and the rooms they subscribe to. It turns broker events into
 * frames, in seq order and without gaps: each room keeps the last seq it delivered, fills any
 * gap from the store (the broker may drop events), and gives every subscriber each seq once.
 * Work on one room runs one task at a time. A resume replay runs beside that queue, paced by the
 * peer's send buffer, and hands the peer over to live delivery at the exact seq it reached, so
 * replay and live messages never interleave and a slow link never holds up the room.
 *
 * Events for a user or a session (`left`, `rights_changed`, `user_event`, `session_ended`,
 * `account_closed`) find their sockets through two indexes, user id → peers and session id → peers, kept with
 * `#peers` in `addPeer` and `removePeer` (a peer's user and session never change): each costs
 * the sockets it reaches, not a pass over every socket of the node. Within one user or session,
 * peers are reached in the order they connected, as the pass over `#peers` reached them. The
 * members a `messages` event names (`activityFor`) are found the same way: those of their peers
 * not subscribed to the room are told it has news.
 *
 * A socket on its way is held for in the user index from before its connect reads the lists'
 * marks ({@linkcode Hub.hold}): what the user is sent meanwhile waits in a
 * {@linkcode HeldEvents} and goes out after the `welcome`, so no change falls between the
 * marks and the live events.
 *
 * @module
 */
import type { BrokerEvent } from "./broker/broker.ts";
import type { MessageStore } from "../messages/message_store.ts";
import type { Metrics } from "../server/metrics.ts";
import { addTo, type OneOrSetIndex, removeFrom, valuesIn } from "./one_or_set.ts";
import { HeldEvents } from "./held_events.ts";
import {
  type ChatMessage,
  CLOSE_SESSION_ENDED,
  encodeServerFrame,
  RESUME_MAX,
} from "../common/protocol.ts";

/** One subscriber socket, as the hub sees it. Implemented by `ChatConnection`. */
export interface Peer {
  /** The user the socket belongs to. */
  readonly userId: string;
  /** The session the socket was opened with. */
  readonly sessionId: string;
  /** Id of the socket, told to its client in `welcome`; calls address their frames by it. */
  readonly socketId?: string;
  /** When that session expires (clock time); the heartbeat closes the socket then. */
  readonly sessionExpiresAt: number;
  /** Clock time of the last frame received from the peer. */
  readonly lastSeenAt: number;
  /**
   * The client asked for batches (`batch=1`): several `message` frames of one room, delivered
   * together, go out as one WebSocket frame, one JSON frame per line. Absent: one frame each.
   */
  readonly batches?: boolean;
  /** Sends a serialized frame; the transport closes a socket that stops reading. */
  send(frame: string): void;
  /**
   * Undefined while the socket's unsent bytes are low; otherwise a promise that resolves once
   * they are (or the socket closed). A replay sends its next message only then.
   */
  whenWritable(): Promise<void> | undefined;
  /** Closes the socket with a WebSocket close code and a reason. */
  close(code: number, reason: string): void;
  /** Told when the user lost membership of a room; the hub has already unsubscribed it. */
  roomRevoked(room: string): void;
  /**
   * Told when the user's right to post may have changed: in `room` (muted, unmuted), or in
   * any room when none is given (a friendship ended, which closes direct rooms).
   */
  rightsChanged(room?: string): void;
  /**
   * Sends the typing notice `frame` of user `from`, unless the user of this socket blocked
   * them (it may wait for the socket's block list to be read). Absent: `send` it.
   */
  sendTyping?(from: string, frame: string): void;
}

/** Tuning of a {@linkcode Hub}. */
export interface HubOptions {
  /**
   * After delivering an event from another node, check the store's head of the room this long
   * later, to catch trailing messages whose events the broker dropped. Default 250 ms.
   */
  reconcileDelayMs?: number;
  /**
   * Every this often, check the head of every subscribed room (in batches), so a quiet room
   * whose events were all lost (a broker outage) still catches up. Only once an event from
   * another node arrived: with one node nothing is lost. Default 5 s.
   */
  sweepIntervalMs?: number;
  /** Counts message frames sent and gaps repaired. Absent: nothing is counted. */
  metrics?: Pick<Metrics, "messagesOut" | "gapRepaired">;
}

/** Close code for a session that ended (logout); defined with the protocol. */
export { CLOSE_SESSION_ENDED };
/** Close code for a resume replay the store could not serve; the client resumes again. */
export const CLOSE_REPLAY_FAILED = 1011;
const PAGE = 500;
/**
 * A batch of message frames ends before it would pass this many characters, so a burst of long
 * messages never becomes one huge WebSocket frame.
 */
export const BATCH_MAX_CHARS = 64 * 1024;
/** Rooms whose newest seq one sweep read asks for. */
const SWEEP_SLICE = 100;
/** Messages read from the store per page of a resume replay. */
const REPLAY_PAGE = 100;

/** Connected peers by user or session id (see `one_or_set.ts` for why not a set each). */
type PeerIndex = OneOrSetIndex<Peer>;

interface RoomState {
  /**
   * Each subscriber, and whether live delivery gives it each new message: false while its
   * `subscribed` is pending or its replay runs. A live subscriber has every seq up to
   * `lastSeq`, so it needs no seq of its own.
   */
  subscribers: Map<Peer, boolean>;
  /** The replay each catching-up subscriber runs, so a newer subscribe supersedes an older. */
  replays: Map<Peer, object>;
  /** Last seq delivered on this node; -1 until read from the store. */
  lastSeq: number;
  /** Tail of the room's task queue. */
  queue: Promise<void>;
  reconcileTimer?: ReturnType<typeof setTimeout>;
}

/** Tracks this node's peers and room subscriptions and delivers messages to them. */
export class Hub {
  #store: MessageStore;
  #rooms = new Map<string, RoomState>();
  /** Every connected peer, and the rooms it subscribes to. */
  #peers = new Map<Peer, Set<string>>();
  /** The connected peers of each user. */
  #byUser: PeerIndex = new Map();
  /** The connected peers of each session. */
  #bySession: PeerIndex = new Map();
  #reconcileDelayMs: number;
  #sweepIntervalMs: number;
  #sweepTimer: ReturnType<typeof setInterval> | undefined;
  /** Replays under way, for {@linkcode Hub.idle}. */
  #replaying = new Set<Promise<void>>();
  #sweeping = false;
  /** Set by the first event from another node: only then can events be lost. */
  #heardOtherNode = false;
  #metrics: HubOptions["metrics"];
  /** Resolves {@linkcode Hub.closeAll} once the last peer is removed. */
  #emptied: (() => void) | undefined;

  /** Reads gaps and replays from `store`. */
  constructor(store: MessageStore, options: HubOptions = {}) {
    this.#store = store;
    this.#reconcileDelayMs = options.reconcileDelayMs ?? 250;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 5000;
    this.#metrics = options.metrics;
  }

  /** Starts the periodic head check of every subscribed room. */
  start(): void {
    this.#sweepTimer ??= setInterval(() => this.#sweep(), this.#sweepIntervalMs);
  }

  /** Every peer connected to this node. */
  get peers(): Iterable<Peer> {
    return this.#peers.keys();
  }

  /** Number of peers connected to this node. */
  get peerCount(): number {
    return this.#peers.size;
  }

  /** Number of rooms with at least one subscriber on this node. */
  get roomCount(): number {
    return this.#rooms.size;
  }

  /**
   * Sizes of the user and session indexes: users and sessions with a connected peer on this
   * node. For tests and metrics; both are 0 once every peer is removed.
   */
  get indexSizes(): { users: number; sessions: number } {
    return { users: this.#byUser.size, sessions: this.#bySession.size };
  }

  /**
   * Starts holding what this node sends `userId` for a socket of theirs that is not open yet:
   * call it before the connect reads the marks its `welcome` carries. Hand the hold to
   * {@linkcode Hub.addPeer} with the socket, or {@linkcode Hub.release} it when there will be
   * none (a refusal, an upgrade that failed). Costs one entry in the user index.
   */
  hold(userId: string): HeldEvents {
    const held = new HeldEvents(userId);
    addTo(this.#byUser, userId, held);
    return held;
  }

  /** Stops a {@linkcode Hub.hold} whose socket will not be added; what it held is dropped. */
  release(held: HeldEvents): void {
    removeFrom(this.#byUser, held.userId, held);
  }

  /**
   * Registers a connected peer; with `held` (its {@linkcode Hub.hold}), takes the hold's place.
   * The caller then sends the peer what was held ({@linkcode HeldEvents.replay}) before it
   * yields: nothing the hub sends can come in between.
   */
  addPeer(peer: Peer, held?: HeldEvents): void {
    if (held) this.release(held);
    if (this.#peers.has(peer)) return;
    this.#peers.set(peer, new Set());
    addTo(this.#byUser, peer.userId, peer);
    addTo(this.#bySession, peer.sessionId, peer);
  }

  /** Forgets a peer and all its subscriptions (call when its socket closes). */
  removePeer(peer: Peer): void {
    const rooms = this.#peers.get(peer);
    if (!rooms) return;
    for (const room of rooms) this.unsubscribe(peer, room);
    this.#peers.delete(peer);
    removeFrom(this.#byUser, peer.userId, peer);
    removeFrom(this.#bySession, peer.sessionId, peer);
    if (this.#peers.size === 0) this.#emptied?.();
  }

  /**
   * Closes every peer with `code` and resolves once the transport has removed them all (each
   * socket's close handshake ended), or after `timeoutMs` for clients that never answer.
   */
  closeAll(code: number, reason: string, timeoutMs: number): Promise<void> {
    if (this.#peers.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#emptied = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#emptied = done;
      for (const peer of [...this.#peers.keys()]) peer.close(code, reason);
      // Every close above may have released its peer at once.
      if (this.#peers.size === 0) done();
    });
  }

  /**
   * Subscribes a peer to a room: sends it `subscribed`, then, when `after` is given, every
   * message after that seq in order (or `reset: true` when they are more than
   * {@linkcode RESUME_MAX}), then live messages. Resolves once `subscribed` is sent; the replay
   * goes on at the pace the peer reads ({@linkcode Peer.whenWritable}). The caller has checked
   * membership.
   */
  subscribe(peer: Peer, room: string, after: number | undefined, ref?: string): Promise<void> {
    const rooms = this.#peers.get(peer);
    if (!rooms) return Promise.resolve();
    rooms.add(room);
    const state = this.#roomState(room);
    state.subscribers.set(peer, false);
    const replay = {};
    state.replays.set(peer, replay);
    return this.#enqueue(room, state, () => {
      if (state.replays.get(peer) !== replay) return Promise.resolve();
      const head = state.lastSeq;
      const reset = after !== undefined && (after > head || head - after > RESUME_MAX);
      peer.send(encodeServerFrame({ type: "subscribed", ref, room, head, reset }));
      if (after === undefined || reset || after === head) {
        state.replays.delete(peer);
        state.subscribers.set(peer, true);
        return Promise.resolve();
      }
      const running = this.#replay(peer, room, state, replay, after).catch((error) => {
        console.error(`hub: replay of room ${room} failed`, error);
        // The client resumes from what it got when it reconnects.
        peer.close(CLOSE_REPLAY_FAILED, "replay failed");
      }).finally(() => this.#replaying.delete(running));
      this.#replaying.add(running);
      return Promise.resolve();
    });
  }

  /**
   * Sends `peer` every message of `room` after `from`, one at a time as its socket drains, until
   * it has what live delivery has given everyone else; then, in the same turn, hands it to live
   * delivery at that seq.
   */
  async #replay(
    peer: Peer,
    room: string,
    state: RoomState,
    replay: object,
    from: number,
  ): Promise<void> {
    const current = () => state.replays.get(peer) === replay && this.#rooms.get(room) === state;
    while (current()) {
      if (from >= state.lastSeq) {
        state.replays.delete(peer);
        state.subscribers.set(peer, true);
        return;
      }
      const page = await this.#store.after(room, from, Math.min(REPLAY_PAGE, state.lastSeq - from));
      if (page.length === 0) throw new Error(`the store has nothing after ${from}`);
      for (const message of page) {
        const writable = peer.whenWritable();
        if (writable) await writable;
        if (!current()) return;
        peer.send(frameOf(message));
        this.#metrics?.messagesOut();
        from = message.seq;
      }
    }
  }

  /**
   * The last seq of `room` live delivery has handed to `peer`, or undefined when the peer is
   * not a live subscriber of the room (not subscribed, or its resume replay still runs).
   */
  deliveredSeq(peer: Peer, room: string): number | undefined {
    const state = this.#rooms.get(room);
    return state?.subscribers.get(peer) ? state.lastSeq : undefined;
  }

  /** Stops delivering a room to a peer. Returns true when it was subscribed. */
  unsubscribe(peer: Peer, room: string): boolean {
    const state = this.#rooms.get(room);
    if (!state || !state.subscribers.delete(peer)) return false;
    this.#peers.get(peer)?.delete(room);
    state.replays.delete(peer);
    if (state.subscribers.size === 0) {
      clearTimeout(state.reconcileTimer);
      this.#rooms.delete(room);
    }
    return true;
  }

  /**
   * Applies a broker event to this node's peers. Wire it to `broker.subscribe`; events from
   * another node (which the broker may have dropped some of) schedule a head check.
   */
  handle(event: BrokerEvent, fromThisNode = false): void {
    if (!fromThisNode) this.#heardOtherNode = true;
    switch (event.kind) {
      case "messages": {
        if (event.activityFor) this.#tellActivity(event.room, event.activityFor);
        const state = this.#rooms.get(event.room);
        if (!state) return;
        this.#enqueue(event.room, state, () => this.#deliver(event.room, state, event.messages));
        if (!fromThisNode) this.#scheduleReconcile(event.room, state);
        return;
      }
      case "typing": {
        const state = this.#rooms.get(event.room);
        if (!state) return;
        const frame = encodeServerFrame({
          type: "typing",
          room: event.room,
          user: { id: event.user, name: event.name },
          ...(event.stop ? { stop: true } : {}),
        });
        const hidden = new Set(event.hidden);
        for (const peer of state.subscribers.keys()) {
          if (peer.userId === event.user || hidden.has(peer.userId)) continue;
          if (peer.sendTyping) peer.sendTyping(event.user, frame);
          else peer.send(frame);
        }
        return;
      }
      case "read": {
        const own = encodeServerFrame({ type: "read", room: event.room, seq: event.seq });
        for (const peer of valuesIn(this.#byUser, event.user)) peer.send(own);
        if (event.tell.length === 0) return;
        const receipt = encodeServerFrame({
          type: "receipt",
          room: event.room,
          reader: { id: event.user, name: event.name, seq: event.seq },
        });
        for (const user of new Set(event.tell)) {
          for (const peer of valuesIn(this.#byUser, user)) peer.send(receipt);
        }
        return;
      }
      // A peer these calls close may leave the index while it is walked: a Set's iteration
      // skips members deleted before it reaches them, as the pass over `#peers` did.
      case "left":
        for (const peer of valuesIn(this.#byUser, event.user)) {
          this.unsubscribe(peer, event.room);
          peer.roomRevoked(event.room);
        }
        return;
      case "rights_changed":
        for (const peer of valuesIn(this.#byUser, event.user)) peer.rightsChanged(event.room);
        return;
      case "user_event": {
        const frame = encodeServerFrame({ type: "user_event", event: event.event });
        // A friendship that ended closes direct rooms: posting there must be checked again.
        const friendsChanged = event.event.kind === "friends_changed";
        // A user named twice still gets the event once per socket.
        for (const user of new Set(event.users)) {
          for (const peer of valuesIn(this.#byUser, user)) {
            if (friendsChanged) peer.rightsChanged();
            peer.send(frame);
          }
        }
        return;
      }
      case "call": {
        const frame = encodeServerFrame(event.frame);
        for (const user of new Set(event.users)) {
          for (const peer of valuesIn(this.#byUser, user)) {
            if (event.socket === undefined || peer.socketId === event.socket) peer.send(frame);
          }
        }
        return;
      }
      case "room_call": {
        const state = this.#rooms.get(event.room);
        if (!state) return;
        const frame = encodeServerFrame({ type: "room_call", room: event.room, call: event.call });
        for (const peer of state.subscribers.keys()) peer.send(frame);
        return;
      }
      case "everyone_event": {
        // One encoding for every socket of this node: the cost is one send per socket.
        const frame = encodeServerFrame({ type: "user_event", event: event.event });
        for (const peer of this.peers) peer.send(frame);
        return;
      }
      case "session_ended":
        for (const peer of valuesIn(this.#bySession, event.session)) {
          peer.close(CLOSE_SESSION_ENDED, "session ended");
        }
        return;
      case "account_closed":
        for (const peer of valuesIn(this.#byUser, event.user)) {
          peer.close(CLOSE_SESSION_ENDED, "account closed");
        }
        return;
    }
  }

  /**
   * Tells the sockets of `users` on this node that do not follow `room` that it has a new
   * message (`activity`), so their conversation list shows it first. The store names the
   * members at most once a second per room, and a user's sockets are a map lookup away: a
   * direct message costs two lookups and a set check here, and nothing when every member's
   * sockets follow the room (the usual case).
   */
  #tellActivity(room: string, users: readonly string[]): void {
    let frame: string | undefined;
    for (const user of users) {
      for (const peer of valuesIn(this.#byUser, user)) {
        if (this.#peers.get(peer)?.has(room)) continue;
        frame ??= encodeServerFrame({
          type: "user_event",
          event: { kind: "activity", roomId: room },
        });
        peer.send(frame);
      }
    }
  }

  /** Resolves when every queued room task and every replay has run. */
  async idle(): Promise<void> {
    while (true) {
      await Promise.all([...this.#rooms.values()].map((state) => state.queue));
      if (this.#replaying.size === 0) return;
      await Promise.all(this.#replaying);
    }
  }

  /** Cancels timers; call when the node shuts down. */
  close(): void {
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = undefined;
    for (const state of this.#rooms.values()) clearTimeout(state.reconcileTimer);
  }

  #roomState(room: string): RoomState {
    let state = this.#rooms.get(room);
    if (!state) {
      const created: RoomState = {
        subscribers: new Map(),
        replays: new Map(),
        lastSeq: -1,
        queue: Promise.resolve(),
      };
      this.#rooms.set(room, created);
      this.#enqueue(room, created, async () => {
        created.lastSeq = await this.#store.head(room);
      });
      state = created;
    }
    return state;
  }

  #enqueue(room: string, state: RoomState, task: () => Promise<void>): Promise<void> {
    const run = state.queue.then(task).catch((error) => {
      console.error(`hub: task for room ${room} failed`, error);
    });
    state.queue = run;
    return run;
  }

  async #deliver(room: string, state: RoomState, incoming: readonly ChatMessage[]): Promise<void> {
    let fresh = incoming.filter((message) => message.seq > state.lastSeq);
    const first = fresh[0];
    if (!first) return;
    if (first.seq > state.lastSeq + 1) {
      const gap = await this.#readRange(room, state.lastSeq, first.seq - 1);
      if (gap.length > 0) this.#metrics?.gapRepaired();
      fresh = [...gap, ...fresh];
    }
    const frames: string[] = [];
    for (const message of fresh) {
      if (message.seq <= state.lastSeq) continue;
      // A hole the store could not fill yet stops delivery; the reconcile check retries it.
      if (message.seq !== state.lastSeq + 1) break;
      frames.push(frameOf(message));
      state.lastSeq = message.seq;
    }
    if (frames.length === 0) return;
    // Each WebSocket frame costs the kernel about as much as the next whatever its length
    // (BENCHMARKS.md, "Fan-out, round three"): a peer that takes batches gets the messages of
    // this commit in as few frames as their length allows (joined once, when one is live).
    let batches = frames.length === 1 ? frames : undefined;
    let sent = 0;
    for (const [peer, live] of state.subscribers) {
      if (!live) continue;
      for (const frame of peer.batches ? batches ??= batchesOf(frames) : frames) peer.send(frame);
      sent += frames.length;
    }
    this.#metrics?.messagesOut(sent);
  }

  async #readRange(room: string, afterSeq: number, toSeq: number): Promise<ChatMessage[]> {
    const messages: ChatMessage[] = [];
    for (let from = afterSeq; from < toSeq;) {
      const page = await this.#store.after(room, from, Math.min(PAGE, toSeq - from));
      if (page.length === 0) break;
      messages.push(...page);
      from = page[page.length - 1]!.seq;
    }
    return messages;
  }

  /**
   * Reads the newest seq of every subscribed room, a slice of rooms at a time so commits are
   * not held up behind the reads, and catches up the rooms that are behind. One sweep at a
   * time, and only once another node has been heard from: events of this node alone are
   * never dropped.
   */
  async #sweep(): Promise<void> {
    if (this.#sweeping || !this.#heardOtherNode) return;
    this.#sweeping = true;
    try {
      const rooms = [...this.#rooms.keys()];
      for (let start = 0; start < rooms.length; start += SWEEP_SLICE) {
        const slice = rooms.slice(start, start + SWEEP_SLICE);
        const heads = await this.#store.heads(slice);
        slice.forEach((room, i) => {
          const state = this.#rooms.get(room);
          const head = heads[i] ?? 0;
          if (state && state.lastSeq >= 0 && head > state.lastSeq) {
            this.#enqueue(room, state, () => this.#catchUp(room, state));
          }
        });
      }
    } catch (error) {
      console.error("hub: sweep failed", error);
    } finally {
      this.#sweeping = false;
    }
  }

  /** Delivers whatever the store holds past what this node delivered in the room. */
  async #catchUp(room: string, state: RoomState): Promise<void> {
    const head = await this.#store.head(room);
    if (head > state.lastSeq) {
      this.#metrics?.gapRepaired();
      await this.#deliver(room, state, await this.#readRange(room, state.lastSeq, head));
    }
  }

  #scheduleReconcile(room: string, state: RoomState): void {
    if (state.reconcileTimer !== undefined) return;
    state.reconcileTimer = setTimeout(() => {
      state.reconcileTimer = undefined;
      if (this.#rooms.get(room) !== state) return;
      this.#enqueue(room, state, () => this.#catchUp(room, state));
    }, this.#reconcileDelayMs);
  }
}

function frameOf(message: ChatMessage): string {
  return encodeServerFrame({ type: "message", ...message });
}

/**
 * Joins consecutive frames with newlines (JSON text never holds a raw newline), starting a new
 * batch before one would pass {@linkcode BATCH_MAX_CHARS}: what a peer that takes batches
 * ({@linkcode Peer.batches}) is sent instead of `frames`.
 */
export function batchesOf(frames: readonly string[]): string[] {
  const batches: string[] = [];
  let batch = "";
  for (const frame of frames) {
    if (batch !== "" && batch.length + 1 + frame.length > BATCH_MAX_CHARS) {
      batches.push(batch);
      batch = "";
    }
    batch = batch === "" ? frame : `${batch}\n${frame}`;
  }
  batches.push(batch);
  return batches;
}
