/**
 * Presence as other people see it: the status over every node and, while offline, "last
 * seen" unless the user hid it. Who may see it is the caller's check: friend lists (friends
 * only) and member lists (members only) are the only readers.
 *
 * @module
 */
import type { PresenceView } from "../../common/api_types.ts";
import type { Presence } from "./presence.ts";

/** Reads {@linkcode PresenceView}s. */
export class PresenceViews {
  #presence: Pick<Presence, "statuses" | "lastSeen">;
  #hidden: (users: readonly string[]) => Promise<Set<string>>;

  /**
   * Statuses and times from `presence`; `hidden` names the users who hid their "last seen"
   * (a profile setting).
   */
  constructor(
    presence: Pick<Presence, "statuses" | "lastSeen">,
    hidden: (users: readonly string[]) => Promise<Set<string>>,
  ) {
    this.#presence = presence;
    this.#hidden = hidden;
  }

  /** The presence of each of `users`, by id. */
  async of(users: readonly string[]): Promise<Map<string, PresenceView>> {
    const statuses = await this.#presence.statuses(users);
    const offline = users.filter((user) => statuses.get(user) === "offline");
    const [seen, hidden] = await Promise.all([
      this.#presence.lastSeen(offline),
      this.#hidden(offline),
    ]);
    const views = new Map<string, PresenceView>();
    for (const user of users) {
      const view: PresenceView = { status: statuses.get(user) ?? "offline" };
      const at = seen.get(user);
      if (view.status === "offline" && at !== undefined && !hidden.has(user)) view.lastSeen = at;
      views.set(user, view);
    }
    return views;
  }
}
