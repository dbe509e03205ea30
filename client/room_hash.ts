const PREFIX = "#room=";

/**
 * Reads the selected room from a `location.hash` such as `#room=general`.
 *
 * @param hash The hash, with its `#`.
 * @returns The room id, or `null` when the hash names no room.
 */
export function roomFromHash(hash: string): string | null {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const id = decodeURIComponent(hash.slice(PREFIX.length));
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
