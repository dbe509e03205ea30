/**
 * What one decrypted entry of an encrypted room makes of the timeline this device reads: a
 * message becomes an {@linkcode E2eShown}; an edit or a reaction (an action entry the server
 * stored without reading it) changes the message it targets. Part of the lazy E2E chunk.
 *
 * The server checks an edit's sender and an action's target before storing it, but a device
 * does not rely on that: an edit counts only from the original's sender, and only when the
 * encrypted target agrees with the entry's; anything else changes nothing.
 *
 * @module
 */
import type { E2eContent } from "../../lib/common/e2e/e2e_content.ts";
import { isActionEntry } from "../../lib/common/protocol.ts";
import type { ChatMessage } from "../../lib/common/protocol.ts";
import { toggleReaction } from "../../lib/common/reaction_toggle.ts";
import type { E2eShown } from "../e2e_view.ts";

/** How a message entry (not an action) with decrypted `content` is shown. */
export function shownOfMessage(entry: ChatMessage, content: E2eContent): E2eShown {
  // An edit or a reaction sent as a message would show as text it is not: refuse it.
  if (!("text" in content) || "edit" in content || isActionEntry(entry)) {
    return { kind: "undecryptable" };
  }
  return {
    kind: "text",
    text: content.text,
    from: entry.from,
    ...(content.reply ? { reply: content.reply } : {}),
    ...(content.files ? { files: content.files } : {}),
  };
}

/**
 * Applies the decrypted `content` of action entry `entry` (an edit or a reaction) to the
 * message it targets in `shown`. Returns whether it changed anything.
 */
export function applyAction(
  shown: Map<number, E2eShown>,
  entry: ChatMessage,
  content: E2eContent,
): boolean {
  const seq = "edit" in content
    ? content.edit
    : "reaction" in content
    ? content.reaction.seq
    : undefined;
  if (seq === undefined || seq !== entry.target) return false;
  const target = shown.get(seq);
  if (target?.kind !== "text") return false;
  if ("edit" in content) {
    if (entry.kind !== "edit" || target.from !== entry.from) return false;
    shown.set(seq, { ...target, text: content.text, editedAt: entry.at });
    return true;
  }
  if (entry.kind !== "reaction" || !("reaction" in content)) return false;
  const { emoji, on } = content.reaction;
  const reactions = toggleReaction(target.reactions ?? [], {
    from: entry.from,
    author: entry.author,
    emoji,
    on,
  });
  if (!reactions) return false;
  shown.set(seq, { ...target, reactions });
  return true;
}
