/**
 * The part of a stored room every member may see.
 *
 * @module
 */
import type { RoomSummary } from "./api_types.ts";

/**
 * Strips a stored room down to its {@linkcode RoomSummary} (no creator, visibility or member
 * ids), for lists, notices and the Discover index.
 */
export function summary(room: RoomSummary): RoomSummary {
  return { id: room.id, name: room.name, topic: room.topic, createdAt: room.createdAt };
}
