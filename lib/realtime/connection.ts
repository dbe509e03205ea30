/**
 * One client connection speaking protocol v1, independent of the transport: the WebSocket
 * handler feeds it raw frames and gives it a way to send and close. Every frame is validated;
 * every room access is checked against membership on the server.
 *
 * @module
 */
import type { ListMarks, PublicUser } from "../common/api_types.ts";
import type { Broker } from "./broker/broker.ts";
import type { Clock } from "../common/clock.ts";
import type { FloodGuard } from "../limits/flood_guard.ts";
import { batchesOf, type Hub, type Peer } from "./hub.ts";
import {
  AuthorGoneError,
  type MessageDraft,
  type MessageLookup,
  type MessageStore,
} from "../messages/message_store.ts";
import { parseClientFrame } from "../common/client_frames.ts";
import { type ActionFrame, checkAction, isRefusal, replyPreview } from "./action_rules.ts";
import type { Role } from "../common/room_roles.ts";
import type { MessageWriter } from "../messages/message_writer.ts";
import type { PresenceTracker } from "./presence/presence_tracker.ts";
import {
  type ClientFrame,
  encodeServerFrame,
  type ErrorCode,
  HISTORY_PAGE_MAX,
  PROTOCOL_VERSION,
  type ServerFrame,
  TYPING_INTERVAL_MS,
} from "../common/protocol.ts";
import { type PostingRefusal, PostingRights } from "./posting_rights.ts";
import type { Rooms } from "../rooms/rooms.ts";
import type { Session } from "../accounts/sessions.ts";
import type { TokenBuckets } from "../limits/token_bucket.ts";
import type { AttachmentResolver } from "../files/attachment_resolver.ts";
import type { ResolveMentions } from "../messages/mention_resolver.ts";
import type { ReadMarkers } from "../reads/read_markers.ts";
import type { ReadReceipts } from "../reads/read_receipts.ts";
import { BlockCache } from "./block_cache.ts";
import type { DrainGate } from "./drain_gate.ts";
import type { Metrics } from "../server/metrics.ts";
import type { CallService } from "../calls/call_service.ts";
import { newId } from "../common/ids.ts";
import type { FriendDigest } from "../social/friend_digest.ts";
import type { HeldEvents } from "./held_events.ts";

/** What a connection needs from the rest of the node. */
export interface ConnectionDeps {
  hub: Hub;
  writer: MessageWriter;
  store: MessageStore & MessageLookup;
  rooms: Rooms;
  /** The user's role in a room, read to let owners and admins delete others' messages. */
  readRole: (room: string, userId: string) => Promise<Role>;
  clock: Clock;
  /** Id of this node, sent in `welcome`. */
  nodeId: string;
  /** Server ping interval, sent in `welcome`. */
  heartbeatMs: number;
  /** Sends per second per user. */
  sendLimiter: TokenBuckets;
  /** Identical texts per user and room. */
  floodGuard: FloodGuard;
  /** Fan-out for best-effort events (typing). */
  broker: Broker;
  /**
   * Why a user may not post (send, typing) in a room, read from the store, or undefined when
   * they may. Remembered per socket by {@linkcode PostingRights}.
   */
  readPostingRefusal: (room: string, userId: string) => Promise<PostingRefusal | undefined>;
  /**
   * Whether a room is end-to-end encrypted (its sends must be `e2e` payloads, and plain ones
   * are refused). Fixed at the room's creation, so a connection remembers each answer.
   */
  readEncrypted: (room: string) => Promise<boolean>;
  /** Checks the files a send attaches. Absent: a send with attachments is refused. */
  attachments?: Pick<AttachmentResolver, "resolve">;
  /** Whom a sent text mentions (member ids). Absent: mentions are not recorded. */
  resolveMentions?: ResolveMentions;
  /** Told when the connection opens and when it has closed. Absent: no presence. */
  presence?: Pick<PresenceTracker, "opened" | "closed" | "changed">;
  /** Read markers (`read` frames). */
  markers: Pick<ReadMarkers, "advance">;
  /** Read receipts (`receipts` frames, and whom a moved marker is told to). */
  receipts: Pick<ReadReceipts, "readers" | "authorsToTell">;
  /** The users `userId` blocked: no typing notice goes either way between them. */
  readBlocks: (userId: string) => Promise<ReadonlySet<string>>;
  /** Counts messages in, rate-limit refusals and slow consumers. Absent: nothing counted. */
  metrics?: Pick<Metrics, "messageIn" | "refused" | "slowConsumerClosed">;
  /** Shutdown: frames taken are tracked, none taken once it closes. Absent: never closes. */
  drain?: DrainGate;
  /** Call signalling (`call_*` frames). Absent: they are refused. */
  calls?: Pick<CallService, "handle" | "socketClosed">;
}

