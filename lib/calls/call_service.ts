/**
 * Call signalling: one-to-one voice and video calls in direct rooms, and group calls in group
 * rooms. A call's state lives in Deno KV (`["call", id]`, `["user_call", user]` which makes its
 * parties busy, and `["room_call", room]` for a room's one group call), changed only through
 * `transact`, so every node of the chat sees one truth and two nodes racing to accept, decline,
 * join or hang up the same call end it once. Its frames reach the parties' sockets through the
 * broker, whichever node holds them.
 *
 * Deadlines are data: a ringing record holds when its ring ends (`ringUntil`), and a party
 * whose socket closed, when their reconnect grace ends (`away`). The node that set a deadline
 * also sets a timer for it (exact to the millisecond); every node sweeps the call records on
 * start and every {@linkcode CallDeps.sweepMs} and ends what is overdue, so a node that dies
 * does not take its deadlines with it. A timer and sweeps on several nodes may all act on one
 * deadline: each change is a `transact` checked against the record's versionstamp, so one of
 * them ends the call and writes its summary, and the others find it gone. A sweep lists every
 * call record: a few hundred bytes per call under way, read every few seconds by each node.
 *
 * A group call never rings: a member starts it (`call_invite` in a group room), the sockets
 * subscribed to the room hear `room_call` (the header's "Call in progress, 3 people"), members join
 * (`call_join`) up to `maxParticipants` and leave (`call_hangup`); the last one out ends it and
 * writes "Group call, 12:00". A member who leaves the room, is kicked or banned (the broker's
 * `left` event, acted on by the node that published it) is dropped from its call.
 *
 * A socket that carried a call and closed has {@linkcode CallDeps.reconnectGraceMs} to come back
 * (`call_join` from the new socket); otherwise its user is hung up, so a peer whose network
 * died does not hold the call (or the other party's busy mark) for the record's whole TTL. A
 * socket lost with its node (killed) never reports its close: such a call ends when its party
 * hangs up or rejoins from another node, or when its record expires.
 *
 * Media never passes here: SDP and ICE candidates are relayed, checked for size and party, to
 * the one socket that carries the call for the addressee. Only the summary ("Call, 4:05",
 * "Missed call", "Declined") is written to the room's log.
 *
 * @module
 */
import type { Broker, BrokerEvent } from "../realtime/broker/broker.ts";
import type { Clock, Timers } from "../common/clock.ts";
import type { ClientFrame } from "../common/client_frames.ts";
import type { PostingRefusal } from "../realtime/posting_rights.ts";
import type { PostSystemMessage } from "../messages/room_events.ts";
import type { TokenBuckets } from "../limits/token_bucket.ts";
import { isDirectRoomId } from "../social/direct_room_id.ts";
import { keys } from "../kv/kv_keys.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import {
  CALL_RING_MS,
  type CallEndReason,
  type CallView,
  type ErrorFrame,
  type RoomCall,
  type RoomEvent,
} from "../common/protocol.ts";
import { formatDuration } from "../../client/recording/format_duration.ts";

/** The deadlines of a call, kept in its record so that any node can enforce them. */
export interface CallDeadlines {
  /** While ringing: when the call ends as missed (server time). */
  ringUntil?: number;
  /** Participant id → the closed socket that carried their call, and when their grace ends. */
  away?: Record<string, { socket: string; until: number }>;
}

/** A call as stored: its view without the end state, and its deadlines. */
export type CallRecord = Omit<CallView, "state" | "reason"> & CallDeadlines & {
  state: "ringing" | "active";
};

/** The user and socket a call frame came from. */
export interface CallParty {
  userId: string;
  /** Username, shown to the callee and in the summary. */
  name: string;
  socketId: string;
}

/** Why a call frame was refused: the fields of an `error` frame. */
export type CallRefusal = Pick<ErrorFrame, "code" | "message" | "retryAfterMs">;

