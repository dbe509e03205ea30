/**
 * What the room services do after a committed change: tell the members live, drop a removed
 * user's sockets on every node, and write the room's system messages, each naming the actor.
 *
 * @module
 */
import type { Accounts } from "../accounts/accounts.ts";
import type { RemovalReason } from "../common/api_types.ts";
import type { RoomEvent } from "../common/protocol.ts";
import type { PostSystemMessage } from "../messages/room_events.ts";
import type { Broker } from "../realtime/broker/broker.ts";
import type { Notify } from "../social/friends.ts";
import { membersOfRoom } from "./memberships.ts";
import { markRoomLists } from "./rooms_mark.ts";
import type { RoomRecord } from "./room_record.ts";
import { summary } from "./room_summary.ts";

/**
 * A change to a room's record ({@linkcode RoomEvent}s that have a `by` and no `user`), before
 * {@linkcode RoomNotices.announce} names the actor as `by`.
 */
export type RoomChange = WithoutBy<Exclude<Extract<RoomEvent, { by: string }>, { user: string }>>;
type WithoutBy<E> = E extends unknown ? Omit<E, "by"> : never;

/** Largest number of members read to tell a room's members of a change (and to list them). */
export const MEMBER_LIST_LIMIT = 1000;

/** The side effects of a room change, shared by the room services. */
export class RoomNotices {
  #kv: Deno.Kv;
  #accounts: Accounts;
  #broker: Broker;
  #notify: Notify;
  /** Appends a system message to a room's log. */
  readonly post: PostSystemMessage;

  /** Reads members from `kv`, names from `accounts`; tells through `broker` and `notify`. */
  constructor(
    kv: Deno.Kv,
    accounts: Accounts,
    broker: Broker,
    notify: Notify,
    post: PostSystemMessage,
  ) {
    this.#kv = kv;
    this.#accounts = accounts;
    this.#broker = broker;
    this.#notify = notify;
    this.post = post;
  }

  /**
   * Tells the room's members (live, `room_updated`) that `room` changed, after setting their
   * `rooms_mark` (`markRoomLists`), and writes one system message per change, each made `by`
   * the actor ("alice renamed the room to …").
   */
  async announce(actorId: string, room: RoomRecord, ...changes: RoomChange[]): Promise<void> {
    const [by] = await this.names(actorId);
    for (const change of changes) await this.post(room.id, { ...change, by });
    const members = (await membersOfRoom(this.#kv, room.id, MEMBER_LIST_LIMIT)).map((m) =>
      m.userId
    );
    // Dated before it is told: a page whose socket was not there reads its list again.
    await markRoomLists(this.#kv, members);
    this.#notify(members, { kind: "room_updated", room: summary(room) });
  }

  /**
   * Drops the room from the users' live sockets (every node) and sidebars. With `reason` (a
   * kick, ban or deletion by someone else) the users are told why; `actorId`, the member who
   * did it, is told nothing beyond the removal.
   */
  removed(roomId: string, users: string[], reason?: RemovalReason, actorId?: string): void {
    for (const user of users) this.#broker.publish({ kind: "left", room: roomId, user });
    const told = reason ? users.filter((user) => user !== actorId) : users;
    if (told.length > 0) this.#notify(told, { kind: "room_removed", roomId, reason });
    if (reason && actorId && users.includes(actorId)) {
      this.#notify([actorId], { kind: "room_removed", roomId });
    }
  }

  /**
   * Tells one member's sockets on every node to read their right to post afresh and, when
   * `muted` is given, tells the member who muted or unmuted them (the composer shows it).
   */
  rightsChanged(
    roomId: string,
    userId: string,
    muted?: { room: string; by: string; muted: boolean },
  ): void {
    this.#broker.publish({ kind: "rights_changed", room: roomId, user: userId });
    if (muted) this.#notify([userId], { kind: "muted", roomId, ...muted });
  }

  /**
   * Tells every connected user that the Discover entry of a room changed: `next` is listed
   * (created, renamed, new topic or picture) or, null, no longer is. Nothing is sent when
   * neither version is public. One broker event; each node encodes it once for all sockets.
   */
  discoverChanged(previous: RoomRecord | null, next: RoomRecord | null): void {
    const listed = next?.visibility === "public" ? next : null;
    if (!listed && previous?.visibility !== "public") return;
    const roomId = (next ?? previous)!.id;
    this.#broker.publish({
      kind: "everyone_event",
      event: { kind: "discover", roomId, room: listed ? summary(listed) : null },
    });
  }

  /** Tells `userId` live that they are now in `room`. */
  added(userId: string, room: RoomRecord): void {
    this.#notify([userId], { kind: "room_joined", room: summary(room) });
  }

  /** The usernames of `userIds`, in order; "someone" for an account that is gone. */
  async names<T extends string[]>(...userIds: T): Promise<{ [K in keyof T]: string }> {
    const names = await Promise.all(
      userIds.map(async (id) => (await this.#accounts.get(id))?.name ?? "someone"),
    );
    // Promise.all over `userIds.map` types the result as string[], losing the tuple's length.
    return names as { [K in keyof T]: string };
  }
}
