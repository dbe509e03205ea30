/**
 * The user's notification level per conversation, as the browser holds it: the choices the
 * page came with (kept on the server, so every device agrees), changed by
 * `chooseNotifyLevel` (the bell menu's chunk) and by the `notify_level` events of the user's choices. The
 * answer to a PUT and the event of a later choice may be read in either order (an HTTP answer
 * and a socket frame race): each carries the write's version, and only a newer one is taken,
 * so "Nothing" then "All" never ends at "Nothing" because the first answer came in last.
 * After a reconnect the page reads the whole list again (`relistLevels`, a lazy chunk): the
 * events sent while its socket was down are lost. So it does after its first `welcome` when
 * that tells of a change newer than the list the page came with (made between the page's
 * render and its socket, whose event no socket of the page was there to get).
 *
 * @module
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import type { NotifyLevelChange, NotifyLevelList } from "../../lib/common/api_types.ts";
import { defaultNotifyLevel, type NotifyLevel } from "../../lib/common/notify_level.ts";

/** The levels the user chose, and the defaults for the rest. */
export class NotifyLevels {
  readonly #chosen;
  /** The version of the choice held, by room id (none yet: the page's own). */
  readonly #versions = new Map<string, string>();

  /**
   * The version of the newest whole list taken (the page's, then `relistLevels`'): a
   * `welcome` telling of a newer change makes the page read the list again.
   */
  listed: string;

  /** @param list The levels the page came with, by room id (defaults left out), and their version. */
  constructor({ levels, version }: NotifyLevelList) {
    this.#chosen = signal<Readonly<Record<string, NotifyLevel>>>(levels);
    this.listed = version;
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
    if (version <= (this.#versions.get(roomId) ?? "")) return;
    this.#versions.set(roomId, version);
    const { [roomId]: _, ...rest } = this.#chosen.peek();
    this.#chosen.value = level === null ? rest : { ...rest, [roomId]: level };
  }
}
