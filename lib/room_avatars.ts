/**
 * Pictures of group rooms: set and removed by the room's owner and admins (checked like a
 * rename, by `refuseUnlessManager`), seen by its members and, for public rooms, by every
 * signed-in user (as Discover lists them). Direct conversations have no picture of their
 * own: they show the peer's avatar.
 *
 * The image and the version in the room record are written in one commit checked against the
 * room and the actor's membership, so a concurrent demotion never lets a stale right through.
 *
 * @module
 */
import type { AvatarUpload, StoredAvatar } from "./avatar_image.ts";
import { newId } from "./ids.ts";
import { commitAtomic } from "./kv_commit.ts";
import { keys } from "./kv_keys.ts";
import { type Moderation, type ModerationResult, refuseUnlessManager } from "./moderation.ts";
import { indexPublicRoom } from "./public_rooms.ts";
import type { Membership, RoomRecord } from "./rooms.ts";

const MAX_ATTEMPTS = 10;

/** Sets, removes and reads room pictures. */
export class RoomAvatars {
  #kv: Deno.Kv;
  #moderation: Moderation;

  /** Stores in `kv`; tells members and writes system messages through `moderation`. */
  constructor(kv: Deno.Kv, moderation: Moderation) {
    this.#kv = kv;
    this.#moderation = moderation;
  }

  /**
   * Sets the room's picture to `image` (already checked by `checkAvatar`) under a new version,
   * or removes it when `image` is null. Owner and admins; members are told live and the log
   * gets a system message. A non-member gets the answer for a room that does not exist.
   */
  async set(
    actorId: string,
    roomId: string,
    image: AvatarUpload | null,
  ): Promise<ModerationResult> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = await this.#kv.getMany<[RoomRecord, Membership]>([
        keys.room(roomId),
        keys.roomMember(roomId, actorId),
      ]);
      const [room, actor] = read;
      const refusal = refuseUnlessManager(room.value, actor.value, actorId);
      if (refusal) return refusal;
      const { avatar, ...rest } = room.value!;
      if (!image && !avatar) return { ok: true };
      const version = newId();
      const next: RoomRecord = image ? { ...rest, avatar: version } : rest;
      const atomic = this.#kv.atomic().check(...read).set(keys.room(roomId), next);
      if (image) atomic.set(keys.roomAvatar(roomId), { version, ...image } satisfies StoredAvatar);
      else atomic.delete(keys.roomAvatar(roomId));
      if (!(await commitAtomic(indexPublicRoom(atomic, room.value!, next))).ok) continue;
      const event = image ? "changed the room picture" : "removed the room picture";
      await this.#moderation.announce(actorId, next, event);
      return { ok: true };
    }
    throw new Error("room avatars: too much contention");
  }

  /**
   * The room's picture if `version` is current and `viewerId` may see the room (a member, or
   * any user for a public room); null otherwise, with no difference between the cases.
   */
  async image(viewerId: string, roomId: string, version: string): Promise<StoredAvatar | null> {
    const [room, member, stored] = await this.#kv.getMany<[RoomRecord, Membership, StoredAvatar]>(
      [keys.room(roomId), keys.roomMember(roomId, viewerId), keys.roomAvatar(roomId)],
    );
    if (!room.value || room.value.visibility === "direct") return null;
    if (room.value.visibility !== "public" && !member.value) return null;
    return stored.value?.version === version ? stored.value : null;
  }
}
