/**
 * Characters that make a name lie about what it says or look empty: shared by the server's
 * checks of display names, room names and topics. Browser-safe.
 *
 * @module
 */

/**
 * Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): an override such as
 * U+202E shows `exe.gpj` for `jpg.exe`, and in a name it reorders what follows it on the
 * screen. The plain marks U+200E and U+200F are allowed: right-to-left names need them.
 */
const DIRECTION_CONTROL = /[\u202A-\u202E\u2066-\u2069]/u;

/**
 * What shows nothing: white space, format characters (zero-width spaces and joiners, the
 * BOM, direction marks), control characters, and the blank letters of Hangul and Braille.
 */
const INVISIBLE = /^[\p{White_Space}\p{Cf}\p{Cc}\u115F\u1160\u3164\uFFA0\u2800]*$/u;

/** Control characters (C0, DEL, C1), such as NUL. */
const CONTROL = /\p{Cc}/u;

/** True when `text` holds a direction embedding, override or isolate. */
export function hasDirectionControl(text: string): boolean {
  return DIRECTION_CONTROL.test(text);
}

/** True when `text` is empty or has no character that shows anything. */
export function isInvisible(text: string): boolean {
  return INVISIBLE.test(text);
}

/** True when `text` holds a control character (`except` lists ones that are fine). */
export function hasControl(text: string, except = ""): boolean {
  for (const char of except) text = text.replaceAll(char, "");
  return CONTROL.test(text);
}