/** What {@linkcode CallService} needs from the node. */
export interface CallDeps {
  kv: Deno.Kv;
  clock: Clock;
  timers: Timers;
  /** Publishes call frames; its `left` events drop members from their room's call. */
  broker: Pick<Broker, "publish" | "subscribe">;
  postSystemMessage: PostSystemMessage;
  /** Why `userId` may not post in `room` now (not a member, no longer friends), if so. */
  readPostingRefusal: (room: string, userId: string) => Promise<PostingRefusal | undefined>;
  /** The member ids of a room; undefined when there is no such room. */
  readMembers: (room: string) => Promise<readonly string[] | undefined>;
  /** The users `userId` blocked. */
  readBlocks: (userId: string) => Promise<ReadonlySet<string>>;
  /** Invites per user (an invite rings every tab of someone: it must not be a bell to pull). */
  inviteLimiter: Pick<TokenBuckets, "take">;
  /** How long a call rings; {@linkcode CALL_RING_MS} when absent (tests shorten it). */
  ringMs?: number;
  /** The most participants of a group call (a full mesh: see `CALL_MESH_MAX_DEFAULT`). */
  maxParticipants: number;
  /** How long a closed socket that carried a call may take to come back before its user is hung up. */
  reconnectGraceMs: number;
  /** How often this node looks for calls whose deadline passed; {@linkcode CALL_SWEEP_MS} when absent. */
  sweepMs?: number;
}

/** Default interval of the sweep for overdue calls: a dead node's ring ends at most this late. */
export const CALL_SWEEP_MS = 5_000;

/** A ringing record outlives its ring by this much, for a node that died mid-ring. */
const RING_GRACE_MS = 30_000;
/** An answered call's record expires after this long unless it ends first. */
const ACTIVE_TTL_MS = 12 * 3_600_000;

const NO_SUCH_CALL: CallRefusal = { code: "no_such_call", message: "no such call, or not yours" };

/** Places, answers, ends and relays calls; one per node. */
export class CallService {
  #deps: CallDeps;
  #ringMs: number;
  /** Ring timers of the calls this node placed. */
  #timers = new Map<string, unknown>();
  /** Reconnect grace timers, by the id of the closed socket that carried a call. */
  #graceTimers = new Map<string, unknown>();
  /**
   * The open sockets of this node that sent a call frame. Only {@linkcode CallService.handle}
   * puts a socket into a record (`sockets`), so a socket not in here carries no call, and its
   * close needs no KV read: a connect storm's closes read nothing.
   */
  #callSockets = new Set<string>();
  #unsubscribe: () => void;
  #closed = false;
  #sweepTimer: unknown;
  #sweepMs: number;

