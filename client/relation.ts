/**
 * How the signed-in user stands with someone, read from their friend lists: what a profile
 * card offers depends on it.
 *
 * @module
 */
import type { FriendLists } from "../lib/common/api_types.ts";

/** The user themself, a friend, someone they blocked, or anyone else. */
export type Relation = "self" | "friend" | "blocked" | "none";

/** How the user `selfId` with friend lists `lists` stands with `otherId`. */
export function relationTo(selfId: string, lists: FriendLists, otherId: string): Relation {
  const has = (items: readonly { id: string }[]) => items.some((item) => item.id === otherId);
  return otherId === selfId
    ? "self"
    : has(lists.friends)
    ? "friend"
    : has(lists.blocked)
    ? "blocked"
    : "none";
}
