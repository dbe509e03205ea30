/**
 * Direct conversations: a room with `visibility: "direct"` and exactly two members, friends
 * when it was opened. Its id comes from the pair ({@linkcode directRoomId}), and it is
 * created under an atomic check, so two users opening it at once get the one room. Messages,
 * acks, history and resume are the ordinary room machinery.
 *
 * No room is created once either account's deletion has begun (its commit checks both user
 * records, `Accounts.beginDeletion`): the deletion lists the rooms to leave before it ends the
 * friendship, so a room created between the two would keep the deleted user as a member.
 *
 * Posting needs a current friendship: after an unfriend or a block both members can still
 * read the history, but every send is refused.
 *
 * @module
 */
import { type Accounts, accountsLive } from "../accounts/accounts.ts";
import type { DirectRoom, PublicProfile } from "../common/api_types.ts";
import type { Clock } from "../common/clock.ts";
import { directRoomId, isDirectRoomId } from "./direct_room_id.ts";
import type { Notify } from "./friends.ts";
import { keys } from "../kv/kv_keys.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import type { Profiles } from "../accounts/profiles.ts";
import { addMembership, roomsOfUser } from "../rooms/memberships.ts";
import { readRooms } from "../rooms/rooms.ts";
import type { Membership, RoomRecord } from "../rooms/room_record.ts";
import { type Outcome, type Refusal, refusal } from "../common/refusal.ts";

/** Outcome of {@linkcode DirectMessages.open}; refusals are the same whatever the reason. */
export type OpenResult = Outcome<{ room: DirectRoom }>;

/** One answer for unknown users, non-friends and blocks either way. */
const FRIENDS_ONLY: Refusal = refusal(403, "refusal.dmFriendsOnly");

/** Opens, lists and guards direct conversations. */
export class DirectMessages {
  #kv: Deno.Kv;
  #clock: Clock;
  #accounts: Accounts;
  #profiles: Profiles;
  #notify: Notify;

  /** Stores rooms in `kv`; `notify` tells both members when a conversation is opened. */
  constructor(kv: Deno.Kv, clock: Clock, accounts: Accounts, profiles: Profiles, notify: Notify) {
    this.#kv = kv;
    this.#clock = clock;
    this.#accounts = accounts;
    this.#profiles = profiles;
    this.#notify = notify;
  }

  /**
   * Returns the conversation of `userId` with `username` (the secret chat when `encrypted`),
   * creating it when needed. Refused
   * (with one answer for every reason) unless the two are friends and neither blocked the
   * other.
   */
  async open(userId: string, username: string, encrypted = false): Promise<OpenResult> {
    const other = await this.#accounts.findByName(username);
    if (!other || other.id === userId) return FRIENDS_ONLY;
    const roomId = await directRoomId(userId, other.id, encrypted ? "secret" : "plain");
    return await transact<OpenResult>("open direct room", async () => {
      const read = await this.#kv.getMany<unknown[]>([
        keys.friend(userId, other.id),
        keys.friend(other.id, userId),
        keys.block(userId, other.id),
        keys.block(other.id, userId),
        keys.room(roomId),
        keys.user(userId),
        keys.user(other.id),
      ]);
      const [friendA, friendB, blockA, blockB, room] = read;
      if (!friendA!.versionstamp || !friendB!.versionstamp) return FRIENDS_ONLY;
      // Not with an account being deleted: it may have listed its rooms already.
      if (!accountsLive(read.slice(5))) return FRIENDS_ONLY;
      if (blockA!.versionstamp || blockB!.versionstamp) return FRIENDS_ONLY;
      const [me, peer] = await Promise.all([
        this.#profiles.get(userId),
        this.#profiles.get(other.id),
      ]);
      if (!me || !peer) return FRIENDS_ONLY;
      const existing = room!.value as RoomRecord | null;
      if (existing) return { ok: true, room: view(existing, peer) };
      const now = this.#clock.now();
      const members = [userId, other.id].sort() as [string, string];
      const record: RoomRecord = {
        id: roomId,
        name: "",
        topic: "",
        createdAt: now,
        createdBy: userId,
        visibility: "direct",
        members,
        ...(encrypted ? { encrypted: true as const } : {}),
      };
      const membership: Membership = { joinedAt: now };
      const atomic = this.#kv.atomic().check(...read).set(keys.room(roomId), record);
      // Each member's user record as read above: found live, and checked with the rest.
      const accounts = new Map([[userId, read[5]!], [other.id, read[6]!]]);
      for (const member of members) {
        addMembership(atomic, roomId, member, membership, accounts.get(member)!);
      }
      return commit(atomic, () => {
        this.#notify([userId], { kind: "dm_opened", dm: view(record, peer) });
        this.#notify([other.id], { kind: "dm_opened", dm: view(record, me) });
        return { ok: true, room: view(record, peer) };
      });
    });
  }

  /** The direct conversations of a user, newest first (`GET /api/dms`). */
  async list(userId: string): Promise<DirectRoom[]> {
    const ids = (await roomsOfUser(this.#kv, userId))
      .map((entry) => entry.roomId)
      .filter(isDirectRoomId);
    const records = await readRooms(this.#kv, ids);
    const peerIds = records.map((room) => room?.members?.find((member) => member !== userId));
    const peers = await this.#profiles.getEach(peerIds.map((id) => id ?? ""));
    const rooms = records.map((room, i) => {
      const peer = peerIds[i] ? peers[i] : null;
      return room && peer ? view(room, peer) : null;
    });
    return rooms.filter((room): room is DirectRoom => room !== null)
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /**
   * True when `userId` may post (send, typing) in room `roomId`: always for group rooms; for
   * direct rooms only while the two members are friends.
   */
  async canPost(roomId: string, userId: string): Promise<boolean> {
    if (!isDirectRoomId(roomId)) return true;
    const room = (await this.#kv.get<RoomRecord>(keys.room(roomId))).value;
    const members = room?.members;
    if (!members?.includes(userId)) return false;
    const peerId = members[0] === userId ? members[1] : members[0];
    return (await this.#kv.get(keys.friend(userId, peerId))).versionstamp !== null;
  }
}

function view(room: RoomRecord, peer: PublicProfile): DirectRoom {
  return {
    id: room.id,
    peer,
    createdAt: room.createdAt,
    ...(room.encrypted ? { encrypted: true } : {}),
  };
}
