/**
 * Saving a conversation's notification level, loaded with the bell menu (not first-load).
 *
 * @module
 */
import { defaultNotifyLevel, type NotifyLevel } from "../../lib/common/notify_level.ts";
import { request } from "../rooms_api.ts";
import type { NotifyLevels } from "./notify_levels.ts";

/**
 * Saves `level` for a conversation with `PUT /api/me/notifications/:room` (the default as "no
 * choice"), then holds it in `levels` unless a newer choice was told meanwhile
 * ({@linkcode NotifyLevels.changed}). Throws the API's error when the server refuses.
 *
 * @example
 * ```ts
 * await chooseNotifyLevel(levels, "dm_x", true, "none");
 * levels.levelOf("dm_x", true); // "none", unless a later choice was told first
 * ```
 */
export async function chooseNotifyLevel(
  levels: NotifyLevels,
  roomId: string,
  direct: boolean,
  level: NotifyLevel,
): Promise<void> {
  const stored = level === defaultNotifyLevel(direct) ? null : level;
  const path = `/api/me/notifications/${encodeURIComponent(roomId)}`;
  const { version } = await request<{ version: string }>("PUT", path, { level: stored });
  levels.changed({ roomId, level: stored, version });
}
