/**
 * What a reaction may be: one emoji. Browser-safe. Apart from `protocol.ts` (and not
 * re-exported by it) so that the first-load bundle, which never checks a reaction, does not
 * carry the regex: the E2E chunk checks decrypted reactions with it.
 *
 * @module
 */

/** Longest reaction emoji, in UTF-16 units (a flag or a family ZWJ sequence fits). */
export const MAX_EMOJI_LENGTH = 32;

const EMOJI = /^\p{RGI_Emoji}$/v;

/**
 * True when `text` is one emoji (one RGI emoji sequence: a skin tone, a flag or a ZWJ family
 * included) of at most {@linkcode MAX_EMOJI_LENGTH} UTF-16 units. Text, digits and two emoji
 * are not.
 */
export function isReactionEmoji(text: string): boolean {
  return text.length > 0 && text.length <= MAX_EMOJI_LENGTH && EMOJI.test(text);
}