  /** A service working with `deps`. */
  constructor(deps: CallDeps) {
    this.#deps = deps;
    this.#ringMs = deps.ringMs ?? CALL_RING_MS;
    this.#sweepMs = deps.sweepMs ?? CALL_SWEEP_MS;
    this.#unsubscribe = deps.broker.subscribe((event, fromThisNode) => {
      // Every node hears `left`; the one that published it drops the member, once.
      if (event.kind === "left" && fromThisNode) this.#memberLeft(event);
    });
    // On start: the deadlines of a node that died while this one was down are due already.
    this.#scheduleSweep(0);
  }

  /** Handles one call frame from `party`; resolves to a refusal, or undefined when done. */
  handle(
    party: CallParty,
    frame: Extract<ClientFrame, { type: `call_${string}` }>,
  ): Promise<CallRefusal | undefined> {
    this.#callSockets.add(party.socketId);
    switch (frame.type) {
      case "call_invite":
        return this.#invite(party, frame);
      case "call_accept":
        return this.#change(party, frame.call, "accept");
      case "call_decline":
        return this.#change(party, frame.call, "decline");
      case "call_hangup":
        return this.#change(party, frame.call, "hangup");
      case "call_join":
        return this.#join(party, frame.call);
      case "call_signal":
        return this.#signal(party, frame);
    }
  }

  /**
   * The socket `party.socketId` closed: if it carried a call, its user is hung up unless a
   * socket of theirs joins the call again within the reconnect grace.
   */
  async socketClosed(party: CallParty): Promise<void> {
    // Shutting down: sockets close because the node does; the KV may be closed already.
    if (!this.#callSockets.delete(party.socketId) || this.#closed) return;
    const deps = this.#deps;
    const callId = (await deps.kv.get<string>(keys.userCall(party.userId))).value;
    if (!callId || this.#closed) return;
    const noted = await transact("call socket closed", async () => {
      const entry = await deps.kv.get<CallRecord>(keys.call(callId));
      const record = entry.value;
      if (record?.sockets[party.userId] !== party.socketId) return false;
      const until = deps.clock.now() + deps.reconnectGraceMs;
      const next: CallRecord = {
        ...record,
        away: { ...record.away, [party.userId]: { socket: party.socketId, until } },
      };
      const atomic = deps.kv.atomic().check(entry)
        .set(keys.call(callId), next, { expireIn: this.#expireIn(next) });
      return commit(atomic, () => true);
    });
    if (!noted || this.#closed) return;
    const timer = deps.timers.setTimeout(() => {
      this.#graceTimers.delete(party.socketId);
      void this.#graceOver(party, callId);
    }, deps.reconnectGraceMs);
    this.#graceTimers.set(party.socketId, timer);
  }

  /**
   * Ends what is overdue: calls still ringing past their `ringUntil` (missed), and parties
   * away past their grace (hung up). Runs on start and every {@linkcode CallDeps.sweepMs};
   * safe to run on every node at once.
   */
  async sweep(): Promise<void> {
    const now = this.#deps.clock.now();
    for await (const entry of this.#deps.kv.list<CallRecord>({ prefix: keys.calls() })) {
      if (this.#closed) return;
      const record = entry.value;
      if (record.state === "ringing" && record.ringUntil !== undefined && record.ringUntil <= now) {
        await this.#timeUp(record.id);
        continue;
      }
      for (const [userId, away] of Object.entries(record.away ?? {})) {
        if (away.until > now) continue;
        await this.#graceOver({ userId, name: "", socketId: away.socket }, record.id);
      }
    }
  }

  /** The group call under way in `room` as its members see it, or null. */
  async roomCall(room: string): Promise<RoomCall | null> {
    const callId = (await this.#deps.kv.get<string>(keys.roomCall(room))).value;
    if (!callId) return null;
    const record = (await this.#deps.kv.get<CallRecord>(keys.call(callId))).value;
    return record?.group ? roomCallOf(record) : null;
  }

  /** Stops the timers of this node (shutdown); the other nodes' sweeps see to its deadlines. */
  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    this.#deps.timers.clearTimeout(this.#sweepTimer);
    for (const timer of [...this.#timers.values(), ...this.#graceTimers.values()]) {
      this.#deps.timers.clearTimeout(timer);
    }
    this.#timers.clear();
    this.#graceTimers.clear();
  }

  async #invite(
    party: CallParty,
    frame: Extract<ClientFrame, { type: "call_invite" }>,
  ): Promise<CallRefusal | undefined> {
    const deps = this.#deps;
    const taken = deps.inviteLimiter.take(party.userId);
    if (!taken.ok) {
      return {
        code: "rate_limited",
        message: "too many calls; wait a moment",
        retryAfterMs: taken.retryAfterMs,
      };
    }
    if (!isDirectRoomId(frame.room)) return this.#startGroup(party, frame);
    const refusal = await deps.readPostingRefusal(frame.room, party.userId);
    if (refusal === "not_member") return { code: "not_member", message: "not a member" };
    if (refusal) return { code: "not_allowed", message: "you can only call friends" };
    const callee = (await deps.readMembers(frame.room))?.find((id) => id !== party.userId);
    if (!callee) return { code: "not_allowed", message: "nobody to call in this room" };
    const [mine, theirs] = await Promise.all([
      deps.readBlocks(party.userId),
      deps.readBlocks(callee),
    ]);
    if (mine.has(callee) || theirs.has(party.userId)) {
      return { code: "not_allowed", message: "you can only call friends" };
    }
    const record: CallRecord = {
      id: frame.call,
      room: frame.room,
      media: frame.media,
      from: { id: party.userId, name: party.name },
      participants: [party.userId, callee],
      state: "ringing",
      sockets: { [party.userId]: party.socketId },
      ringUntil: deps.clock.now() + this.#ringMs,
    };
    const expireIn = this.#ringMs + RING_GRACE_MS;
    return await transact("call invite", async () => {
      const [existing, own, other] = await deps.kv.getMany([
        keys.call(frame.call),
        keys.userCall(party.userId),
        keys.userCall(callee),
      ]);
      if (existing!.versionstamp) return { code: "bad_frame", message: "call id already used" };
      if (own!.versionstamp) return { code: "in_call", message: "you are already in a call" };
      if (other!.versionstamp) {
        // Busy: nothing is stored; only the caller hears it.
        this.#tell([party.userId], { ...record, state: "ended", reason: "busy" }, frame.ref);
        return undefined;
      }
      const atomic = deps.kv.atomic().check(existing!, own!, other!)
        .set(keys.call(frame.call), record, { expireIn })
        .set(keys.userCall(party.userId), frame.call, { expireIn })
        .set(keys.userCall(callee), frame.call, { expireIn });
      return commit(atomic, () => {
        this.#timers.set(
          frame.call,
          deps.timers.setTimeout(() => this.#timeUp(frame.call), this.#ringMs),
        );
        this.#tell(record.participants, { ...record }, frame.ref);
        return undefined;
      });
    });
  }

  /** Starts the group call of a group room, with `party` its first participant. */
  async #startGroup(
    party: CallParty,
    frame: Extract<ClientFrame, { type: "call_invite" }>,
  ): Promise<CallRefusal | undefined> {
    const deps = this.#deps;
    const refusal = await this.#memberRefusal(frame.room, party.userId);
    if (refusal) return refusal;
    const record: CallRecord = {
      id: frame.call,
      room: frame.room,
      media: frame.media,
      from: { id: party.userId, name: party.name },
      participants: [party.userId],
      state: "active",
      sockets: { [party.userId]: party.socketId },
      answeredAt: deps.clock.now(),
      group: true,
      max: deps.maxParticipants,
      names: { [party.userId]: party.name },
    };
    return await transact("group call start", async () => {
      const [existing, own, inRoom] = await deps.kv.getMany([
        keys.call(frame.call),
        keys.userCall(party.userId),
        keys.roomCall(frame.room),
      ]);
      if (existing!.versionstamp) return { code: "bad_frame", message: "call id already used" };
      if (own!.versionstamp) return { code: "in_call", message: "you are already in a call" };
      if (inRoom!.versionstamp) {
        return {
          code: "not_allowed",
          message: "a call is already under way in this room: join it",
        };
      }
      const atomic = deps.kv.atomic().check(existing!, own!, inRoom!)
        .set(keys.call(frame.call), record, { expireIn: ACTIVE_TTL_MS })
        .set(keys.userCall(party.userId), frame.call, { expireIn: ACTIVE_TTL_MS })
        .set(keys.roomCall(frame.room), frame.call, { expireIn: ACTIVE_TTL_MS });
      return commit(atomic, () => {
        this.#tell(record.participants, { ...record }, frame.ref);
        this.#announce(record.room, roomCallOf(record));
        return undefined;
      });
    });
  }

  /**
   * `call_join`: a participant carries its call on this socket (after a reconnect), or a
   * member of a group room joins its call.
   */
  async #join(party: CallParty, callId: string): Promise<CallRefusal | undefined> {
    const deps = this.#deps;
    const first = (await deps.kv.get<CallRecord>(keys.call(callId))).value;
    if (!first) return NO_SUCH_CALL;
    if (first.participants.includes(party.userId) || !first.group) {
      return this.#change(party, callId, "join");
    }
    // Read before the commit: a member removed in between is dropped by the `left` event.
    const refusal = await this.#memberRefusal(first.room, party.userId);
    if (refusal) return refusal;
    return await transact("group call join", async () => {
      const [entry, own] = await deps.kv.getMany<[CallRecord, string]>([
        keys.call(callId),
        keys.userCall(party.userId),
      ]);
      const record = entry!.value;
      if (!record) return NO_SUCH_CALL;
      if (own!.versionstamp) return { code: "in_call", message: "you are already in a call" };
      const max = record.max ?? deps.maxParticipants;
      if (record.participants.length >= max) {
        return { code: "call_full", message: `this call is full (${max} people)` };
      }
      const next: CallRecord = {
        ...record,
        participants: [...record.participants, party.userId],
        sockets: { ...record.sockets, [party.userId]: party.socketId },
        names: { ...record.names, [party.userId]: party.name },
      };
      const atomic = deps.kv.atomic().check(entry!, own!)
        .set(keys.call(callId), next, { expireIn: ACTIVE_TTL_MS })
        .set(keys.userCall(party.userId), callId, { expireIn: ACTIVE_TTL_MS });
      return commit(atomic, () => {
        this.#tell(next.participants, next);
        this.#announce(next.room, roomCallOf(next));
        return undefined;
      });
    });
  }

  /** Why `userId` may not be in a call of group room `room`, if so. */
  async #memberRefusal(room: string, userId: string): Promise<CallRefusal | undefined> {
    const refusal = await this.#deps.readPostingRefusal(room, userId);
    if (refusal === "not_member") return { code: "not_member", message: "not a member" };
    if (refusal === "muted") return { code: "muted", message: "muted members cannot join calls" };
    if (refusal) return { code: "not_allowed", message: "you may not call in this room" };
    return undefined;
  }

  /** `userId` left a group call's room (or was kicked or banned): it drops them from its call. */
  async #memberLeft(event: Extract<BrokerEvent, { kind: "left" }>): Promise<void> {
    const deps = this.#deps;
    try {
      const callId = (await deps.kv.get<string>(keys.userCall(event.user))).value;
      if (!callId) return;
      const record = (await deps.kv.get<CallRecord>(keys.call(callId))).value;
      if (record?.room !== event.room) return;
      await this.#change({ userId: event.user, name: "", socketId: "" }, callId, "hangup");
    } catch (error) {
      console.error("calls: dropping a member who left the room failed", error);
    }
  }

  /** The commit that takes `userId` out of a group call others stay in. */
  #leave(entry: Deno.KvEntry<CallRecord>, record: CallRecord, userId: string) {
    const sockets = { ...record.sockets };
    delete sockets[userId];
    const names = { ...record.names };
    delete names[userId];
    const next: CallRecord = {
      ...withoutAway(record, userId),
      participants: record.participants.filter((id) => id !== userId),
      sockets,
      names,
    };
    const atomic = this.#deps.kv.atomic().check(entry)
      .set(keys.call(record.id), next, { expireIn: ACTIVE_TTL_MS })
      .delete(keys.userCall(userId));
    return commit(atomic, () => {
      // The one who left sees the call end for them; the others see who is left.
      this.#tell([userId], { ...next, state: "ended", reason: "hangup" });
      this.#tell(next.participants, next);
      this.#announce(next.room, roomCallOf(next));
      return undefined;
    });
  }

  /** Tells the sockets subscribed to `room` what its group call is now (`null`: none). */
  #announce(room: string, call: RoomCall | null): void {
    this.#deps.broker.publish({ kind: "room_call", room, call });
  }

  /** Ends a call still ringing when its time is up (its timer, or a sweep). */
  async #timeUp(callId: string): Promise<void> {
    this.#timers.delete(callId);
    try {
      await this.#change(undefined, callId, "timeout");
    } catch (error) {
      console.error("calls: ending an unanswered call failed", error);
    }
  }

  async #change(
    party: CallParty | undefined,
    callId: string,
    action: "accept" | "decline" | "hangup" | "join" | "timeout",
  ): Promise<CallRefusal | undefined> {
    const deps = this.#deps;
    return await transact("call change", async () => {
      const entry = await deps.kv.get<CallRecord>(keys.call(callId));
      const record = entry.value;
      if (!record) return party ? NO_SUCH_CALL : undefined;
      if (party && !record.participants.includes(party.userId)) return NO_SUCH_CALL;
      const isCaller = party?.userId === record.from.id;
      if (action === "timeout") {
        if (record.state !== "ringing") return undefined;
        return this.#end(entry, record, "missed");
      }
      if (record.group && action !== "join") {
        if (action !== "hangup") {
          return { code: "not_allowed", message: "a group call is joined, not answered" };
        }
        if (record.participants.length > 1) return this.#leave(entry, record, party!.userId);
        return this.#end(entry, record, "hangup");
      }
      if (action === "hangup") {
        if (record.state === "active") return this.#end(entry, record, "hangup");
        return this.#end(entry, record, isCaller ? "cancelled" : "declined");
      }
      if (action === "decline") {
        if (isCaller || record.state !== "ringing") {
          return { code: "not_allowed", message: "only a ringing callee can decline" };
        }
        return this.#end(entry, record, "declined");
      }
      // Carried on this socket: back, if the user was away.
      const next: CallRecord = {
        ...withoutAway(record, party!.userId),
        sockets: { ...record.sockets, [party!.userId]: party!.socketId },
      };
      if (action === "accept") {
        if (isCaller || record.state !== "ringing") {
          return { code: "not_allowed", message: "only a ringing callee can answer" };
        }
        next.state = "active";
        next.answeredAt = deps.clock.now();
        delete next.ringUntil;
      } else if (record.state !== "active" && !isCaller) {
        return { code: "not_allowed", message: "answer the call before joining it" };
      }
      const expireIn = this.#expireIn(next);
      const atomic = deps.kv.atomic().check(entry).set(keys.call(callId), next, { expireIn });
      if (action === "accept") {
        for (const user of record.participants) {
          atomic.set(keys.userCall(user), callId, { expireIn });
        }
      }
      return commit(atomic, () => {
        if (action === "accept") this.#stopTimer(callId);
        this.#tell(next.participants, next);
        return undefined;
      });
    });
  }

  /** The commit that ends `record` for `reason`, then tells its parties and writes its summary. */
  #end(entry: Deno.KvEntry<CallRecord>, record: CallRecord, reason: CallEndReason) {
    const atomic = this.#deps.kv.atomic().check(entry).delete(keys.call(record.id));
    // A party's busy mark names this call until it ends; it expires with the record.
    for (const user of record.participants) atomic.delete(keys.userCall(user));
    if (record.group) atomic.delete(keys.roomCall(record.room));
    return commit(atomic, async () => {
      this.#stopTimer(record.id);
      this.#tell(record.participants, { ...record, state: "ended", reason });
      if (record.group) this.#announce(record.room, null);
      await this.#deps.postSystemMessage(record.room, this.#summary(record, reason));
      return undefined;
    });
  }

  #summary(record: CallRecord, reason: CallEndReason): RoomEvent {
    const by = record.from.name;
    if (record.answeredAt !== undefined) {
      const duration = formatDuration((this.#deps.clock.now() - record.answeredAt) / 1000);
      return { type: record.group ? "group_call_ended" : "call_ended", by, duration };
    }
    return reason === "declined" ? { type: "call_declined", by } : { type: "call_missed", by };
  }

  async #signal(
    party: CallParty,
    frame: Extract<ClientFrame, { type: "call_signal" }>,
  ): Promise<CallRefusal | undefined> {
    const record = (await this.#deps.kv.get<CallRecord>(keys.call(frame.call))).value;
    if (!record || record.sockets[party.userId] !== party.socketId) return NO_SUCH_CALL;
    const socket = record.sockets[frame.to];
    if (frame.to === party.userId || !record.participants.includes(frame.to) || !socket) {
      return { code: "not_allowed", message: "that user does not carry this call" };
    }
    this.#deps.broker.publish({
      kind: "call",
      users: [frame.to],
      socket,
      frame: { type: "call_signal", call: frame.call, from: party.userId, signal: frame.signal },
    });
    return undefined;
  }

  /** Hangs up `party` if their closed socket still carries `callId` (their grace is over). */
  async #graceOver(party: CallParty, callId: string): Promise<void> {
    try {
      const now = (await this.#deps.kv.get<CallRecord>(keys.call(callId))).value;
      // Back on another socket (or the call ended meanwhile): nothing to do.
      if (now?.sockets[party.userId] !== party.socketId) return;
      await this.#change(party, callId, "hangup");
    } catch (error) {
      console.error("calls: hanging up a party that did not come back failed", error);
    }
  }

  #scheduleSweep(ms: number): void {
    this.#sweepTimer = this.#deps.timers.setTimeout(async () => {
      try {
        await this.sweep();
      } catch (error) {
        if (!this.#closed) console.error("calls: sweeping overdue calls failed", error);
      }
      if (!this.#closed) this.#scheduleSweep(this.#sweepMs);
    }, ms);
  }

  /** How long `record` is kept: past its ring by a margin, or the longest call. */
  #expireIn(record: CallRecord): number {
    if (record.state === "active") return ACTIVE_TTL_MS;
    const left = (record.ringUntil ?? this.#deps.clock.now()) - this.#deps.clock.now();
    return Math.max(1, left) + RING_GRACE_MS;
  }

  #stopTimer(callId: string): void {
    const timer = this.#timers.get(callId);
    if (timer === undefined) return;
    this.#deps.timers.clearTimeout(timer);
    this.#timers.delete(callId);
  }

  #tell(users: string[], call: CallView & CallDeadlines, ref?: string): void {
    // Deadlines are the server's business: the parties see the call.
    const { ringUntil: _ringUntil, away: _away, ...view } = call;
    this.#deps.broker.publish({
      kind: "call",
      users,
      frame: { type: "call", call: view, ...(ref === undefined ? {} : { ref }) },
    });
  }
}

/** What the members of a group call's room see of it. */
function roomCallOf(record: CallRecord): RoomCall {
  return {
    id: record.id,
    media: record.media,
    participants: record.participants,
    startedAt: record.answeredAt ?? 0,
    max: record.max ?? record.participants.length,
  };
}

/** `record` without `userId` in its `away` list. */
function withoutAway(record: CallRecord, userId: string): CallRecord {
  if (!record.away?.[userId]) return record;
  const away = { ...record.away };
  delete away[userId];
  return { ...record, away };
}