/** How the transport lets a connection talk back. */
export interface Transport {
  /** Sends a serialized frame. */
  send(frame: string): void;
  /** See {@linkcode Peer.whenWritable}. */
  whenWritable(): Promise<void> | undefined;
  /** Closes the socket. */
  close(code: number, reason: string): void;
}

/** What the socket route read before the upgrade, for a {@linkcode ChatConnection}. */
export interface ConnectionStart {
  /**
   * The user's friend digest as the session read found it (null: none stored; absent: not
   * read), told to presence for "came online".
   */
  friends?: FriendDigest | null;
  /**
   * The versions of the user's conversation and friend lists, read in the same `getMany`
   * (absent: not read, sent as ""), sent in `welcome`.
   */
  listMarks?: ListMarks;
  /** The client asked for batched message frames (`batch=1`, {@linkcode ChatConnection.batches}). */
  batches?: boolean;
  /**
   * What the hub sent the user since before `listMarks` were read ({@linkcode Hub.hold}):
   * sent right after the `welcome`. The connection releases it if the socket never opens.
   */
  held?: HeldEvents;
}

/** What a send's refusal says about the room's kind; see `#encryptionMismatch`. */
const SEND_MISMATCH = {
  encrypted: "this room is end-to-end encrypted: send an e2e payload, never plain text",
  plain: "this room is not encrypted: send plain text, not an e2e payload",
};
/** What an edit's or a reaction's refusal says about the room's kind. */
const ACTION_MISMATCH = {
  encrypted: "this room is end-to-end encrypted: edits and reactions travel in an e2e payload",
  plain: "this room is not encrypted: edit and react in plain text, not an e2e payload",
};

/** The fields of an error frame that name the refused send (built only when refusing). */
function namedSend(frame: Extract<ClientFrame, { type: "send" }>) {
  return { request: "send", ref: frame.ref, room: frame.room, clientId: frame.clientId } as const;
}

/** The lists' marks a `welcome` carries when the connect read none. */
const NO_MARKS: ListMarks = { rooms: "", friends: "" };

/** The settled promise every connection's frame chain starts from (one, not one per socket). */
const SETTLED: Promise<void> = Promise.resolve();

/**
 * Microtasks a held ack waits for its echo at most ({@linkcode ChatConnection}): the echo
 * takes two after the ack (the broker's local delivery, then the room's queue in the hub).
 */
const ECHO_WAIT_MICROTASKS = 4;

