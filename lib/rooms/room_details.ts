/**
 * What the room settings show a member: the room, their role, the member list, and for owners
 * and admins the ban list.
 *
 * @module
 */
import type { PresenceViews } from "../realtime/presence/presence_views.ts";
import type { Profiles } from "../accounts/profiles.ts";
import type { PublicProfile, RoomDetails } from "../common/api_types.ts";
import { isManager, roleOf } from "../common/room_roles.ts";
import { decode, keys } from "../kv/kv_keys.ts";
import { membershipKey, membersOfRoom } from "./memberships.ts";
import { isGroupMember } from "./room_access.ts";
import { MEMBER_LIST_LIMIT } from "./room_notices.ts";
import type { Membership, RoomRecord } from "./room_record.ts";
import { summary } from "./room_summary.ts";

/** Bans listed for a room's managers. */
const BAN_LIST_LIMIT = 200;

/** Reads a group room's details for one of its members. */
export class RoomDetailsReader {
  #kv: Deno.Kv;
  #profiles: Profiles;
  #presence: PresenceViews | undefined;

  /**
   * Reads rooms and memberships from `kv`, names and pictures from `profiles`, and the
   * members' presence (co-members may see it) from `presence` when given.
   */
  constructor(kv: Deno.Kv, profiles: Profiles, presence?: PresenceViews) {
    this.#kv = kv;
    this.#profiles = profiles;
    this.#presence = presence;
  }

  /** The room, the viewer's role and the member list; null unless the viewer is a member. */
  async details(roomId: string, viewerId: string): Promise<RoomDetails | null> {
    const [room, mine] = await this.#kv.getMany<[RoomRecord, Membership]>([
      keys.room(roomId),
      membershipKey(roomId, viewerId),
    ]);
    if (!isGroupMember(room.value, mine.value)) return null;
    const record = room.value;
    const memberships = await membersOfRoom(this.#kv, roomId, MEMBER_LIST_LIMIT);
    const ids = memberships.map((m) => m.userId);
    const [found, presence] = await Promise.all([
      this.#profiles.getMany(ids),
      this.#presence?.of(ids),
    ]);
    const profiles = new Map(found.map((p) => [p.id, p]));
    const role = roleOf(mine.value!, record.createdBy === viewerId);
    const banned: PublicProfile[] = [];
    if (isManager(role)) {
      const ids: string[] = [];
      const bans = this.#kv.list({ prefix: keys.roomBans(roomId) }, { limit: BAN_LIST_LIMIT });
      for await (const entry of bans) ids.push(decode.roomBan(entry.key));
      banned.push(...await this.#profiles.getMany(ids));
    }
    return {
      room: { ...summary(record), visibility: record.visibility },
      role,
      members: memberships.flatMap(({ userId: id, membership }) => {
        const user = profiles.get(id);
        return user
          ? [{
            user,
            role: roleOf(membership, record.createdBy === id),
            muted: membership.muted === true,
            joinedAt: membership.joinedAt,
            ...(presence?.has(id) ? { presence: presence.get(id) } : {}),
          }]
          : [];
      }),
      banned,
    };
  }
}
