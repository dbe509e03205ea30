/**
 * Moderation of group rooms: the member list, direct invites of friends, kick, ban, mute,
 * promote and demote, ownership transfer, rename and topic, leave and delete. Every change is
 * one atomic commit checked against what it read (the room, the actor's and the target's
 * memberships, the ban), so a concurrent demotion or kick can never let a stale permission
 * through. Rank rules are in `room_roles.ts`.
 *
 * After a commit, a removed user gets a `left` broker event (their sockets stop receiving the
 * room at once, on every node) and a `room_removed` notice; joins, leaves, kicks, bans and
 * renames are written to the room's log as system messages.
 *
 * A non-member gets the same 404 as for a room that does not exist.
 *
 * @module
 */
import type { Accounts } from "../accounts/accounts.ts";
import type { PublicProfile, RoomDetails } from "../common/api_types.ts";
import type { Broker } from "../realtime/broker/broker.ts";
import type { Clock } from "../common/clock.ts";
import { roomFieldsProblem } from "../common/room_rules.ts";
import type { Notify } from "../social/friends.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import type { Profiles } from "../accounts/profiles.ts";
import {
  deleteMembership,
  membershipKey,
  membershipKeys,
  membersOfRoom,
  setMembership,
} from "./memberships.ts";
import { indexPublicRoom } from "./public_rooms.ts";
import type { PostSystemMessage } from "../messages/room_events.ts";
import { isManager, mayModerate, type ModAction, roleOf } from "../common/room_roles.ts";
import type { Membership, RoomRecord } from "./room_record.ts";
import { summary } from "./room_summary.ts";

/** A refused request; nothing was changed. */
export interface ModerationRefusal {
  ok: false;
  status: 400 | 403 | 404 | 409;
  error: string;
}

/** Outcome of every moderation request. */
export type ModerationResult = { ok: true } | ModerationRefusal;

/** Largest number of members listed by {@linkcode Moderation.details}. */
export const MEMBER_LIST_LIMIT = 1000;
const BATCH = 500;
/** For non-members, the answer for a room that does not exist. */
export const NO_SUCH_ROOM: ModerationRefusal = { ok: false, status: 404, error: "No such room" };
const FORBIDDEN: ModerationRefusal = {
  ok: false,
  status: 403,
  error: "You are not allowed to do that in this room",
};
const NO_SUCH_MEMBER: ModerationRefusal = { ok: false, status: 404, error: "No such member" };
const FRIENDS_ONLY: ModerationRefusal = {
  ok: false,
  status: 403,
  error: "You can only invite your friends (who are not banned from this room)",
};

/** What {@linkcode Moderation.editRoom} commits for one change of a room's record. */
export interface RoomEdit {
  /** The room record to store. */
  next: RoomRecord;
  /** Other writes of the same commit. */
  write?: (atomic: Deno.AtomicOperation) => void;
  /** System messages to post, as "<actor> <event>". */
  events: string[];
}

/** Room moderation, checked on the server. */
export class Moderation {
  #kv: Deno.Kv;
  #clock: Clock;
  #accounts: Accounts;
  #profiles: Profiles;
  #broker: Broker;
  #notify: Notify;
  #post: PostSystemMessage;

  /** Stores in `kv`; publishes `left` on `broker`, notices through `notify`, events via `post`. */
  constructor(
    kv: Deno.Kv,
    clock: Clock,
    accounts: Accounts,
    profiles: Profiles,
    broker: Broker,
    notify: Notify,
    post: PostSystemMessage,
  ) {
    this.#kv = kv;
    this.#clock = clock;
    this.#accounts = accounts;
    this.#profiles = profiles;
    this.#broker = broker;
    this.#notify = notify;
    this.#post = post;
  }

