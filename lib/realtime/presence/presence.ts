/**
 * The presence interface: which users have an open chat socket on which node. Each node keeps
 * one entry per user it serves, with a lifetime it renews while the user stays, so the entries
 * of a node that crashed run out by themselves. Implementation: `presence_kv.ts` (shared by
 * every worker and process through Deno KV). `presence_tracker.ts` decides when a node writes.
 *
 * Presence is best-effort (docs/GUARANTEES.md): it is a hint, never needed to see a message.
 *
 * @module
 */

import type { PresenceStatus } from "../../common/api_types.ts";

export type { PresenceStatus };

/** Where each user is present, shared by every node. */
export interface Presence {
  /**
   * Marks each of `users` present on `node` for `ttlMs` from now: adds or renews their entries
   * in as few writes as the store allows. Those in `away` are away on that node (every socket
   * of theirs there is), the others active.
   */
  add(
    node: string,
    users: readonly string[],
    ttlMs: number,
    away?: ReadonlySet<string>,
  ): Promise<void>;
  /** The status of each of `users` now, aggregated over every node. */
  statuses(users: readonly string[]): Promise<Map<string, PresenceStatus>>;
  /**
   * Records that `user` went offline now (their "last seen"); nothing for an account that does
   * not exist or is being deleted (its deletion deletes the entry).
   */
  wentOffline(user: string): Promise<void>;
  /** When each of `users` was last seen going offline; users never seen are missing. */
  lastSeen(users: readonly string[]): Promise<Map<string, number>>;
  /** Removes the entries of `users` on `node`; entries that are gone already are ignored. */
  remove(node: string, users: readonly string[]): Promise<void>;
  /** The nodes on which `user` is present now (entries not yet expired), in any order. */
  nodesOf(user: string): Promise<string[]>;
  /** Those of `users` present on at least one node now. */
  online(users: readonly string[]): Promise<Set<string>>;
}
