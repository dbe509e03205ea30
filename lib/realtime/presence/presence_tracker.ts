/**
 * This node's side of presence. It counts the open chat sockets of each user on this node and
 * keeps the user's {@linkcode Presence} entry for this node: written when their first socket
 * here opens, renewed for every user here in one batch per interval, deleted a little after
 * their last socket here closed, so a page reload (close, then open within the delay) changes
 * nothing. When a write or delete leaves the user present on this node alone, or on none, it
 * reports the user online or offline, for the caller to tell their friends.
 *
 * Two nodes changing one user's presence at the same instant may both report (online twice,
 * or offline then online); the reports are hints, as docs/GUARANTEES.md says.
 *
 * @module
 */
import { systemTimers, type Timers } from "../../common/clock.ts";
import type { Presence, PresenceStatus } from "./presence.ts";
import { addTo, type OneOrSetIndex, removeFrom, valuesIn } from "../one_or_set.ts";
import type { FriendDigest } from "../../social/friend_digest.ts";

/** Delay after a user's last socket on a node closed before that node counts them gone. */
export const OFFLINE_DELAY_MS = 3000;
/** A presence entry lives this many refresh intervals unless renewed. */
export const TTL_INTERVALS = 3;

/** What the tracker knows of a socket: whose it is. Sockets are told apart by identity. */
export interface PresenceSocket {
  /** The user the socket belongs to. */
  readonly userId: string;
  /** The tab is hidden or idle; absent or false: active. */
  readonly away?: boolean;
}

/** Options of {@linkcode PresenceTracker}. */
export interface PresenceTrackerOptions {
  /** The shared presence store. */
  presence: Presence;
  /** Id of this node; its entries are written under it. */
  nodeId: string;
  /** How often this node renews its entries; they live {@linkcode TTL_INTERVALS} times that. */
  refreshMs: number;
  /** Default {@linkcode OFFLINE_DELAY_MS}. */
  offlineDelayMs?: number;
  /** Timers for the offline delay; the real ones by default. */
  timers?: Timers;
  /**
   * Told when `user` came online on the first node, went offline on the last, or became away
   * or active again (`status` is then read over every node). Awaited: the user's next change
   * waits for it, and {@linkcode PresenceTracker.idle} covers it. On an arrival, `known` is the
   * friend digest the arriving socket was opened with (see {@linkcode PresenceTracker.opened}).
   */
  onChange: (
    user: string,
    status: PresenceStatus,
    known?: FriendDigest | null,
  ) => Promise<void> | void;
  /**
   * Whether this node is the only one writing presence now (`Broker.alone`): then a user's
   * first socket here makes them come online without reading their entries on other nodes,
   * one KV read less per connect (BENCHMARKS.md, "Connect storm and idle memory, round
   * three"). Asked at every arrival; never alone by default.
   */
  alone?: () => boolean;
}

/** Tracks this node's sockets per user and keeps their presence entries. */
export class PresenceTracker {
  #presence: Presence;
  #nodeId: string;
  #refreshMs: number;
  #ttlMs: number;
  #offlineDelayMs: number;
  #timers: Timers;
  #onChange: PresenceTrackerOptions["onChange"];
  #alone: () => boolean;
  /** Open sockets per user on this node (a lone socket as itself, not in a set). */
  #sockets: OneOrSetIndex<PresenceSocket> = new Map();
  /** Users whose every socket on this node is away. */
  #away = new Set<string>();
  /** Users whose last socket closed, waiting out the offline delay. */
  #leaving = new Map<string, unknown>();
  /** Users whose entry this node has written and not deleted: the ones it renews. */
  #written = new Set<string>();
  /** Tail of each user's queue: one user's writes and deletes run in order. */
  #queues = new Map<string, Promise<void>>();
  #refreshing: Promise<void> = Promise.resolve();
  /** Users whose first entry waits for the write in flight to end, and their shared write. */
  #arrivals: { users: string[]; written: Promise<void> } | undefined;
  /** The entry write of arriving users in flight, if any. */
  #arrivalsWriting: Promise<unknown> = Promise.resolve();
  #interval: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /** A tracker for node `options.nodeId`; call {@linkcode PresenceTracker.start} to renew. */
  constructor(options: PresenceTrackerOptions) {
    this.#presence = options.presence;
    this.#nodeId = options.nodeId;
    this.#refreshMs = options.refreshMs;
    this.#ttlMs = options.refreshMs * TTL_INTERVALS;
    this.#offlineDelayMs = options.offlineDelayMs ?? OFFLINE_DELAY_MS;
    this.#timers = options.timers ?? systemTimers;
    this.#onChange = options.onChange;
    this.#alone = options.alone ?? (() => false);
  }

