/**
 * The user's notification level per conversation, as the browser holds it: the choices the
 * page came with (kept on the server, so every device agrees), changed by
 * `chooseNotifyLevel` (the bell menu's chunk) and by the `notify_level` events of the user's choices. The
 * answer to a PUT and the event of a later choice may be read in either order (an HTTP answer
 * and a socket frame race): each carries the write's version, and only a newer one is taken,
 * so "Nothing" then "All" never ends at "Nothing" because the first answer came in last.
 * After a reconnect the page reads the whole list again ({@linkcode NotifyLevels.refresh}):
 * the events sent while its socket was down are lost, and the list, dated by the latest change
 * it includes, is ordered against the events in the same way.
 *
 * @module
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import type { NotifyLevelChange, NotifyLevelList } from "../../lib/common/api_types.ts";
import { request } from "../rooms_api.ts";
import { defaultNotifyLevel, type NotifyLevel } from "../../lib/common/notify_level.ts";

/** The levels the user chose, and the defaults for the rest. */
export class NotifyLevels {
  readonly #chosen;
  /** The version of the choice held, by room id, where newer than the list's. */
  readonly #versions = new Map<string, string>();
  /** The version of the last list taken: every room not in `#versions` is as of it. */
  #listed: string;
  #refreshes = 0;

  /** @param list The levels the page came with. */
  constructor(list: NotifyLevelList) {
    this.#chosen = signal<Readonly<Record<string, NotifyLevel>>>(list.levels);
    this.#listed = list.version;
  }

  /** The chosen levels by room id. */
  get chosen(): ReadonlySignal<Readonly<Record<string, NotifyLevel>>> {
    return this.#chosen;
  }

  /** The level of a conversation: the user's choice, else the default for its kind. */
  levelOf(roomId: string, direct: boolean): NotifyLevel {
    return this.#chosen.value[roomId] ?? defaultNotifyLevel(direct);
  }

  /**
   * Holds a level chosen for a conversation, here (the PUT's answer) or on any device of the
   * user (a `notify_level` user event); null is the default. A change no newer than the one
   * held is dropped.
   */
  changed({ roomId, level, version }: NotifyLevelChange): void {
    if (version <= (this.#versions.get(roomId) ?? this.#listed)) return;
    this.#versions.set(roomId, version);
    const { [roomId]: _, ...rest } = this.#chosen.peek();
    this.#chosen.value = level === null ? rest : { ...rest, [roomId]: level };
  }

  /**
   * Takes the whole list (absent: the default) where it is newer than what is held: a room
   * whose held change is newer than the list keeps it; an older list is dropped.
   */
  listed({ levels, version }: NotifyLevelList): void {
    if (version <= this.#listed) return;
    this.#listed = version;
    const held = this.#chosen.peek();
    const chosen = { ...levels };
    for (const [roomId, since] of this.#versions) {
      if (since <= version) this.#versions.delete(roomId);
      else if (held[roomId]) chosen[roomId] = held[roomId];
      else delete chosen[roomId];
    }
    this.#chosen.value = chosen;
  }

  /**
   * Reads the list again (`GET /api/me/notifications`) and takes it with
   * {@linkcode NotifyLevels.listed}; an answer overtaken by a later refresh is dropped, and a
   * failure keeps the levels (the next reconnect reads again).
   */
  async refresh(): Promise<void> {
    const mine = ++this.#refreshes;
    try {
      const list = await request<NotifyLevelList>("GET", "/api/me/notifications");
      if (mine === this.#refreshes) this.listed(list);
    } catch {
      // Kept as is.
    }
  }
}