  /** The room, the viewer's role and the member list; null unless the viewer is a member. */
  async details(roomId: string, viewerId: string): Promise<RoomDetails | null> {
    const [room, mine] = await this.#kv.getMany<[RoomRecord, Membership]>([
      keys.room(roomId),
      membershipKey(roomId, viewerId),
    ]);
    if (!room.value || room.value.visibility === "direct" || !mine.value) return null;
    const memberships = await membersOfRoom(this.#kv, roomId, MEMBER_LIST_LIMIT);
    const profiles = new Map(
      (await this.#profiles.getMany(memberships.map((m) => m.userId))).map((p) => [p.id, p]),
    );
    const role = roleOf(mine.value, room.value.createdBy === viewerId);
    const banned: PublicProfile[] = [];
    if (isManager(role)) {
      const ids: string[] = [];
      for await (const entry of this.#kv.list({ prefix: keys.roomBans(roomId) }, { limit: 200 })) {
        ids.push(decode.roomBan(entry.key));
      }
      banned.push(...await this.#profiles.getMany(ids));
    }
    return {
      room: { ...summary(room.value), visibility: room.value.visibility },
      role,
      members: memberships.flatMap(({ userId: id, membership }) => {
        const user = profiles.get(id);
        return user
          ? [{
            user,
            role: roleOf(membership, room.value.createdBy === id),
            muted: membership.muted === true,
            joinedAt: membership.joinedAt,
          }]
          : [];
      }),
      banned,
    };
  }

  /** Applies `action` by `actorId` to `targetId`; see `mayModerate` for who may do what. */
  async act(
    actorId: string,
    roomId: string,
    targetId: string,
    action: ModAction,
  ): Promise<ModerationResult> {
    return await transact<ModerationResult>("moderation", async () => {
      const read = await this.#kv.getMany<[RoomRecord, Membership, Membership, unknown]>([
        keys.room(roomId),
        membershipKey(roomId, actorId),
        membershipKey(roomId, targetId),
        keys.roomBan(roomId, targetId),
      ]);
      const [room, actor, target, ban] = read;
      if (!room.value || room.value.visibility === "direct" || !actor.value) return NO_SUCH_ROOM;
      const actorRole = roleOf(actor.value, room.value.createdBy === actorId);
      const targetRole = roleOf(target.value, room.value.createdBy === targetId);
      if (!isManager(actorRole)) return FORBIDDEN;
      if (!mayModerate(actorRole, targetRole, action, actorId === targetId)) return FORBIDDEN;
      const atomic = this.#kv.atomic().check(...read);
      if (action === "ban" || action === "unban") {
        if (action === "unban" && !ban.versionstamp) return NO_SUCH_MEMBER;
        if (action === "ban" && !(await this.#accounts.get(targetId))) return NO_SUCH_MEMBER;
        if (action === "ban") {
          atomic.set(keys.roomBan(roomId, targetId), { at: this.#clock.now(), by: actorId });
          deleteMembership(atomic, roomId, targetId);
        } else atomic.delete(keys.roomBan(roomId, targetId));
      } else {
        if (!target.value) return NO_SUCH_MEMBER;
        if (action === "kick") deleteMembership(atomic, roomId, targetId);
        else {
          const next: Membership = { ...target.value };
          if (action === "mute") next.muted = true;
          if (action === "unmute") delete next.muted;
          if (action === "promote") next.role = "admin";
          // Explicit, never absent: an absent role on the creator's membership means owner.
          if (action === "demote") next.role = "member";
          setMembership(atomic, roomId, targetId, next);
        }
      }
      return commit(atomic, async () => {
        if (action === "mute" || action === "unmute") {
          this.#broker.publish({ kind: "rights_changed", room: roomId, user: targetId });
        }
        if ((action === "kick" || action === "ban") && target.value) {
          this.#removed(roomId, [targetId]);
          const [who, by] = await this.#names(targetId, actorId);
          const done = action === "kick" ? "kicked" : "banned";
          await this.#post(roomId, `${who} was ${done} by ${by}`);
        }
        return { ok: true };
      });
    });
  }

  /** Makes `targetId` the owner; the previous owner becomes an admin. Owner only. */
  async transfer(actorId: string, roomId: string, targetId: string): Promise<ModerationResult> {
    return await transact<ModerationResult>("moderation", async () => {
      const read = await this.#kv.getMany<[RoomRecord, Membership, Membership]>([
        keys.room(roomId),
        membershipKey(roomId, actorId),
        membershipKey(roomId, targetId),
      ]);
      const [room, actor, target] = read;
      if (!room.value || room.value.visibility === "direct" || !actor.value) return NO_SUCH_ROOM;
      const actorRole = roleOf(actor.value, room.value.createdBy === actorId);
      if (actorRole !== "owner" || actorId === targetId) return FORBIDDEN;
      if (!target.value) return NO_SUCH_MEMBER;
      const atomic = this.#kv.atomic().check(...read);
      setMembership(atomic, roomId, actorId, { ...actor.value, role: "admin" });
      setMembership(atomic, roomId, targetId, { ...target.value, role: "owner" });
      return commit(atomic, async () => {
        const [who, by] = await this.#names(targetId, actorId);
        await this.#post(roomId, `${by} made ${who} the owner`);
        return { ok: true };
      });
    });
  }

  /** Renames the room and/or sets its topic. Owner and admins. */
  async update(
    actorId: string,
    roomId: string,
    change: { name?: string; topic?: string },
  ): Promise<ModerationResult> {
    const name = change.name?.trim();
    const topic = change.topic?.trim();
    const problem = roomFieldsProblem(name, topic);
    if (problem) return { ok: false, status: 400, error: problem };
    return await this.editRoom(actorId, roomId, (room) => {
      const next: RoomRecord = { ...room, name: name ?? room.name, topic: topic ?? room.topic };
      const events: string[] = [];
      if (next.name !== room.name) events.push(`renamed the room to “${next.name}”`);
      if (next.topic !== room.topic) {
        events.push(next.topic ? `set the topic: ${next.topic}` : "cleared the topic");
      }
      return { next, events };
    });
  }

  /**
   * Changes a group room's record as its owner or an admin. `edit` gets the stored room and
   * returns the next record, any other writes of the same commit and the system messages to
   * post, or null when there is nothing to change. The commit is checked against what was
   * read and keeps the Discover index current; members are told live. A non-member gets the
   * answer for a room that does not exist.
   */
  async editRoom(
    actorId: string,
    roomId: string,
    edit: (room: RoomRecord) => RoomEdit | null,
  ): Promise<ModerationResult> {
    return await transact<ModerationResult>("moderation", async () => {
      const read = await this.#kv.getMany<[RoomRecord, Membership]>([
        keys.room(roomId),
        membershipKey(roomId, actorId),
      ]);
      const [room, actor] = read;
      const refusal = refuseUnlessManager(room.value, actor.value, actorId);
      if (refusal) return refusal;
      const change = edit(room.value!);
      if (!change) return { ok: true };
      const atomic = this.#kv.atomic().check(...read).set(keys.room(roomId), change.next);
      change.write?.(atomic);
      return commit(indexPublicRoom(atomic, room.value, change.next), async () => {
        await this.#announce(actorId, change.next, ...change.events);
        return { ok: true };
      });
    });
  }

  /**
   * Adds a friend of the actor to the room directly and tells them live. Owner and admins;
   * unknown users, non-friends and banned users get one answer.
   */
  async invite(actorId: string, roomId: string, username: string): Promise<ModerationResult> {
    const invitee = await this.#accounts.findByName(username);
    return await transact<ModerationResult>("moderation", async () => {
      const [room, actor] = await this.#kv.getMany<[RoomRecord, Membership]>([
        keys.room(roomId),
        membershipKey(roomId, actorId),
      ]);
      const refusal = refuseUnlessManager(room.value, actor.value, actorId);
      if (refusal) return refusal;
      if (!invitee || invitee.id === actorId) return FRIENDS_ONLY;
      const more = await this.#kv.getMany<[unknown, unknown, Membership]>([
        keys.friend(actorId, invitee.id),
        keys.roomBan(roomId, invitee.id),
        membershipKey(roomId, invitee.id),
      ]);
      const [friend, ban, existing] = more;
      if (!friend.versionstamp || ban.versionstamp) return FRIENDS_ONLY;
      if (existing.value) return { ok: false, status: 409, error: "Already a member" };
      const atomic = this.#kv.atomic().check(room, actor, ...more);
      setMembership(atomic, roomId, invitee.id, { joinedAt: this.#clock.now(), role: "member" });
      return commit(atomic, async () => {
        this.#notify([invitee.id], { kind: "room_joined", room: summary(room.value!) });
        const [by] = await this.#names(actorId);
        await this.#post(roomId, `${invitee.name} was added by ${by}`);
        return { ok: true };
      });
    });
  }

  /** Leaves a group room. The owner must transfer ownership or delete the room first. */
  async leave(userId: string, roomId: string): Promise<ModerationResult> {
    return await transact<ModerationResult>("moderation", async () => {
      const [room, mine] = await this.#kv.getMany<[RoomRecord, Membership]>([
        keys.room(roomId),
        membershipKey(roomId, userId),
      ]);
      if (room.value?.visibility === "direct") {
        return { ok: false, status: 400, error: "A direct conversation cannot be left" };
      }
      if (!mine.value) return { ok: true };
      if (roleOf(mine.value, room.value?.createdBy === userId) === "owner") {
        return {
          ok: false,
          status: 409,
          error: "You are the owner: transfer ownership or delete the room before leaving",
        };
      }
      return commit(deleteMembership(this.#kv.atomic().check(mine), roomId, userId), async () => {
        this.#removed(roomId, [userId]);
        const [who] = await this.#names(userId);
        if (room.value) await this.#post(roomId, `${who} left`);
        return { ok: true };
      });
    });
  }

  /**
   * Deletes the room (owner only): the room record and its Discover entry first, so nobody can
   * join any more, then memberships, bans, links and messages in batches; every member's
   * sockets drop the room.
   */
  async remove(actorId: string, roomId: string): Promise<ModerationResult> {
    const [room, actor] = await this.#kv.getMany<[RoomRecord, Membership]>([
      keys.room(roomId),
      membershipKey(roomId, actorId),
    ]);
    if (!room.value || room.value.visibility === "direct" || !actor.value) return NO_SUCH_ROOM;
    if (roleOf(actor.value, room.value.createdBy === actorId) !== "owner") return FORBIDDEN;
    const atomic = this.#kv.atomic().check(room, actor).delete(keys.room(roomId));
    const deleted = await commitAtomic(indexPublicRoom(atomic, room.value, null));
    if (!deleted.ok) return { ok: false, status: 409, error: "The room changed; try again" };
    const members = (await membersOfRoom(this.#kv, roomId)).map((member) => member.userId);
    const doomed: Deno.KvKey[] = members.flatMap((id) => membershipKeys(roomId, id));
    doomed.push(keys.roomAvatar(roomId));
    for await (const entry of this.#kv.list({ prefix: keys.roomBans(roomId) })) {
      doomed.push(entry.key);
    }
    for await (const entry of this.#kv.list({ prefix: keys.roomInvites(roomId) })) {
      doomed.push(entry.key, keys.invite(decode.roomInvite(entry.key)));
    }
    await this.#deleteAll(doomed);
    this.#removed(roomId, members);
    await this.#deleteMessages(roomId);
    return { ok: true };
  }

  async #deleteMessages(roomId: string): Promise<void> {
    for (const prefix of [keys.messages(roomId), keys.roomClientIds(roomId)]) {
      const found: Deno.KvKey[] = [];
      for await (const entry of this.#kv.list({ prefix })) found.push(entry.key);
      await this.#deleteAll(found);
    }
    await this.#kv.delete(keys.roomHead(roomId));
  }

  async #deleteAll(doomed: Deno.KvKey[]): Promise<void> {
    for (let i = 0; i < doomed.length; i += BATCH) {
      const atomic = this.#kv.atomic();
      for (const key of doomed.slice(i, i + BATCH)) atomic.delete(key);
      await commitAtomic(atomic);
    }
  }

  /**
   * Tells the room's members (live, `room_updated`) that `room` changed, and writes one system
   * message per event, each after the actor's name ("alice renamed the room to …").
   */
  async #announce(actorId: string, room: RoomRecord, ...events: string[]): Promise<void> {
    const [by] = await this.#names(actorId);
    for (const event of events) await this.#post(room.id, `${by} ${event}`);
    this.#notify(await this.#memberIds(room.id), { kind: "room_updated", room: summary(room) });
  }

  /** Drops the room from the users' live sockets (every node) and sidebars. */
  #removed(roomId: string, users: string[]): void {
    for (const user of users) this.#broker.publish({ kind: "left", room: roomId, user });
    if (users.length > 0) this.#notify(users, { kind: "room_removed", roomId });
  }

  async #memberIds(roomId: string): Promise<string[]> {
    return (await membersOfRoom(this.#kv, roomId, MEMBER_LIST_LIMIT)).map((m) => m.userId);
  }

  async #names(...userIds: string[]): Promise<string[]> {
    return await Promise.all(
      userIds.map(async (id) => (await this.#accounts.get(id))?.name ?? "someone"),
    );
  }
}

/**
 * Why `actorId` may not run the room: {@linkcode NO_SUCH_ROOM} when it is not a group room
 * they are in, a 403 when they are a plain member; null for its owner and admins.
 */
function refuseUnlessManager(
  room: RoomRecord | null,
  actor: Membership | null,
  actorId: string,
): ModerationRefusal | null {
  if (!room || room.visibility === "direct" || !actor) return NO_SUCH_ROOM;
  return isManager(roleOf(actor, room.createdBy === actorId)) ? null : FORBIDDEN;
}
