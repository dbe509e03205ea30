/**
 * The user's notification level per conversation, as the browser holds it: the choices the
 * page came with (kept on the server, so every device agrees), changed through
 * `PUT /api/me/notifications/:room`.
 *
 * @module
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import { defaultNotifyLevel, type NotifyLevel } from "../../lib/common/notify_level.ts";
import { request } from "../rooms_api.ts";

/** The levels the user chose, and the defaults for the rest. */
export class NotifyLevels {
  readonly #chosen;

  /** @param chosen The levels the page came with, by room id (defaults left out). */
  constructor(chosen: Readonly<Record<string, NotifyLevel>>) {
    this.#chosen = signal<Readonly<Record<string, NotifyLevel>>>(chosen);
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
   * Saves `level` for a conversation on the server (the default as "no choice"), then holds it.
   * Throws the API's error when the server refuses.
   */
  async choose(roomId: string, direct: boolean, level: NotifyLevel): Promise<void> {
    const stored = level === defaultNotifyLevel(direct) ? null : level;
    await request("PUT", `/api/me/notifications/${encodeURIComponent(roomId)}`, { level: stored });
    this.changed(roomId, stored);
  }

  /**
   * Holds a level chosen for a conversation, here or on another device of the user (a
   * `notify_level` user event); null is the default.
   */
  changed(roomId: string, level: NotifyLevel | null): void {
    const { [roomId]: _, ...rest } = this.#chosen.peek();
    this.#chosen.value = level === null ? rest : { ...rest, [roomId]: level };
  }
}
