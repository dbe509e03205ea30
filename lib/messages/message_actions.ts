/**
 * What an action entry (edit, delete, reaction) does to the message it targets, as a pure
 * function the store runs inside the commit that appends the entry. Browser-free but server
 * side: clients never recompute a message's state, they take the store's snapshot.
 *
 * @module
 */
import {
  type ChatMessage,
  isActionEntry,
  MAX_E2E_REACTION_ENTRIES,
  MAX_EDITS,
  type MessageVersion,
} from "../common/protocol.ts";
import { toggleReaction } from "../common/reaction_toggle.ts";

/** An action as the store applies it; `text` is the new text of an edit. */
export interface MessageAction {
  kind: "edit" | "delete" | "reaction";
  /** User id of who acts. */
  from: string;
  /** Username of who acts. */
  author: string;
  text: string;
  emoji?: string;
  on?: boolean;
  /** An edit: whom the new text mentions (member ids); none when absent. */
  mentions?: string[];
  /**
   * An encrypted room's edit or reaction: its content is an MLS message the server cannot read,
   * so it changes nothing of the target's content here (the members' devices apply it); the
   * server only counts it (`versions`, `reactionEntries`), to hold the caps it can.
   */
  encrypted?: true;
}

/** The target after an action, and the version an edit set aside. */
export interface ActionOutcome {
  /** The target's new state; the same object when the action changed nothing. */
  target: ChatMessage;
  /** An edit's earlier text, to keep as version number `target.versions - 1`. */
  version?: MessageVersion;
  /** A delete: how many earlier versions the target had, all to be erased. */
  erasedVersions?: number;
  /** A delete: the target as it was, for releasing what it referenced (attachments). */
  released?: ChatMessage;
}

/**
 * Applies one action, stored at `seq` at time `now`, to `target`. Actions the rules forbid
 * at this point (editing or reacting to a deleted message, an edit past {@linkcode MAX_EDITS},
 * a new emoji past `MAX_REACTION_EMOJI`, anything on a system message or on another
 * action entry) change nothing: the connection refuses them first, and only a race between
 * two clients reaches here. Who may act is the connection's check, not this function's.
 */
export function applyAction(
  target: ChatMessage,
  action: MessageAction,
  seq: number,
  now: number,
): ActionOutcome {
  if (target.kind === "system" || isActionEntry(target) || target.deleted) {
    return { target };
  }
  if (action.encrypted && action.kind !== "delete") return countEncrypted(target, action.kind, seq);
  switch (action.kind) {
    case "edit": {
      const versions = target.versions ?? 0;
      if (versions >= MAX_EDITS) return { target };
      const edited: ChatMessage = {
        ...target,
        text: action.text,
        editedAt: now,
        versions: versions + 1,
        revision: seq,
      };
      // The mentions follow the text: a name added is highlighted and counted, one removed is not.
      if (action.mentions?.length) edited.mentions = action.mentions;
      else delete edited.mentions;
      return { target: edited, version: { text: target.text, at: target.editedAt ?? target.at } };
    }
    case "delete": {
      // An allow-list, not a copy minus some fields: whatever else a message carries (its
      // attachments, say) is gone with it. The store hands `released` to its
      // `releaseDeleted` hook, where what lives outside the message is to be freed.
      const { room, seq: targetSeq, id, from, author, at } = target;
      return {
        target: {
          room,
          seq: targetSeq,
          id,
          from,
          author,
          text: "",
          at,
          deleted: true,
          revision: seq,
        },
        erasedVersions: target.versions ?? 0,
        released: target,
      };
    }
    case "reaction": {
      const reactions = toggleReaction(target.reactions ?? [], action);
      if (!reactions) return { target };
      const next: ChatMessage = { ...target, revision: seq };
      if (reactions.length > 0) next.reactions = reactions;
      else delete next.reactions;
      return { target: next };
    }
  }
}

/**
 * An encrypted edit or reaction, counted on its target: an edit in `versions` (up to
 * {@linkcode MAX_EDITS}; no earlier version is kept, the server has none to keep), a reaction
 * in `reactionEntries` (up to {@linkcode MAX_E2E_REACTION_ENTRIES}). Past the cap (only a race
 * of two clients gets there: the connection refuses first) nothing changes.
 */
function countEncrypted(
  target: ChatMessage,
  kind: "edit" | "reaction",
  seq: number,
): ActionOutcome {
  const field = kind === "edit" ? "versions" : "reactionEntries";
  const cap = kind === "edit" ? MAX_EDITS : MAX_E2E_REACTION_ENTRIES;
  const count = target[field] ?? 0;
  if (count >= cap) return { target };
  return { target: { ...target, [field]: count + 1, revision: seq } };
}
