/**
 * What happened to the user that they did not do themselves, told in words instead of a
 * silent change: muted or unmuted by someone, kicked or banned from a room, a room deleted
 * under them. The island feeds it every `user_event`; the notice bar reads
 * {@linkcode NoticeBoard.notices}. Notices stay until dismissed; the newest few are kept.
 *
 * @module
 */
import { signal } from "@preact/signals";
import type { UserEvent } from "../lib/common/api_types.ts";
import type { ShownText } from "../lib/common/i18n/translate.ts";

/** One notice: an id for its key and dismiss button, and its words. */
export interface Notice {
  id: number;
  text: ShownText;
}

/** Notices kept at once; an older one is dropped when a new one comes. */
export const MAX_NOTICES = 3;

/** The notices shown to the user, newest last. */
export class NoticeBoard {
  /** The notices to show, oldest first. */
  readonly notices = signal<readonly Notice[]>([]);
  #next = 1;

  /** Adds the notice an event calls for, if any; returns whether it added one. */
  take(event: UserEvent): boolean {
    const text = noticeOf(event);
    if (!text) return false;
    this.notices.value = [...this.notices.value, { id: this.#next++, text }].slice(-MAX_NOTICES);
    return true;
  }

  /** Removes one notice. */
  dismiss(id: number): void {
    this.notices.value = this.notices.value.filter((notice) => notice.id !== id);
  }
}

/** The words of the notice `event` calls for; null when it calls for none. */
export function noticeOf(event: UserEvent): ShownText | null {
  if (event.kind === "muted") {
    const { room, by } = event;
    return { key: event.muted ? "notice.muted" : "notice.unmuted", params: { room, by } };
  }
  if (event.kind === "room_removed" && event.reason) {
    const { why, room, by } = event.reason;
    return { key: `notice.${why}`, params: { room, by } };
  }
  return null;
}
