/**
 * Reading the notification levels again after a reconnect, loaded then (not first-load): the
 * `notify_level` events sent while the page's socket was down are lost; and after a first
 * `welcome` whose mark is newer than the list the page came with (a change made between the
 * page's render and its socket).
 *
 * @module
 */
import { batch } from "@preact/signals";
import type { NotifyLevelList } from "../../lib/common/api_types.ts";
import { request } from "../rooms_api.ts";
import type { NotifyLevels } from "./notify_levels.ts";

/**
 * Reads the user's levels (`GET /api/me/notifications`) and holds each through
 * {@linkcode NotifyLevels.changed}, dated by the list's version: a conversation whose event
 * is newer than the list keeps the event's level, and one the page holds a choice for but the
 * list leaves out goes back to the default (cleared on another device meanwhile). A list no
 * newer than one already taken ({@linkcode NotifyLevels.listed}) changes nothing (of two
 * reads, the older answer may come in last). A failure keeps the levels (the next reconnect reads again).
 *
 * A conversation neither listed nor chosen here is at the default on both sides, so it is
 * left alone; an older event for it arriving after the list is followed, on the same socket,
 * by the event of the change the list reflects.
 *
 * @example
 * ```ts
 * // after a `welcome` that is not the page's first, or whose mark is newer than the list held
 * await relistLevels(levels);
 * ```
 */
export async function relistLevels(levels: NotifyLevels): Promise<void> {
  let list: NotifyLevelList;
  try {
    list = await request<NotifyLevelList>("GET", "/api/me/notifications");
  } catch {
    return;
  }
  const { levels: listed, version } = list;
  if (version <= levels.listed) return;
  levels.listed = version;
  batch(() => {
    for (const roomId of new Set([...Object.keys(listed), ...Object.keys(levels.chosen.peek())])) {
      levels.changed({ roomId, level: listed[roomId] ?? null, version });
    }
  });
}
