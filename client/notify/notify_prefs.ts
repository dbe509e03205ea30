/**
 * This device's notification switches, kept in `localStorage` (the permission is the
 * browser's, so the switch is too): whether to show notifications at all, and whether to play
 * a sound with them. Turning notifications on is the one place the page asks for permission.
 *
 * @module
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import type { StorageLike } from "../chat_client_options.ts";

const ENABLED = "chat.notify.enabled";
const SOUND = "chat.notify.sound";

/** What the browser says about notification permission; "unsupported" without the API. */
export type PermissionState = NotificationPermission | "unsupported";

/** The switches, and the browser's permission, as signals. */
export class NotifyPrefs {
  readonly #storage: StorageLike | null;
  readonly #enabled;
  readonly #sound;
  readonly #permission;

  /**
   * @param storage Where the switches are kept; null keeps them for this page only.
   * @param permission The browser's permission now (tests give one).
   */
  constructor(
    storage: StorageLike | null = globalThis.localStorage ?? null,
    permission: PermissionState = currentPermission(),
  ) {
    this.#storage = storage;
    this.#permission = signal<PermissionState>(permission);
    this.#enabled = signal(storage?.getItem(ENABLED) === "1");
    this.#sound = signal(storage?.getItem(SOUND) === "1");
  }

  /** Notifications are on for this device and the browser allows them. */
  get active(): boolean {
    return this.#enabled.value && this.#permission.value === "granted";
  }

  /** The "show notifications" switch. */
  get enabled(): ReadonlySignal<boolean> {
    return this.#enabled;
  }

  /** The "play a sound" switch. */
  get sound(): ReadonlySignal<boolean> {
    return this.#sound;
  }

  /** The browser's notification permission. */
  get permission(): ReadonlySignal<PermissionState> {
    return this.#permission;
  }

  /**
   * Turns notifications on (asking the browser for permission first, when it has not been
   * given or refused yet) or off. Stays off when permission is refused.
   */
  async setEnabled(on: boolean): Promise<void> {
    if (on && this.#permission.peek() === "default") {
      this.#permission.value = await Notification.requestPermission();
    }
    const enabled = on && this.#permission.peek() === "granted";
    this.#enabled.value = enabled;
    this.#storage?.setItem(ENABLED, enabled ? "1" : "0");
  }

  /** Turns the sound on or off. */
  setSound(on: boolean): void {
    this.#sound.value = on;
    this.#storage?.setItem(SOUND, on ? "1" : "0");
  }
}

function currentPermission(): PermissionState {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}
