/**
 * An error whose text for the user is a {@linkcode ShownText}: a message key translated
 * where it is shown (browser code throwing it has no `t`), or a readable string.
 *
 * @module
 */
import type { ShownText } from "../lib/common/i18n/translate.ts";

/** An error to show to the user; read it with `errorText`. Its `message` is for logs. */
export class LocalizedError extends Error {
  /** What the user reads. */
  readonly text: ShownText;

  /** @param text A readable string, or a message key with its parameters. */
  constructor(text: ShownText) {
    super(typeof text === "string" ? text : text.key);
    this.name = "LocalizedError";
    this.text = text;
  }
}