/** Protocol state of one connected client. */
export class ChatConnection implements Peer {
  readonly userId: string;
  readonly sessionId: string;
  readonly sessionExpiresAt: number;
  /** Random id of this socket, sent in `welcome`. */
  readonly socketId: string = newId();
  /** See {@linkcode Peer.batches}: fixed when the socket opens. */
  readonly batches: boolean;
  /** The tab said it is hidden or idle (a `presence` frame); false until it does. */
  away = false;
  /** Clock time of the last frame received: the heartbeat drops a silent peer. */
  lastSeenAt: number;
  #user: PublicUser;
  #deps: ConnectionDeps;
  #transport: Transport;
  /** Rooms known to be encrypted (true) or plain (false); made on the first send. */
  #encrypted: Map<string, boolean> | undefined;
  /** Rooms whose membership was checked in KV; emptied for a room when the user leaves it. */
  #memberOf: Set<string> | undefined;
  /** Frames are checked in arrival order, so sends are written in the order they came. */
  #inbound: Promise<void> = SETTLED;
  #closed = false;
  /** Whether the user may post where they do; made on the first send or typing notice. */
  #postingRights: PostingRights | undefined;
  /** Clock time of the last typing notice passed on, per room. */
  #typingAt: Map<string, number> | undefined;
  /** What the session read brought, for presence and `welcome`; dropped once open. */
  #start: ConnectionStart | undefined;
  /** The users this user blocked, for typing notices both ways. */
  #blocks: BlockCache;
  /** This socket's writes not yet acked or refused. */
  #unacked = 0;
  /**
   * Frames held within the turn: while a write of a socket that takes batches awaits its ack,
   * what the socket is sent waits a few microtasks, so the ack and the sender's own echo (both
   * sent in the turn the commit ends) go out as one WebSocket frame.
   */
  #held: string[] | undefined;
  /** The messages acked in the held frames whose echo live delivery has still to hand over. */
  #echoes: { room: string; seq: number }[] | undefined;

  /**
   * A connection of `user` in `session`, talking through `transport`, with what the socket
   * route read before the upgrade (`start`).
   */
  constructor(
    user: PublicUser,
    session: Session,
    transport: Transport,
    deps: ConnectionDeps,
    start: ConnectionStart = {},
  ) {
    this.userId = user.id;
    this.batches = start.batches ?? false;
    this.sessionId = session.id;
    this.sessionExpiresAt = session.expiresAt;
    this.#user = user;
    this.#transport = transport;
    this.#deps = deps;
    this.lastSeenAt = deps.clock.now();
    this.#blocks = new BlockCache(deps.readBlocks, user.id);
    this.#start = start;
  }

