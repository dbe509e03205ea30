/**
 * Whom a message mentions: the `@username` tokens of its text that name a current member of
 * its room, as user ids. Resolved once, when the message is sent, and stored with it
 * (`ChatMessage.mentions`), so a later rename or leave does not change what it recorded.
 *
 * @module
 */
import { keys } from "../kv/kv_keys.ts";
import { mentionedNames } from "../common/mentions.ts";
import { readMembership } from "../rooms/memberships.ts";

/** Resolves the mentions of a text sent to a room; see {@linkcode mentionResolver}. */
export type ResolveMentions = (room: string, text: string) => Promise<string[]>;

/**
 * Makes a resolver reading Deno KV: at most `MAX_MENTIONS` names (`lib/common/mentions.ts`),
 * each looked up by name (one `getMany`), then each found user's membership of the room.
 * Unknown names and non-members are left out; the sender may mention themselves.
 *
 * @example
 * ```ts
 * const resolve = mentionResolver(kv);
 * await resolve(roomId, "hi @bob @nobody"); // [bob's id] when bob is a member
 * ```
 *
 * @param kv The store holding accounts and memberships.
 * @returns The resolver: user ids in order of first mention, no repeats.
 */
export function mentionResolver(kv: Deno.Kv): ResolveMentions {
  return async (room, text) => {
    const names = mentionedNames(text);
    if (names.length === 0) return [];
    const found = await kv.getMany<string[]>(names.map((name) => keys.userByName(name)));
    const ids = [...new Set(found.flatMap((entry) => entry.value ? [entry.value] : []))];
    const members = await Promise.all(ids.map((id) => readMembership(kv, room, id)));
    return ids.filter((_, i) => members[i] !== null);
  };
}
