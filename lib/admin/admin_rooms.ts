/**
 * The administrator's list of group rooms, with a search by name. Rooms have no name index
 * (Discover pages through public rooms by creation time), so a search reads the room records
 * in key order, at most {@linkcode ROOM_SEARCH_SCAN} per page, and keeps those whose name
 * contains the query: a page may then hold fewer rows than asked, with a cursor to go on.
 * Direct conversations are left out: they are two people's, not the site's to run.
 *
 * @module
 */
import type { RoomRecord } from "../rooms/room_record.ts";
import { keys } from "../kv/kv_keys.ts";
import type { Outcome, Refusal } from "../common/refusal.ts";
import type { RoomLifecycle } from "../rooms/room_lifecycle.ts";
import { type AdminPage, listPage } from "./admin_page.ts";

/** Room records read per page of a search at most. */
export const ROOM_SEARCH_SCAN = 1000;

/** A room as the administrator's list shows it. */
export interface AdminRoomRow {
  id: string;
  name: string;
  visibility: "public" | "private";
  createdAt: number;
}

/** Lists and deletes group rooms for the administrator. */
export class AdminRooms {
  #kv: Deno.Kv;
  #lifecycle: Pick<RoomLifecycle, "removeAsAdministrator">;

  /** Reads rooms in `kv`; deletes them through `lifecycle`, as their owner would. */
  constructor(kv: Deno.Kv, lifecycle: Pick<RoomLifecycle, "removeAsAdministrator">) {
    this.#kv = kv;
    this.#lifecycle = lifecycle;
  }

  /** Deletes a group room, with everything in it, as the administrator `adminId`. */
  async remove(adminId: string, roomId: string): Promise<Outcome> {
    return await this.#lifecycle.removeAsAdministrator(adminId, roomId);
  }

  /** One page of the group rooms whose name contains `query` (ignoring case); all for "". */
  async list(query: string, cursor?: string): Promise<AdminPage<AdminRoomRow> | Refusal> {
    return await listRooms(this.#kv, query, cursor);
  }
}

async function listRooms(
  kv: Deno.Kv,
  query: string,
  cursor?: string,
): Promise<AdminPage<AdminRoomRow> | Refusal> {
  const needle = query.trim().toLowerCase();
  return await listPage<RoomRecord, AdminRoomRow>(
    kv,
    { prefix: keys.rooms() },
    cursor,
    ({ value: room }) => {
      if (room.visibility === "direct") return null;
      if (needle && !room.name.toLowerCase().includes(needle)) return null;
      return {
        id: room.id,
        name: room.name,
        visibility: room.visibility,
        createdAt: room.createdAt,
      };
    },
    { scan: ROOM_SEARCH_SCAN },
  );
}