  /**
   * Counts a socket that opened; the user's first socket here writes their entry. `friends`
   * is the user's friend digest as the connect read it (null: none stored), passed to
   * `onChange` if this opening makes the user come online, so telling their friends reads
   * nothing more; it is not kept.
   */
  opened(socket: PresenceSocket, friends?: FriendDigest | null): void {
    if (this.#closed) return;
    const user = socket.userId;
    if (addTo(this.#sockets, user, socket) > 1) return this.changed(socket);
    if (this.#leaving.has(user)) {
      // Back within the delay (a reload): the entry is still there and nobody was told.
      this.#timers.clearTimeout(this.#leaving.get(user));
      this.#leaving.delete(user);
      return;
    }
    this.#enqueue(user, () => this.#arrive(user, friends));
  }

  /** Forgets a socket that closed; the user's last one here starts the offline delay. */
  closed(socket: PresenceSocket): void {
    const user = socket.userId;
    if (!removeFrom(this.#sockets, user, socket)) return;
    if (this.#sockets.has(user)) return this.changed(socket);
    if (this.#closed) return;
    this.#leaving.set(
      user,
      this.#timers.setTimeout(() => {
        this.#leaving.delete(user);
        this.#enqueue(user, () => this.#leave(user));
      }, this.#offlineDelayMs),
    );
  }

  /**
   * Takes a socket whose `away` flag may have changed (or a user's set of sockets): when
   * that turns the user away on this node, or active again, their entry is rewritten and the
   * status over every node reported.
   */
  changed(socket: PresenceSocket): void {
    const user = socket.userId;
    if (this.#closed || !this.#sockets.has(user)) return;
    const away = [...valuesIn(this.#sockets, user)].every((one) => one.away === true);
    if (away === this.#away.has(user)) return;
    if (away) this.#away.add(user);
    else this.#away.delete(user);
    this.#enqueue(user, () => this.#restate(user));
  }

  /** Renews the entry of every user this node has written, in one batch. */
  refresh(): Promise<void> {
    const users = [...this.#written];
    if (this.#closed || users.length === 0) return this.#refreshing;
    const run = this.#refreshing
      .then(() => this.#presence.add(this.#nodeId, users, this.#ttlMs, this.#away))
      .catch((error) => console.error("presence: refresh failed", error));
    this.#refreshing = run;
    return run;
  }

  /** Starts renewing every `refreshMs` on a real timer. */
  start(): void {
    this.#interval ??= setInterval(() => this.refresh(), this.#refreshMs);
  }

  /** Resolves once every write, delete, report and renewal started so far has finished. */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.all(this.#queues.values());
    await this.#refreshing;
  }

  /**
   * Stops the timers and deletes this node's entries, telling nobody: the users' clients
   * reconnect to another node (which reports them online if they were gone) or their friends
   * see them offline at the next read of the friend list.
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#interval);
    for (const timer of this.#leaving.values()) this.#timers.clearTimeout(timer);
    this.#leaving.clear();
    await this.idle();
    const users = [...this.#written];
    this.#written.clear();
    await this.#presence.remove(this.#nodeId, users).catch((error) => {
      console.error("presence: removing this node's entries failed", error);
    });
  }

  async #arrive(user: string, friends: FriendDigest | null | undefined): Promise<void> {
    if (!this.#sockets.has(user) || this.#written.has(user)) return;
    await this.#writeArrival(user);
    this.#written.add(user);
    // Written first, read second: of two nodes racing, at least one sees the other's entry.
    // A node alone has no other entries to see.
    if (this.#alone() || (await this.#presence.nodesOf(user)).every((n) => n === this.#nodeId)) {
      await this.#onChange(user, this.#away.has(user) ? "away" : "online", friends);
    }
  }

  async #restate(user: string): Promise<void> {
    // Not written yet: the arrival writes the state; gone: the departure tells.
    if (!this.#written.has(user) || !this.#sockets.has(user)) return;
    await this.#refreshing;
    await this.#presence.add(this.#nodeId, [user], this.#ttlMs, this.#away);
    const status = (await this.#presence.statuses([user])).get(user) ?? "offline";
    await this.#onChange(user, status);
  }

  async #leave(user: string): Promise<void> {
    if (this.#sockets.has(user) || !this.#written.delete(user)) return;
    // A renewal that read this user before the line above must not write the entry back.
    await this.#refreshing;
    this.#away.delete(user);
    await this.#presence.remove(this.#nodeId, [user]);
    if ((await this.#presence.nodesOf(user)).length > 0) return;
    await this.#presence.wentOffline(user);
    await this.#onChange(user, "offline");
  }

  /**
   * Writes `user`'s first entry. While one such write is in flight, the users arriving meanwhile
   * wait for it to end and then share one write: a burst of connections costs a few commits,
   * not one each, and a lone arrival is written at once.
   */
  #writeArrival(user: string): Promise<void> {
    if (this.#arrivals) {
      this.#arrivals.users.push(user);
      return this.#arrivals.written;
    }
    const batch: { users: string[]; written: Promise<void> } = {
      users: [user],
      written: this.#arrivalsWriting.then(() => {
        this.#arrivals = undefined;
        return this.#presence.add(this.#nodeId, batch.users, this.#ttlMs, this.#away);
      }),
    };
    this.#arrivals = batch;
    this.#arrivalsWriting = batch.written.catch(() => {});
    return batch.written;
  }

  #enqueue(user: string, task: () => Promise<void>): void {
    const run = (this.#queues.get(user) ?? Promise.resolve()).then(task).catch((error) => {
      console.error(`presence: update of user ${user} failed`, error);
    }).finally(() => {
      if (this.#queues.get(user) === run) this.#queues.delete(user);
    });
    this.#queues.set(user, run);
  }
}
