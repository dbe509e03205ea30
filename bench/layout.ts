/**
 * How the benchmark's clients are placed in rooms: client `i` of a layout is seeded user
 * `offset + i` and sits in room `i / roomSize`. The seed and the scenarios both read this, so the rooms a
 * generator joins are exactly the rooms the seed made its users members of.
 *
 * @module
 */

/** One arrangement of clients in rooms of equal size. */
export interface Layout {
  /** Prefix of the room ids: rooms are `PREFIX-0`, `PREFIX-1`, … */
  prefix: string;
  /** Number of clients (and of seeded users taking part). */
  clients: number;
  /** Members per room; `clients` is a multiple of it. */
  roomSize: number;
  /**
   * Seeded user of client 0; default 0. A layout whose users must share no room with other
   * layouts' users (the user-events scenario, where every roommate receives the event) starts
   * past them.
   */
  offset?: number;
}

/** Id of the room of client `index`. */
export function roomOf(layout: Layout, index: number): string {
  return `${layout.prefix}-${Math.floor(index / layout.roomSize)}`;
}

/** Every room id of a layout, in order. */
export function roomsOf(layout: Layout): string[] {
  return Array.from(
    { length: Math.ceil(layout.clients / layout.roomSize) },
    (_, room) => `${layout.prefix}-${room}`,
  );
}
