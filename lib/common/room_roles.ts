/**
 * Roles in group rooms and the rank rules between them, as pure functions: the server checks
 * every moderation request with {@linkcode mayModerate}, and the settings panel uses the same
 * function to decide which buttons to show. Browser-compatible (no Deno APIs).
 *
 * @module
 */

/** A member's role; a membership stored without one is a `"member"`. */
export type Role = "owner" | "admin" | "member";

/** Moderation actions on another member, each `POST /api/rooms/:id/members/:userId/<action>`. */
export type ModAction = "kick" | "ban" | "unban" | "mute" | "unmute" | "promote" | "demote";

/** Every {@linkcode ModAction}, for validating route parameters. */
export const MOD_ACTIONS: readonly ModAction[] = [
  "kick",
  "ban",
  "unban",
  "mute",
  "unmute",
  "promote",
  "demote",
];

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 };

/**
 * The role of a stored membership. Memberships from before roles have none: they are members,
 * except the room's creator (`isCreator`), who is its owner, so rooms created before roles
 * still have one.
 */
export function roleOf(
  membership: { role?: Role } | null | undefined,
  isCreator = false,
): Role {
  return membership?.role ?? (membership && isCreator ? "owner" : "member");
}

/** True for roles that may rename, set the topic, invite, manage links and moderate. */
export function isManager(role: Role): boolean {
  return RANK[role] >= RANK.admin;
}

/**
 * Whether `actor` may apply `action` to a member whose role is `target` (a user who is not a
 * member, for `ban`/`unban`, counts as `"member"`). Nobody acts on themselves; an admin never
 * acts on the owner or on another admin; only the owner promotes and demotes.
 *
 * @example
 * ```ts
 * mayModerate("admin", "member", "kick", false); // true
 * mayModerate("admin", "owner", "kick", false); // false
 * mayModerate("admin", "member", "promote", false); // false: owner only
 * ```
 */
export function mayModerate(actor: Role, target: Role, action: ModAction, self: boolean): boolean {
  if (self || !isManager(actor) || RANK[actor] <= RANK[target]) return false;
  if (action === "promote") return actor === "owner" && target === "member";
  if (action === "demote") return actor === "owner" && target === "admin";
  return true;
}