  /**
   * Registers with the hub and greets the client, then sends what the hub held for the user
   * since the connect read the `welcome`'s marks: a change made in between is either in those
   * marks or in an event after them.
   */
  open(): void {
    const start = this.#start;
    this.#start = undefined;
    this.#deps.hub.addPeer(this, start?.held);
    this.#deps.presence?.opened(this, start?.friends);
    this.#send({
      type: "welcome",
      v: PROTOCOL_VERSION,
      user: this.#user,
      node: this.#deps.nodeId,
      heartbeatMs: this.#deps.heartbeatMs,
      socket: this.socketId,
      lists: start?.listMarks ?? NO_MARKS,
    });
    start?.held?.replay(this);
  }

  /** Handles one raw frame from the client. Never throws. */
  receive(raw: unknown): void {
    this.lastSeenAt = this.#deps.clock.now();
    // Shutting down: the socket closes with 1012 in a moment and the client resends.
    if (this.#deps.drain?.closing) return;
    const parsed = parseClientFrame(raw);
    if (!parsed.ok) return this.#send(parsed.error);
    const frame = parsed.frame;
    this.#inbound = this.#inbound.then(() => this.#dispatch(frame)).catch((error) => {
      console.error("connection: frame failed", error);
      this.#send({
        type: "error",
        code: "internal",
        message: "the server could not handle this request; retry later",
        request: frame.type,
        ref: frame.ref,
        ...("room" in frame ? { room: frame.room } : {}),
        ...("clientId" in frame ? { clientId: frame.clientId } : {}),
      });
    });
    this.#deps.drain?.track(this.#inbound);
  }

  /** Called by the transport once the socket has closed. */
  closed(): void {
    this.#closed = true;
    const unopened = this.#start;
    if (unopened) {
      // The upgrade failed: the socket never opened, nothing but the hold to let go of.
      this.#start = undefined;
      if (unopened.held) this.#deps.hub.release(unopened.held);
      return;
    }
    this.#deps.hub.removePeer(this);
    this.#deps.presence?.closed(this);
    this.#deps.calls?.socketClosed({
      userId: this.userId,
      name: this.#user.name,
      socketId: this.socketId,
    }).catch((error) => console.error("calls: a closed socket's call check failed", error));
  }

  send(frame: string): void {
    if (this.#closed) return;
    if (this.#held) {
      this.#held.push(frame);
    } else if (this.#unacked > 0 && this.batches) {
      // The kernel's cost is per WebSocket frame (BENCHMARKS.md, "Fan-out, round three"): in
      // rooms of two an ack alone was a third of a send's frames.
      this.#held = [frame];
      queueMicrotask(() => this.#release(0));
    } else {
      this.#transport.send(frame);
    }
  }

  /**
   * Sends the held frames, in order, in as few WebSocket frames as their length allows, once
   * live delivery has handed over the echo of every message acked in them, or after
   * {@linkcode ECHO_WAIT_MICROTASKS} (the echo comes through the broker and the room's queue, two
   * microtasks after the ack; a room whose delivery waits on the store is not waited for).
   */
  #release(waited: number): void {
    if (this.#closed) return;
    const echoes = this.#echoes;
    if (echoes && waited < ECHO_WAIT_MICROTASKS) {
      const pending = echoes.some(({ room, seq }) => {
        const delivered = this.#deps.hub.deliveredSeq(this, room);
        return delivered !== undefined && delivered < seq;
      });
      if (pending) return queueMicrotask(() => this.#release(waited + 1));
    }
    const held = this.#held!;
    this.#held = undefined;
    this.#echoes = undefined;
    for (const frame of held.length === 1 ? held : batchesOf(held)) this.#transport.send(frame);
  }

  whenWritable(): Promise<void> | undefined {
    return this.#closed ? undefined : this.#transport.whenWritable();
  }

  close(code: number, reason: string): void {
    this.#transport.close(code, reason);
  }

  rightsChanged(room?: string): void {
    this.#postingRights?.changed(room);
    // No room: the friend list changed, a block with it (the blocker is always told).
    if (room === undefined) this.#blocks.changed();
  }

  sendTyping(from: string, frame: string): void {
    this.#blocks.ifAccepts(from, () => this.send(frame));
  }

  roomRevoked(room: string): void {
    this.#memberOf?.delete(room);
    this.#postingRights?.changed(room);
    this.#send({ type: "unsubscribed", room });
  }

  async #dispatch(frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case "ping":
        return this.#send({ type: "pong", ref: frame.ref });
      case "pong":
        return;
      case "typing": {
        const refusal = await this.#postingRefusal(frame.room);
        if (refusal === "not_member" || refusal === "not_friends") return this.#notMember(frame);
        if (refusal) return;
        const now = this.#deps.clock.now();
        // Best-effort and throttled: at most one notice per room per interval is passed on.
        // A stop always goes (and lets the next start through): it follows a start.
        const typingAt = this.#typingAt ??= new Map();
        if (frame.stop) {
          if (!typingAt.delete(frame.room)) return;
        } else if (now - (typingAt.get(frame.room) ?? -Infinity) < TYPING_INTERVAL_MS / 2) {
          return;
        } else typingAt.set(frame.room, now);
        const blocked = await this.#blocks.read();
        this.#deps.broker.publish({
          kind: "typing",
          room: frame.room,
          user: this.userId,
          name: this.#user.name,
          ...(frame.stop ? { stop: true as const } : {}),
          ...(blocked.size > 0 ? { hidden: [...blocked] } : {}),
        });
        return;
      }
      case "read": {
        if (!await this.#isMember(frame.room)) return this.#notMember(frame);
        const move = await this.#deps.markers.advance(this.userId, frame.room, frame.seq);
        if (!move) return;
        const tell = await this.#deps.receipts.authorsToTell(frame.room, this.userId, move);
        this.#deps.broker.publish({
          kind: "read",
          room: frame.room,
          user: this.userId,
          name: this.#user.name,
          seq: move.to,
          tell,
        });
        return;
      }
      case "call_invite":
      case "call_accept":
      case "call_decline":
      case "call_hangup":
      case "call_join":
      case "call_signal": {
        const refusal = this.#deps.calls
          ? await this.#deps.calls.handle(
            { userId: this.userId, name: this.#user.name, socketId: this.socketId },
            frame,
          )
          : { code: "not_allowed" as const, message: "calls are not available" };
        if (!refusal) return;
        return this.#send({ type: "error", ...refusal, ref: frame.ref, request: frame.type });
      }
      case "receipts": {
        if (!await this.#isMember(frame.room)) return this.#notMember(frame);
        const readers = await this.#deps.receipts.readers(frame.room, this.userId);
        return this.#send({ type: "receipts", ref: frame.ref, room: frame.room, readers });
      }
      case "presence":
        if (this.away === frame.away) return;
        this.away = frame.away;
        return this.#deps.presence?.changed(this);
      case "subscribe":
        // Typing notices reach subscribers only: their filter is read alongside the rights.
        this.#blocks.warm();
        // Fresh, and it also reads the posting rights, so the first send costs no read.
        if (await this.#postingRefusal(frame.room, true) === "not_member") {
          this.#memberOf?.delete(frame.room);
          return this.#notMember(frame);
        }
        (this.#memberOf ??= new Set()).add(frame.room);
        await this.#deps.hub.subscribe(this, frame.room, frame.after, frame.ref);
        return;
      case "unsubscribe":
        this.#deps.hub.unsubscribe(this, frame.room);
        return this.#send({ type: "unsubscribed", ref: frame.ref, room: frame.room });
      case "history": {
        if (!await this.#isMember(frame.room)) return this.#notMember(frame);
        const limit = frame.limit ?? HISTORY_PAGE_MAX;
        const page = await this.#deps.store.before(frame.room, frame.before, limit + 1);
        const hasMore = page.length > limit;
        return this.#send({
          type: "history",
          ref: frame.ref,
          room: frame.room,
          messages: hasMore ? page.slice(1) : page,
          hasMore,
        });
      }
      case "versions": {
        if (!await this.#isMember(frame.room)) return this.#notMember(frame);
        const target = await this.#deps.store.get(frame.room, frame.target);
        const versions = target ? await this.#deps.store.versions(frame.room, frame.target) : [];
        return this.#send({
          type: "versions",
          ref: frame.ref,
          room: frame.room,
          target: frame.target,
          versions,
        });
      }
      case "edit":
      case "delete":
      case "react": {
        if (await this.#mayNotPost(frame)) return;
        // In an encrypted room an edit's text and a reaction's emoji travel inside `e2e`, never
        // in clear; in a plain room there is no group to read an `e2e`. A delete carries nothing.
        if (frame.type !== "delete" && await this.#encryptionMismatch(frame, ACTION_MISMATCH)) {
          return;
        }
        const limited = this.#rateRefusal(frame);
        if (limited) return this.#send(limited);
        // A retry of a stored action is acked again, whatever the target's state is now.
        const earlier = await this.#deps.store.byClientId(frame.room, this.userId, frame.clientId);
        if (earlier) return this.#ack(frame.clientId, earlier);
        const checked = await checkAction(frame, this.#user, {
          get: (room, seq) => this.#deps.store.get(room, seq),
          readRole: this.#deps.readRole,
        });
        if (isRefusal(checked)) return this.#refuse(frame, checked.code, checked.message);
        if (frame.type === "edit" && !frame.e2e) {
          const mentions = await this.#deps.resolveMentions?.(frame.room, frame.text) ?? [];
          if (mentions.length > 0) checked.mentions = mentions;
        }
        return this.#write(checked, frame);
      }
      case "send": {
        if (await this.#mayNotPost(frame)) return;
        if (await this.#encryptionMismatch(frame, SEND_MISMATCH)) return;
        const limited = this.#sendRefusal(frame);
        if (limited) return this.#send(limited);
        const resolved = frame.attachments &&
          await this.#deps.attachments?.resolve(this.userId, frame.attachments);
        if (frame.attachments && !Array.isArray(resolved)) {
          return this.#refuse(
            frame,
            "attachment_unavailable",
            resolved ?? "an attached file is not an upload of yours that is still stored",
          );
        }
        const attachments = Array.isArray(resolved) ? resolved : undefined;
        const mentions = await this.#deps.resolveMentions?.(frame.room, frame.text) ?? [];
        const draft: MessageDraft = {
          room: frame.room,
          from: this.#user.id,
          author: this.#user.name,
          clientId: frame.clientId,
          // A caption of only spaces under files is no caption.
          text: attachments && frame.text.trim() === "" ? "" : frame.text,
          ...(attachments ? { attachments } : {}),
          ...(mentions.length > 0 ? { mentions } : {}),
          ...(frame.e2e ? { e2e: frame.e2e } : {}),
        };
        if (frame.replyTo !== undefined) {
          const preview = await replyPreview(frame.room, frame.replyTo, this.#deps.store);
          if (isRefusal(preview)) return this.#refuse(frame, preview.code, preview.message);
          draft.replyTo = preview;
        }
        return this.#write(draft, frame);
      }
    }
  }

  /** Refuses a frame of a non-member or a muted member; true when it did. */
  async #mayNotPost(frame: Extract<ClientFrame, { clientId: string }>): Promise<boolean> {
    const refusal = await this.#postingRefusal(frame.room);
    // A direct room after an unfriend or block: readable, and refused like a stranger's.
    if (refusal === "not_member" || refusal === "not_friends") {
      this.#notMember(frame);
      return true;
    }
    if (refusal === "muted") {
      this.#refuse(frame, "muted", "You are muted in this room: you can read it, but not post");
      return true;
    }
    return false;
  }

  #refuse(
    frame: Extract<ClientFrame, { clientId: string }>,
    code: ErrorCode,
    message: string,
  ): void {
    this.#send({
      type: "error",
      code,
      message,
      request: frame.type,
      ref: frame.ref,
      room: frame.room,
      clientId: frame.clientId,
    });
  }

  #ack(clientId: string, message: { room: string; id: string; seq: number; at: number }): void {
    this.#send({
      type: "ack",
      room: message.room,
      clientId,
      id: message.id,
      seq: message.seq,
      at: message.at,
    });
    if (this.#held) (this.#echoes ??= []).push({ room: message.room, seq: message.seq });
  }

  /** Writes a checked draft; acks after the commit. Not awaited by the caller. */
  #write(draft: MessageDraft, frame: Extract<ClientFrame, { clientId: string }>): void {
    this.#unacked++;
    // Not awaited: the next frame may be written in the same commit as this one.
    // Counted down after the answer is sent, so the ack itself is held with the echo.
    this.#deps.writer.write(draft).then(({ message }) => {
      this.#deps.metrics?.messageIn();
      this.#ack(frame.clientId, message);
      this.#unacked--;
    }, (error) => {
      // Its account is being deleted: its uploads are gone with it, as for a send without them.
      if (error instanceof AuthorGoneError) {
        this.#refuse(frame, "attachment_unavailable", "your account is being deleted");
      } else {
        console.error("connection: write failed", error);
        this.#refuse(frame, "internal", "the message was not stored; retry it");
      }
      this.#unacked--;
    });
  }

  /** The error for an action over the send rate, or undefined when it may go on. */
  #rateRefusal(frame: ActionFrame): ServerFrame | undefined {
    const rate = this.#deps.sendLimiter.take(this.userId);
    if (rate.ok) return undefined;
    this.#deps.metrics?.refused("send_rate");
    return {
      type: "error",
      code: "rate_limited",
      message: "sending too fast; retry later",
      retryAfterMs: rate.retryAfterMs,
      request: frame.type,
      ref: frame.ref,
      room: frame.room,
      clientId: frame.clientId,
    };
  }

  /** The error for a send over a rate or flood limit, or undefined when it may go on. */
  #sendRefusal(frame: Extract<ClientFrame, { type: "send" }>): ServerFrame | undefined {
    const rate = this.#deps.sendLimiter.take(this.userId);
    if (!rate.ok) {
      this.#deps.metrics?.refused("send_rate");
      return {
        type: "error",
        code: "rate_limited",
        message: "sending too fast; retry later",
        retryAfterMs: rate.retryAfterMs,
        ...namedSend(frame),
      };
    }
    // Ciphertexts never repeat, so the server cannot tell a repeated encrypted text.
    if (frame.e2e) return undefined;
    // Files count as part of the text: the same photo may be sent again, not endlessly.
    const files = frame.attachments?.map((attachment) => attachment.id).join(",") ?? "";
    const text = files === "" ? frame.text : `${frame.text}\u0000${files}`;
    if (!this.#deps.floodGuard.allow(this.userId, frame.room, frame.clientId, text)) {
      this.#deps.metrics?.refused("same_text");
      return {
        type: "error",
        code: "flood",
        message: "the same text was sent too many times; write something else",
        ...namedSend(frame),
      };
    }
    return undefined;
  }

  /**
   * Refuses `frame` with `encryption_mismatch` (saying `why.encrypted` or `why.plain`, the
   * room's kind) when it carries an `e2e` payload in a plain room or none in an encrypted one;
   * whether it did.
   */
  async #encryptionMismatch(
    frame: Extract<ClientFrame, { type: "send" | "edit" | "react" }>,
    why: { encrypted: string; plain: string },
  ): Promise<boolean> {
    const encrypted = await this.#isEncrypted(frame.room);
    if (encrypted === (frame.e2e !== undefined)) return false;
    this.#refuse(frame, "encryption_mismatch", encrypted ? why.encrypted : why.plain);
    return true;
  }

  /** Whether `room` is encrypted, read once per room (the flag never changes). */
  async #isEncrypted(room: string): Promise<boolean> {
    const known = this.#encrypted?.get(room);
    if (known !== undefined) return known;
    const encrypted = await this.#deps.readEncrypted(room);
    (this.#encrypted ??= new Map()).set(room, encrypted);
    return encrypted;
  }

  /** Membership from the cache, else from KV; `fresh` always asks KV. */
  async #isMember(room: string, fresh = false): Promise<boolean> {
    if (!fresh && this.#memberOf?.has(room)) return true;
    const member = await this.#deps.rooms.isMember(room, this.userId);
    if (member) (this.#memberOf ??= new Set()).add(room);
    else this.#memberOf?.delete(room);
    return member;
  }

  /** Membership, a current friendship for direct rooms, and no mute. */
  #postingRefusal(room: string, fresh = false): Promise<PostingRefusal | undefined> {
    this.#postingRights ??= new PostingRights(
      (room) => this.#deps.readPostingRefusal(room, this.userId),
      this.#deps.clock,
    );
    return this.#postingRights.refusal(room, fresh);
  }

  #notMember(frame: Extract<ClientFrame, { room: string }>): void {
    // Same answer whether the room exists or not: nothing about other rooms leaks.
    this.#send({
      type: "error",
      code: "not_member",
      message: "you are not a member of this room",
      request: frame.type,
      ref: frame.ref,
      room: frame.room,
      ...("clientId" in frame ? { clientId: frame.clientId } : {}),
    });
  }

  #send(frame: ServerFrame): void {
    this.send(encodeServerFrame(frame));
  }
}
