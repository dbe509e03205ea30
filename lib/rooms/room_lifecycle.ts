/**
 * The end of a membership or of a room: a member leaves (the owner must hand the room over
 * first), or the owner deletes the room with everything stored under it.
 *
 * @module
 */
import { type Outcome, refusal } from "../common/refusal.ts";
import { roleOf } from "../common/room_roles.ts";
import { commitAtomic } from "../kv/kv_commit.ts";
import { deleteKeys } from "../kv/kv_delete.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { deleteMembership, membershipKey, membershipKeys, membersOfRoom } from "./memberships.ts";
import { indexPublicRoom } from "./public_rooms.ts";
import { markRoomLists } from "./rooms_mark.ts";
import { FORBIDDEN, isGroupMember, NO_SUCH_ROOM } from "./room_access.ts";
import type { RoomNotices } from "./room_notices.ts";
import type { Membership, RoomRecord } from "./room_record.ts";

/** Leaving and deleting rooms, checked on the server. */
export class RoomLifecycle {
  #kv: Deno.Kv;
  #notices: RoomNotices;
  #onRemoved: (roomId: string) => void;

  /**
   * Stores in `kv`; tells and logs through `notices`; calls `onRemoved` after a room and its
   * messages are deleted (the file sweeper then drops the files only they used).
   */
  constructor(kv: Deno.Kv, notices: RoomNotices, onRemoved: (roomId: string) => void = () => {}) {
    this.#kv = kv;
    this.#notices = notices;
    this.#onRemoved = onRemoved;
  }

  /** Leaves a group room. The owner must transfer ownership or delete the room first. */
  async leave(userId: string, roomId: string): Promise<Outcome> {
    return await transact<Outcome>("moderation", async () => {
      const [room, mine] = await this.#kv.getMany<[RoomRecord, Membership]>([
        keys.room(roomId),
        membershipKey(roomId, userId),
      ]);
      if (room.value?.visibility === "direct") {
        return refusal(400, "refusal.directCannotLeave");
      }
      if (!mine.value) return { ok: true };
      if (roleOf(mine.value, room.value?.createdBy === userId) === "owner") {
        return refusal(409, "refusal.ownerCannotLeave");
      }
      return commit(deleteMembership(this.#kv.atomic().check(mine), roomId, userId), async () => {
        this.#notices.removed(roomId, [userId]);
        const [who] = await this.#notices.names(userId);
        if (room.value) await this.#notices.post(roomId, { type: "left", user: who });
        return { ok: true };
      });
    });
  }

  /**
   * Deletes the room (owner only): the room record and its Discover entry first, so nobody can
   * join any more, then memberships, bans, links, the search index and messages in batches; every member's
   * `rooms_mark` is set and their sockets drop the room.
   */
  async remove(actorId: string, roomId: string): Promise<Outcome> {
    const [room, actor] = await this.#kv.getMany<[RoomRecord, Membership]>([
      keys.room(roomId),
      membershipKey(roomId, actorId),
    ]);
    if (!isGroupMember(room.value, actor.value)) return NO_SUCH_ROOM;
    if (roleOf(actor.value!, room.value.createdBy === actorId) !== "owner") return FORBIDDEN;
    return await this.#destroy(room as Deno.KvEntry<RoomRecord>, actorId, [actor]);
  }

  /**
   * Deletes a group room as the site's administrator `adminId` (checked by the caller), member
   * or not, exactly as its owner would.
   */
  async removeAsAdministrator(adminId: string, roomId: string): Promise<Outcome> {
    const room = await this.#kv.get<RoomRecord>(keys.room(roomId));
    if (!room.value || room.value.visibility === "direct") return NO_SUCH_ROOM;
    return await this.#destroy(room as Deno.KvEntry<RoomRecord>, adminId, []);
  }

  async #destroy(
    room: Deno.KvEntry<RoomRecord>,
    actorId: string,
    checked: Deno.AtomicCheck[],
  ): Promise<Outcome> {
    const roomId = room.value.id;
    const atomic = this.#kv.atomic().check(room, ...checked).delete(keys.room(roomId));
    const deleted = await commitAtomic(indexPublicRoom(atomic, room.value, null));
    if (!deleted.ok) return refusal(409, "refusal.roomChanged");
    const members = (await membersOfRoom(this.#kv, roomId)).map((member) => member.userId);
    const doomed: Deno.KvKey[] = members.flatMap((id) => [
      ...membershipKeys(roomId, id),
      keys.userBigRoom(id, roomId),
    ]);
    doomed.push(keys.roomAvatar(roomId), keys.roomMembersRev(roomId));
    for await (const entry of this.#kv.list({ prefix: keys.roomBans(roomId) })) {
      doomed.push(entry.key);
    }
    for await (const entry of this.#kv.list({ prefix: keys.roomInvites(roomId) })) {
      doomed.push(entry.key, keys.invite(decode.roomInvite(entry.key)));
    }
    await deleteKeys(this.#kv, doomed);
    await markRoomLists(this.#kv, members);
    const [by] = await this.#notices.names(actorId);
    this.#notices.removed(roomId, members, { why: "deleted", room: room.value.name, by }, actorId);
    this.#notices.discoverChanged(room.value, null);
    await this.#deleteMessages(roomId);
    this.#onRemoved(roomId);
    return { ok: true };
  }

  async #deleteMessages(roomId: string): Promise<void> {
    const prefixes = [keys.messages(roomId), keys.roomClientIds(roomId)];
    for (const prefix of prefixes) {
      const found: Deno.KvKey[] = [];
      for await (const entry of this.#kv.list({ prefix })) found.push(entry.key);
      await deleteKeys(this.#kv, found);
    }
    // room_last: a summary of the old layout (lib/messages/room_head.ts), if the room has one.
    await deleteKeys(this.#kv, [keys.roomHead(roomId), keys.roomLast(roomId)]);
  }
}
