/**
 * The part of a stored room every member may see.
 *
 * @module
 */
import { avatarPath, type RoomSummary } from "../common/api_types.ts";

/** What {@linkcode summary} reads of a stored room: its public fields and picture version. */
export type SummarySource = Omit<RoomSummary, "avatarUrl"> & { avatar?: string };

/**
 * Strips a stored room down to its {@linkcode RoomSummary} (no creator, visibility or member
 * ids), for lists, notices and the Discover index; an uploaded picture becomes its URL.
 */
export function summary(room: SummarySource): RoomSummary {
  const view: RoomSummary = {
    id: room.id,
    name: room.name,
    topic: room.topic,
    createdAt: room.createdAt,
  };
  if (room.avatar) view.avatarUrl = avatarPath("rooms", room.id, room.avatar);
  if (room.encrypted) view.encrypted = true;
  return view;
}
