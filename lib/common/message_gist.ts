/**
 * What a preview shows of a message: the conversation list's last message, a reply's quote and
 * the reply banner. A message of files alone has no text to show, so its previews carry a
 * {@linkcode FileGist} and the browser shows "🖼 Photo" or "📎 report.pdf" in the reader's
 * language ({@linkcode gistText}). Browser-safe.
 *
 * @module
 */
import { type LastMessage, PREVIEW_CHARS } from "./api_types.ts";
import { type Attachment, isInlineImage } from "./attachments.ts";
import type { Translate } from "./i18n/translate.ts";
import { type ChatMessage, REPLY_EXCERPT_CHARS, type ReplyPreview } from "./protocol.ts";

/** The first file of a message without text, named in its previews instead of the text. */
export interface FileGist {
  /** The file's name, as stored. */
  name: string;
  /** The file is an image shown inline: previews say "Photo", not its name. */
  image?: true;
}

/**
 * The gist of a message's files, for a message whose text is empty; undefined when it has
 * text (the text is its preview) or no files.
 */
export function fileGist(
  text: string,
  attachments: readonly Attachment[] | undefined,
): FileGist | undefined {
  const first = attachments?.[0];
  if (!first || text !== "") return undefined;
  return { name: first.name, ...(isInlineImage(first.type) ? { image: true as const } : {}) };
}

/**
 * `text` as a one-line preview reads it: the Markdown markup the timeline renders (emphasis and
 * strikethrough markers, inline code ticks, code fences, quote and list markers, a link's URL
 * beside its label) taken out, and lines joined by a space, so "**Lunch** at `12`" previews as
 * "Lunch at 12". Underscores inside a word (`snake_case`) stay.
 */
export function plainPreview(text: string): string {
  return text
    .replace(/^ {0,3}(`{3,}|~{3,}).*$/gm, "")
    .replace(/^ {0,3}(?:>\s?)+/gm, "")
    .replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+/gm, "")
    .replace(/!?\[([^\]\n]*)\]\([^)\s]*\)/g, "$1")
    .replace(/`+([^`\n]*?)`+/g, "$1")
    .replace(/(\*\*|__|~~)(?=\S)([^\n]*?\S)\1/g, "$2")
    .replace(/(^|[^\p{L}\p{N}*_])([*_])(?=\S)([^\n*_]*?\S)\2(?![\p{L}\p{N}])/gu, "$1$3")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The summary of `message` the conversation list shows (stored by the server, and made by the
 * browser from a newer message it holds): its text cut to {@linkcode PREVIEW_CHARS} code points,
 * a system message's event, whether it was deleted or edited, and its file gist.
 */
export function lastMessageOf(message: ChatMessage): LastMessage {
  const { seq, at, author, from, event } = message;
  const file = message.deleted ? undefined : fileGist(message.text, message.attachments);
  return {
    seq,
    at,
    author,
    from,
    preview: [...plainPreview(message.text)].slice(0, PREVIEW_CHARS).join(""),
    ...(event ? { event } : {}),
    ...(message.deleted ? { deleted: true } : {}),
    ...(message.editedAt !== undefined ? { edited: true } : {}),
    ...(file ? { file } : {}),
  };
}

/**
 * The quote a reply keeps of `original`: its first {@linkcode REPLY_EXCERPT_CHARS} code points,
 * or the gist of its files when it has no text.
 */
export function replyPreviewOf(original: ChatMessage): ReplyPreview {
  const file = fileGist(original.text, original.attachments);
  return {
    seq: original.seq,
    from: original.from,
    author: original.author,
    excerpt: [...plainPreview(original.text)].slice(0, REPLY_EXCERPT_CHARS).join(""),
    ...(file ? { file } : {}),
  };
}

/**
 * A preview's text in the reader's language: `text` itself when there is some, else
 * "🖼 Photo" for an image or "📎 name" for another file; "" when there is neither.
 */
export function gistText(t: Translate, text: string, file: FileGist | undefined): string {
  if (text !== "" || !file) return text;
  return file.image ? t("files.photoGist") : t("files.fileGist", { name: file.name });
}
