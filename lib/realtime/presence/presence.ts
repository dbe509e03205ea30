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

/** Where each user is present, shared by every node. */
export interface Presence {
  /**
   * Marks each of `users` present on `node` for `ttlMs` from now: adds or renews their entries
   * in as few writes as the store allows.
   */
  add(node: string, users: readonly string[], ttlMs: number): Promise<void>;
  /** Removes the entries of `users` on `node`; entries that are gone already are ignored. */
  remove(node: string, users: readonly string[]): Promise<void>;
  /** The nodes on which `user` is present now (entries not yet expired), in any order. */
  nodesOf(user: string): Promise<string[]>;
  /** Those of `users` present on at least one node now. */
  online(users: readonly string[]): Promise<Set<string>>;
}
