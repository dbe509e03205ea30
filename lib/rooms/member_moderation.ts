/**
 * Moderation of a group room's members: kick, ban and unban, mute and unmute, promote and
 * demote, ownership transfer, and direct invites of friends. Every change is one atomic commit
 * checked against what it read (the room, the actor's and the target's memberships, the ban),
 * so a concurrent demotion or kick can never let a stale permission through. Rank rules are in
 * `room_roles.ts`.
 *
 * After a commit, a removed user gets a `left` broker event (their sockets stop receiving the
 * room at once, on every node) and a `room_removed` notice; kicks, bans, transfers and invites
 * are written to the room's log as system messages.
 *
 * @module
 */
import { type Accounts, accountsLive } from "../accounts/accounts.ts";
import type { Clock } from "../common/clock.ts";
import { type Outcome, type Refusal, refusal } from "../common/refusal.ts";
import { isManager, mayModerate, type ModAction, roleOf } from "../common/room_roles.ts";
import { keys } from "../kv/kv_keys.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { addMembership, deleteMembership, membershipKey, setMembership } from "./memberships.ts";
import { FORBIDDEN, isGroupMember, NO_SUCH_ROOM, refuseUnlessManager } from "./room_access.ts";
import type { RoomNotices } from "./room_notices.ts";
import type { Membership, RoomRecord } from "./room_record.ts";

const NO_SUCH_MEMBER: Refusal = refusal(404, "refusal.noSuchMember");
const FRIENDS_ONLY: Refusal = refusal(403, "refusal.inviteFriendsOnly");

/** Moderation of a room's members, checked on the server. */
export class MemberModeration {
  #kv: Deno.Kv;
  #clock: Clock;
  #accounts: Accounts;
  #notices: RoomNotices;

  /** Stores in `kv`; finds users in `accounts`; tells and logs through `notices`. */
  constructor(kv: Deno.Kv, clock: Clock, accounts: Accounts, notices: RoomNotices) {
    this.#kv = kv;
    this.#clock = clock;
    this.#accounts = accounts;
    this.#notices = notices;
  }

  /** Applies `action` by `actorId` to `targetId`; see `mayModerate` for who may do what. */
  async act(
    actorId: string,
    roomId: string,
    targetId: string,
    action: ModAction,
  ): Promise<Outcome> {
    return await transact<Outcome>("moderation", async () => {
      const read = await this.#kv.getMany<[RoomRecord, Membership, Membership, unknown]>([
        keys.room(roomId),
        membershipKey(roomId, actorId),
        membershipKey(roomId, targetId),
        keys.roomBan(roomId, targetId),
      ]);
      const [room, actor, target, ban] = read;
      if (!isGroupMember(room.value, actor.value)) return NO_SUCH_ROOM;
      const actorRole = roleOf(actor.value!, room.value.createdBy === actorId);
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
          if (action === "mute") Object.assign(next, { muted: true, mutedBy: actorId });
          if (action === "unmute") {
            delete next.muted;
            delete next.mutedBy;
          }
          if (action === "promote") next.role = "admin";
          // Explicit, never absent: an absent role on the creator's membership means owner.
          if (action === "demote") next.role = "member";
          setMembership(atomic, roomId, targetId, next);
        }
      }
      return commit(atomic, async () => {
        const name = room.value!.name;
        if (action === "mute" || action === "unmute") {
          const [by] = await this.#notices.names(actorId);
          this.#notices.rightsChanged(roomId, targetId, {
            room: name,
            by,
            muted: action === "mute",
          });
        }
        if ((action === "kick" || action === "ban") && target.value) {
          const [who, by] = await this.#notices.names(targetId, actorId);
          const type = action === "kick" ? "kicked" : "banned";
          this.#notices.removed(roomId, [targetId], { why: type, room: name, by });
          await this.#notices.post(roomId, { type, user: who, by });
        }
        return { ok: true };
      });
    });
  }

  /** Makes `targetId` the owner; the previous owner becomes an admin. Owner only. */
  async transfer(actorId: string, roomId: string, targetId: string): Promise<Outcome> {
    return await transact<Outcome>("moderation", async () => {
      const read = await this.#kv.getMany<[RoomRecord, Membership, Membership]>([
        keys.room(roomId),
        membershipKey(roomId, actorId),
        membershipKey(roomId, targetId),
      ]);
      const [room, actor, target] = read;
      if (!isGroupMember(room.value, actor.value)) return NO_SUCH_ROOM;
      const actorRole = roleOf(actor.value!, room.value.createdBy === actorId);
      if (actorRole !== "owner" || actorId === targetId) return FORBIDDEN;
      if (!target.value) return NO_SUCH_MEMBER;
      const atomic = this.#kv.atomic().check(...read);
      setMembership(atomic, roomId, actorId, { ...actor.value!, role: "admin" });
      setMembership(atomic, roomId, targetId, { ...target.value, role: "owner" });
      return commit(atomic, async () => {
        const [who, by] = await this.#notices.names(targetId, actorId);
        await this.#notices.post(roomId, { type: "owner_changed", user: who, by });
        return { ok: true };
      });
    });
  }

  /**
   * Adds a friend of the actor to the room directly and tells them live. Owner and admins;
   * unknown users, non-friends and banned users get one answer.
   */
  async invite(actorId: string, roomId: string, username: string): Promise<Outcome> {
    const invitee = await this.#accounts.findByName(username);
    return await transact<Outcome>("moderation", async () => {
      const [room, actor] = await this.#kv.getMany<[RoomRecord, Membership]>([
        keys.room(roomId),
        membershipKey(roomId, actorId),
      ]);
      const refused = refuseUnlessManager(room.value, actor.value, actorId);
      if (refused) return refused;
      if (!invitee || invitee.id === actorId) return FRIENDS_ONLY;
      const more = await this.#kv.getMany<[unknown, unknown, Membership, unknown]>([
        keys.friend(actorId, invitee.id),
        keys.roomBan(roomId, invitee.id),
        membershipKey(roomId, invitee.id),
        keys.user(invitee.id),
      ]);
      const [friend, ban, existing, account] = more;
      // An account being deleted is answered as an unknown user.
      if (!friend.versionstamp || ban.versionstamp || !accountsLive([account])) return FRIENDS_ONLY;
      if (existing.value) return refusal(409, "refusal.alreadyMember");
      const atomic = this.#kv.atomic().check(room, actor, ...more);
      const membership: Membership = { joinedAt: this.#clock.now(), role: "member" };
      addMembership(atomic, roomId, invitee.id, membership, account);
      return commit(atomic, async () => {
        this.#notices.added(invitee.id, room.value!);
        const [by] = await this.#notices.names(actorId);
        await this.#notices.post(roomId, { type: "added", user: invitee.name, by });
        return { ok: true };
      });
    });
  }
}
