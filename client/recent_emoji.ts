/**
 * The emoji picker's memory in `localStorage`: recently used emoji (newest first) and the
 * chosen skin tone. Unreadable or blocked storage reads as empty and writes nothing.
 *
 * @module
 */
import type { StorageLike } from "./chat_client_options.ts";

/** Most recently used emoji kept. */
export const MAX_RECENT = 24;

const RECENT_KEY = "chat.emoji.recent";
const TONE_KEY = "chat.emoji.tone";

/** Recently used emoji, newest first. */
export function readRecent(storage: StorageLike | undefined): string[] {
  try {
    const value: unknown = JSON.parse(storage?.getItem(RECENT_KEY) ?? "[]");
    return Array.isArray(value)
      ? value.filter((item): item is string => typeof item === "string").slice(0, MAX_RECENT)
      : [];
  } catch {
    return [];
  }
}

/** Puts `emoji` first in the recent list (once) and returns the new list. */
export function rememberRecent(storage: StorageLike | undefined, emoji: string): string[] {
  const next = [emoji, ...readRecent(storage).filter((item) => item !== emoji)]
    .slice(0, MAX_RECENT);
  try {
    storage?.setItem(RECENT_KEY, JSON.stringify(next));
  } catch {
    // Full or blocked: the list lives for this page only.
  }
  return next;
}

/** The chosen skin tone: 0 default (yellow), 1 light to 5 dark. */
export function readTone(storage: StorageLike | undefined): number {
  const tone = Number(storage?.getItem(TONE_KEY) ?? 0);
  return Number.isInteger(tone) && tone >= 0 && tone <= 5 ? tone : 0;
}

/** Remembers the chosen skin tone. */
export function saveTone(storage: StorageLike | undefined, tone: number): void {
  try {
    storage?.setItem(TONE_KEY, String(tone));
  } catch {
    // As above.
  }
}

/** The browser's `localStorage`, or undefined where it is blocked or absent. */
export function browserStorage(): StorageLike | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
