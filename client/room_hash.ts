const PREFIX = "#room=";
/** What follows the room in the hash of a link to one message: `&msg=` and its seq. */
export const MESSAGE = "&msg=";

/**
 * Reads the selected room from a `location.hash` such as `#room=general`.
 *
 * @param hash The hash, with its `#`.
 * @returns The room id, or `null` when the hash names no room.
 */
export function roomFromHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const id = decodeURIComponent(hash.slice(PREFIX.length).split(MESSAGE)[0]!);
    return id === "" ? null : id;
  } catch {
    return null;
  }
}

/**
 * Builds the `location.hash` that selects a room; the inverse of {@linkcode roomFromHash}.
 *
 * @param id The room id.
 * @returns A hash such as `#room=general`.
 */
export function roomHash(id: string): string {
  return PREFIX + encodeURIComponent(id);
}

/** The message seq a hash from `messageHash` (`message_link.ts`) names, or `null`. */
export function messageFromHash(hash: string): number | null {
  if (!hash.startsWith(PREFIX)) return null;
  const value = hash.split(MESSAGE)[1];
  const seq = value === undefined ? NaN : Number(value);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : null;
}
