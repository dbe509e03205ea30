/**
 * Changes to a group room's record by its owner or admins: rename, topic, and (through
 * {@linkcode RoomEdits.editRoom}) the room picture. Each change is one commit checked against
 * the room and the actor's membership as read, keeps the Discover index current, tells the
 * members live and writes a system message per change.
 *
 * @module
 */
import type { Outcome } from "../common/refusal.ts";
import { roomFieldsProblem } from "./room_fields.ts";
import { keys } from "../kv/kv_keys.ts";
import { commit, transact } from "../kv/kv_transaction.ts";
import { membershipKey } from "./memberships.ts";
import { indexPublicRoom } from "./public_rooms.ts";
import { refuseUnlessManager } from "./room_access.ts";
import type { RoomChange, RoomNotices } from "./room_notices.ts";
import type { Membership, RoomRecord } from "./room_record.ts";

/** What {@linkcode RoomEdits.editRoom} commits for one change of a room's record. */
export interface RoomEdit {
  /** The room record to store. */
  next: RoomRecord;
  /** Other writes of the same commit. */
  write?: (atomic: Deno.AtomicOperation) => void;
  /** What to tell in system messages, each by the actor. */
  events: RoomChange[];
}

/** Edits of group rooms' records, checked on the server. */
export class RoomEdits {
  #kv: Deno.Kv;
  #notices: RoomNotices;

  /** Stores in `kv`; tells and logs through `notices`. */
  constructor(kv: Deno.Kv, notices: RoomNotices) {
    this.#kv = kv;
    this.#notices = notices;
  }

  /** Renames the room and/or sets its topic. Owner and admins. */
  async update(
    actorId: string,
    roomId: string,
    change: { name?: string; topic?: string },
  ): Promise<Outcome> {
    const name = change.name?.trim();
    const topic = change.topic?.trim();
    const problem = roomFieldsProblem(name, topic);
    if (problem) return problem;
    return await this.editRoom(actorId, roomId, (room) => {
      const next: RoomRecord = { ...room, name: name ?? room.name, topic: topic ?? room.topic };
      const events: RoomChange[] = [];
      if (next.name !== room.name) events.push({ type: "renamed", name: next.name });
      if (next.topic !== room.topic) {
        events.push(
          next.topic ? { type: "topic_set", topic: next.topic } : { type: "topic_cleared" },
        );
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
  ): Promise<Outcome> {
    return await transact<Outcome>("moderation", async () => {
      const read = await this.#kv.getMany<[RoomRecord, Membership]>([
        keys.room(roomId),
        membershipKey(roomId, actorId),
      ]);
      const [room, actor] = read;
      const refused = refuseUnlessManager(room.value, actor.value, actorId);
      if (refused) return refused;
      const change = edit(room.value!);
      if (!change) return { ok: true };
      const atomic = this.#kv.atomic().check(...read).set(keys.room(roomId), change.next);
      change.write?.(atomic);
      return commit(indexPublicRoom(atomic, room.value, change.next), async () => {
        this.#notices.discoverChanged(room.value, change.next);
        await this.#notices.announce(actorId, change.next, ...change.events);
        return { ok: true };
      });
    });
  }
}
