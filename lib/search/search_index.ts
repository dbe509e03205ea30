/**
 * What the message search index holds of a message: the terms of its current text and
 * attachment names, and its posting (what the filters read without reading the message). The
 * store writes them in the commit of the message (`search_pending.ts`), the merger folds them
 * into blocks (`search_merger.ts`).
 *
 * @module
 */
import { isInlineImage } from "../common/attachments.ts";
import { type ChatMessage, isActionEntry } from "../common/protocol.ts";
import { textTerms } from "../common/search_text.ts";

/**
 * A posting: what the search filters by without reading the message (its sender, whether it
 * has attachments, whether one is an image).
 */
export interface SearchPosting {
  from: string;
  files?: true;
  images?: true;
}

/** The text a message is searched by: its text and the names of its attachments. */
export function searchableText(message: Pick<ChatMessage, "text" | "attachments">): string {
  const names = (message.attachments ?? []).map((attachment) => attachment.name);
  return names.length === 0 ? message.text : [message.text, ...names].join("\n");
}

/** The terms a stored message is found by; none for system messages, actions and deletes. */
export function messageTerms(message: ChatMessage | null | undefined): string[] {
  if (!message || message.kind === "system" || isActionEntry(message) || message.deleted) {
    return [];
  }
  return textTerms(searchableText(message));
}

/** The posting of a message: its sender and whether it has files and images. */
export function postingOf(message: ChatMessage): SearchPosting {
  const attachments = message.attachments ?? [];
  return {
    from: message.from,
    ...(attachments.length > 0 ? { files: true } : {}),
    ...(attachments.some((attachment) => isInlineImage(attachment.type)) ? { images: true } : {}),
  };
}
