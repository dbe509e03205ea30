/**
 * One reaction toggled on a message's reactions: shared by the server's store (plain rooms) and
 * the browser's E2E reader (encrypted rooms, where only the devices know the emoji).
 * Browser-safe.
 *
 * @module
 */
import { MAX_REACTION_EMOJI, MAX_REACTIONS, type Reaction } from "./protocol.ts";

/**
 * The reactions after user `action.from` (named `action.author`) adds (`on`) or removes their
 * `emoji`, with set semantics: adding twice keeps one entry at its first place, removing twice
 * is a no-op. Undefined when the addition is over {@linkcode MAX_REACTIONS} or
 * {@linkcode MAX_REACTION_EMOJI}. The store applies plain reactions with it, and each device the
 * encrypted reactions it decrypts.
 */
export function toggleReaction(
  reactions: readonly Reaction[],
  action: { from: string; author: string; emoji?: string; on?: boolean },
): Reaction[] | undefined {
  const emoji = action.emoji ?? "";
  const index = reactions.findIndex((reaction) => reaction.emoji === emoji);
  const existing = reactions[index];
  const total = reactions.reduce((sum, reaction) => sum + reaction.users.length, 0);
  if (action.on && total >= MAX_REACTIONS) return undefined;
  if (!existing) {
    if (!action.on) return [...reactions];
    if (reactions.length >= MAX_REACTION_EMOJI) return undefined;
    return [...reactions, { emoji, users: [{ id: action.from, name: action.author }] }];
  }
  const others = existing.users.filter((user) => user.id !== action.from);
  const users = action.on ? [...others, { id: action.from, name: action.author }] : others;
  // Set semantics: adding twice keeps one entry (at its first place), removing twice is a no-op.
  const kept = action.on && others.length < existing.users.length ? existing.users : users;
  const next = [...reactions];
  if (kept.length === 0) next.splice(index, 1);
  else next[index] = { emoji, users: kept };
  return next;
}
