/**
 * Pictures of group rooms: set and removed by the room's owner and admins (checked like a
 * rename, through `RoomEdits.editRoom`), seen by its members and, for public rooms, by every
 * signed-in user (as Discover lists them). Direct conversations have no picture of their
 * own: they show the peer's avatar.
 *
 * The image and the version in the room record are written in one commit checked against the
 * room and the actor's membership, so a concurrent demotion never lets a stale right through.
 *
 * @module
 */
import type { AvatarUpload, StoredAvatar } from "../accounts/avatar_image.ts";
import { newId } from "../common/ids.ts";
import { keys } from "../kv/kv_keys.ts";
import { membershipKey } from "./memberships.ts";
import type { Outcome } from "../common/refusal.ts";
import type { RoomEdits } from "./room_edits.ts";
import type { Membership, RoomRecord } from "./room_record.ts";

/** Sets, removes and reads room pictures. */
export class RoomAvatars {
  #kv: Deno.Kv;
  #edits: RoomEdits;

  /** Stores in `kv`; changes the room record (telling members, logging) through `edits`. */
  constructor(kv: Deno.Kv, edits: RoomEdits) {
    this.#kv = kv;
    this.#edits = edits;
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
  ): Promise<Outcome> {
    return await this.#edits.editRoom(actorId, roomId, (room) => {
      const { avatar, ...rest } = room;
      if (!image && !avatar) return null;
      const version = newId();
      return {
        next: image ? { ...rest, avatar: version } : rest,
        write: (atomic) => {
          if (image) {
            atomic.set(keys.roomAvatar(roomId), { version, ...image } satisfies StoredAvatar);
          } else atomic.delete(keys.roomAvatar(roomId));
        },
        events: [{ type: image ? "picture_changed" : "picture_removed" }],
      };
    });
  }

  /**
   * The room's picture if `version` is current and `viewerId` may see the room (a member, or
   * any user for a public room); null otherwise, with no difference between the cases.
   */
  async image(viewerId: string, roomId: string, version: string): Promise<StoredAvatar | null> {
    const [room, member, stored] = await this.#kv.getMany<[RoomRecord, Membership, StoredAvatar]>(
      [keys.room(roomId), membershipKey(roomId, viewerId), keys.roomAvatar(roomId)],
    );
    if (!room.value || room.value.visibility === "direct") return null;
    if (room.value.visibility !== "public" && !member.value) return null;
    return stored.value?.version === version ? stored.value : null;
  }
}
