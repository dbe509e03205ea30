import { useEffect, useState } from "preact/hooks";
import type { Role } from "../lib/common/room_roles.ts";
import { roomDetails } from "../client/room_details_api.ts";

/**
 * The user's role in a group room, read once per room (`member` until known, and for direct
 * conversations, which have no roles). Only decides which buttons show: the server checks
 * every action itself.
 */
export function useRoomRole(roomId: string, direct: boolean): Role {
  const [role, setRole] = useState<Role>("member");
  useEffect(() => {
    setRole("member");
    if (direct) return;
    let live = true;
    roomDetails(roomId).then((details) => live && setRole(details.role), () => {});
    return () => {
      live = false;
    };
  }, [roomId, direct]);
  return role;
}
