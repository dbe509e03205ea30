/**
 * The message search index as the store writes it: one `msg_term` entry per term of a
 * message's current text and attachment names, added to the very commit that appends, edits
 * or deletes the message (see `lib/messages/message_store_kv.ts`). A message is therefore
 * searchable exactly when its send is acknowledged, an edit swaps its terms in the commit that
 * stores the new text, and a delete drops them in the commit that erases it; nothing is ever
 * indexed outside a message commit, so a crash (the kill -9 chaos test) cannot leave the two
 * apart.
 *
 * @module
 */
import { isInlineImage } from "../common/attachments.ts";
import { type ChatMessage, isActionEntry } from "../common/protocol.ts";
import { MAX_TERMS_PER_MESSAGE, textTerms } from "../common/search_text.ts";
import { keys } from "../kv/kv_keys.ts";

/**
 * The value of a `msg_term` entry: what the search filters by without reading the message
 * (its sender, whether it has attachments, whether one is an image).
 */
export interface SearchPosting {
  from: string;
  files?: true;
  images?: true;
}

/**
 * Most index writes one message change can add to a commit: the new terms, and for an edit
 * the old ones it removes. The store budgets its commits with it.
 */
export const MAX_INDEX_WRITES_PER_CHANGE = 2 * MAX_TERMS_PER_MESSAGE;

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

/**
 * Adds to `atomic` the index writes of a message that went from `before` (null when new) to
 * `after`: entries for the terms it gained, deletes for those it lost. The message's time and
 * seq never change, so a term it keeps keeps its entry. `afterTerms`, when the caller has them
 * already, are `after`'s terms. Returns the number of writes added.
 */
export function reindexMessage(
  atomic: Deno.AtomicOperation,
  before: ChatMessage | null,
  after: ChatMessage,
  afterTerms: string[] = messageTerms(after),
): number {
  const old = messageTerms(before);
  const next = afterTerms;
  const { room, at, seq } = after;
  let writes = 0;
  for (const term of old) {
    if (next.includes(term)) continue;
    atomic.delete(keys.searchTerm(room, term, at, seq));
    writes++;
  }
  if (next.length === 0) return writes;
  const posting = postingOf(after);
  for (const term of next) {
    if (old.includes(term)) continue;
    atomic.set(keys.searchTerm(room, term, at, seq), posting);
    writes++;
  }
  return writes;
}

function postingOf(message: ChatMessage): SearchPosting {
  const attachments = message.attachments ?? [];
  return {
    from: message.from,
    ...(attachments.length > 0 ? { files: true } : {}),
    ...(attachments.some((attachment) => isInlineImage(attachment.type)) ? { images: true } : {}),
  };
}
