/**
 * What one MLS application message of an encrypted room carries: the plaintext the sender's
 * device encrypts, a small versioned JSON structure shared by the browser and the tests.
 * Browser-safe. The server never sees it.
 *
 * Every kind of entry of an encrypted room is one of these, told apart by which field is set:
 * a message (`text`, maybe `reply` and `files`), an edit of one (`edit`: the original's seq,
 * with the new `text`), or a reaction (`reaction`). {@linkcode decodeE2eContent} reads it
 * defensively: anything of another shape is `undefined` (shown as "could not decrypt"), never
 * an exception, so a member's malformed message cannot break the reader.
 *
 * @module
 */
import { countChars, MAX_TEXT_CHARS, REPLY_EXCERPT_CHARS } from "../protocol.ts";
import { isReactionEmoji } from "../reaction_emoji.ts";
import { MAX_ATTACHMENTS, MAX_FILE_NAME } from "../attachments.ts";

/** The version this module writes; it reads it and the unversioned `{text}` of the first slice. */
export const E2E_CONTENT_VERSION = 1;

/**
 * An encrypted file: stored by the server as ciphertext under `id`, readable with `key` and
 * `iv` (AES-GCM-256, base64), which travel only inside the MLS message.
 */
export interface E2eFile {
  /**
   * The stored ciphertext's file id (SHA-256 hex of the ciphertext): one of the ids the server
   * stored with the message's `attachments`, or the file is not shown.
   */
  id: string;
  /** Raw AES-GCM-256 key, base64 (32 bytes). */
  key: string;
  /** AES-GCM nonce, base64 (12 bytes). */
  iv: string;
  name: string;
  /** The plaintext's MIME type, as the sender's browser knew it. */
  type: string;
  /** The plaintext's size in bytes. */
  size: number;
  width?: number;
  height?: number;
}

/** The quote of the message a reply answers, carried encrypted (the server stores none). */
export interface E2eReply {
  seq: number;
  /** User id of the original's sender, as the replying device read it. */
  from: string;
  author: string;
  /** The original's first {@linkcode REPLY_EXCERPT_CHARS} characters. */
  quote: string;
}

/** A reaction toggled on the message at `seq`. */
export interface E2eReaction {
  seq: number;
  emoji: string;
  /** True adds the sender's reaction, false removes it. */
  on: boolean;
}

/** The plaintext of one encrypted entry (see the module's description). */
export type E2eContent =
  | { v: 1; text: string; reply?: E2eReply; files?: E2eFile[] }
  | { v: 1; text: string; edit: number }
  | { v: 1; reaction: E2eReaction };

/** The bytes to encrypt for `content`. */
export function encodeE2eContent(content: E2eContent): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(content));
}

/** The content in `bytes`, or undefined when they are not one of this app's shape. */
export function decodeE2eContent(bytes: Uint8Array): E2eContent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const version = value.v ?? E2E_CONTENT_VERSION;
  if (version !== E2E_CONTENT_VERSION) return undefined;
  if (value.reaction !== undefined) {
    const reaction = value.reaction;
    if (
      !isRecord(reaction) || !isSeq(reaction.seq) || typeof reaction.emoji !== "string" ||
      !isReactionEmoji(reaction.emoji) || typeof reaction.on !== "boolean"
    ) return undefined;
    return { v: 1, reaction: { seq: reaction.seq, emoji: reaction.emoji, on: reaction.on } };
  }
  if (!isText(value.text)) return undefined;
  if (value.edit !== undefined) {
    if (!isSeq(value.edit) || value.text.trim() === "") return undefined;
    return { v: 1, text: value.text, edit: value.edit };
  }
  const content: E2eContent = { v: 1, text: value.text };
  if (value.reply !== undefined) {
    const reply = readReply(value.reply);
    if (!reply) return undefined;
    content.reply = reply;
  }
  if (value.files !== undefined) {
    if (!Array.isArray(value.files) || value.files.length > MAX_ATTACHMENTS) return undefined;
    const files = value.files.map(readFile);
    if (files.length === 0 || files.some((file) => file === undefined)) return undefined;
    content.files = files as E2eFile[];
  }
  if (content.text.trim() === "" && !content.files) return undefined;
  return content;
}

/** The quote of `text` a reply carries: its first {@linkcode REPLY_EXCERPT_CHARS} characters. */
export function replyQuote(text: string): string {
  return [...text].slice(0, REPLY_EXCERPT_CHARS).join("");
}

function readReply(value: unknown): E2eReply | undefined {
  if (
    !isRecord(value) || !isSeq(value.seq) || typeof value.from !== "string" ||
    typeof value.author !== "string" || typeof value.quote !== "string" ||
    countChars(value.quote) > REPLY_EXCERPT_CHARS || value.from.length > 64 ||
    value.author.length > 64
  ) return undefined;
  return { seq: value.seq, from: value.from, author: value.author, quote: value.quote };
}

function readFile(value: unknown): E2eFile | undefined {
  if (
    // The id must also be one the server stored under the message (the reader checks that):
    // FILE_ID_PATTERN itself would cost the first-load bundle its bytes.
    !isRecord(value) || typeof value.id !== "string" || value.id.length !== 64 ||
    !isBase64(value.key, 44) || !isBase64(value.iv, 16) ||
    typeof value.name !== "string" || value.name.length > MAX_FILE_NAME ||
    typeof value.type !== "string" || value.type.length > 100 || !isCount(value.size)
  ) return undefined;
  const file: E2eFile = {
    id: value.id,
    key: value.key,
    iv: value.iv,
    name: value.name,
    type: value.type,
    size: value.size,
  };
  if (value.width !== undefined || value.height !== undefined) {
    if (!isCount(value.width) || !isCount(value.height)) return undefined;
    file.width = value.width;
    file.height = value.height;
  }
  return file;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === "string" && countChars(value) <= MAX_TEXT_CHARS;
}

function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isBase64(value: unknown, length: number): value is string {
  return typeof value === "string" && value.length === length &&
    /^[A-Za-z0-9+/]*={0,2}$/.test(value);
}
