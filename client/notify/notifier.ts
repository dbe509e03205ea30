/**
 * Decides which arriving messages raise a notification, and raises it through the service
 * worker's registration (`showNotification`), one per conversation: the tag is the room, so a
 * newer message replaces the shown one instead of stacking, without a second alert
 * (`renotify: false`).
 *
 * Never for the user's own messages (the client does not report them), nor for a conversation
 * shown in a focused tab: this one (`looking`) or another of the same browser
 * ({@linkcode ViewingTabs}).
 *
 * @module
 */
import type { ConversationRoom } from "../../lib/common/api_types.ts";
import type { Translate } from "../../lib/common/i18n/translate.ts";
import { notifies } from "../../lib/common/notify_level.ts";
import { plainPreview } from "../../lib/common/message_gist.ts";
import type { Arrival } from "../chat_client.ts";
import { roomHash } from "../room_hash.ts";
import type { NotifyLevels } from "./notify_levels.ts";
import type { NotifyPrefs } from "./notify_prefs.ts";
import type { ViewingTabs } from "./viewing_tabs.ts";

/** Characters of a message shown in its notification. */
export const NOTIFICATION_TEXT_CHARS = 140;

/** What {@linkcode Notifier} needs from the page. */
export interface NotifierDeps {
  userId: string;
  prefs: NotifyPrefs;
  levels: NotifyLevels;
  viewing: ViewingTabs;
  /** The conversation a room id names, if the page lists it. */
  conversation: (roomId: string) => ConversationRoom | undefined;
  /** The display name of a message's author. */
  authorName: (id: string, username: string) => string;
  t: Translate;
  /** The registration whose `showNotification` raises it; null: none (not supported). */
  registration: () => Promise<NotificationSource | null>;
  /** Plays the notification sound. */
  chime: () => void;
  /**
   * Runs one notification's read and write at a time across the tabs of this browser.
   * Absent: `navigator.locks` (Web Locks), else one at a time in this tab only.
   */
  locks?: NotifyLocks;
}

/** The name of the Web Lock every tab's notifier holds while it reads and writes. */
export const NOTIFY_LOCK = "chat.notify";

/** The part of `navigator.locks` (`LockManager`) the notifier uses. */
export interface NotifyLocks {
  /** Runs `run` once the lock `name` is free, holding it until `run`'s promise settles. */
  request<T>(name: string, run: () => Promise<T>): Promise<T>;
}

/** The part of a `ServiceWorkerRegistration` the notifier uses. */
export type NotificationSource = Pick<
  ServiceWorkerRegistration,
  "showNotification" | "getNotifications"
>;

/** What a shown notification carries, for its click and for the next one of its room. */
export interface NotificationData {
  room: string;
  /** The page's link to the conversation. */
  url: string;
  /** The newest message it tells of. */
  seq: number;
  /** How many messages it tells of. */
  count: number;
}

/** Raises notifications for arriving messages. */
export class Notifier {
  readonly #deps: NotifierDeps;
  readonly #locks: NotifyLocks;

  /** @param deps The page's settings, names and registration. */
  constructor(deps: NotifierDeps) {
    this.#deps = deps;
    this.#locks = deps.locks ?? globalThis.navigator?.locks ?? tabLocks();
  }

  /** Whether `arrival` should raise a notification now. */
  wants({ message, looking }: Arrival): boolean {
    const { prefs, levels, viewing, userId } = this.#deps;
    if (looking || !prefs.active || viewing.isViewedElsewhere(message.room)) return false;
    // An MLS commit changes an encrypted room's keys: nothing to read, nothing to tell.
    if (message.e2e?.kind === "commit") return false;
    const room = this.#deps.conversation(message.room);
    if (!room) return false;
    return notifies(levels.levelOf(room.id, room.kind === "direct"), message, userId);
  }

  /**
   * Raises (or updates) the conversation's notification when {@linkcode Notifier.wants} says
   * so, and chimes when the sound is on and it is news (another tab may have shown it already).
   * One at a time, in the order called, and one at a time with the other tabs of the user in
   * this browser (the Web Lock {@linkcode NOTIFY_LOCK}, granted in the order asked): the
   * messages of one batched frame arrive together, and every tab gets every message, and each
   * must read the notification shown before it to count it. (Run side by side, both read none
   * and the second says "hi 2" instead of "2 new messages"; two tabs both read the message as
   * news and both chime, 5 chimes for 4 messages in tests/browser_notify_test.ts; and Chromium
   * drops a notification written but not yet on screen from its store when
   * `getNotifications()` runs in between.)
   *
   * @returns Whether a notification was shown.
   */
  async take(arrival: Arrival): Promise<boolean> {
    // Before the lock: a tab whose worker never gets ready must not hold up the other tabs.
    // Every take waits on the same `ready`, so they still ask for the lock in the order called.
    const registration = await this.#deps.registration();
    if (!registration) return false;
    return this.#locks.request(NOTIFY_LOCK, () => this.#take(arrival, registration));
  }

  async #take(arrival: Arrival, registration: NotificationSource): Promise<boolean> {
    if (!this.wants(arrival)) return false;
    const { message } = arrival;
    const { t } = this.#deps;
    const room = this.#deps.conversation(message.room)!;
    const tag = `room:${room.id}`;
    const shown = await registration.getNotifications({ tag });
    const before = shown.map((n) => n.data as NotificationData | null).find((d) => d?.room);
    if (before && before.seq >= message.seq) return false;
    const author = this.#deps.authorName(message.from, message.author);
    const count = (before?.count ?? 0) + 1;
    let text = plainPreview(message.text).slice(0, NOTIFICATION_TEXT_CHARS);
    if (text === "" && message.attachments?.length) text = t("notify.attachment");
    // Only the page's E2E chunk can read it, and a notification is no place for the plaintext.
    if (message.e2e) text = t("notify.encrypted");
    const data: NotificationData = {
      room: room.id,
      url: "/" + roomHash(room.id),
      seq: message.seq,
      count,
    };
    const options: NotificationOptions & { renotify: boolean } = {
      tag,
      renotify: false,
      body: count > 1 ? t("notify.more", { count: String(count), text }) : text,
      data,
    };
    const title = room.kind === "direct" ? author : t("notify.inRoom", { author, room: room.name });
    await registration.showNotification(title, options);
    if (this.#deps.prefs.sound.peek()) this.#deps.chime();
    return true;
  }
}

/** One at a time in this tab only, in the order asked: where the browser has no Web Locks. */
function tabLocks(): NotifyLocks {
  let last: Promise<unknown> = Promise.resolve();
  return {
    request(_name, run) {
      const taken = last.then(run);
      last = taken.catch(() => undefined);
      return taken;
    },
  };
}
