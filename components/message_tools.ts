/**
 * The message tools, fetched together as one lazy chunk right after the first paint (see
 * `lazy_parts.ts`): the message list with every message's body (text, files, reactions, quoted
 * reply, read receipt, and through it the hover/long-press menu, the inline editor, the
 * earlier-versions dialog, the image lightbox), the upload drafts and the reply banner over the
 * composer, the composer's `@mention` and `:shortcode` suggestions, the typing line, the confirmation dialog, and message search (its launcher renders
 * nothing until Ctrl+K, `/` or the search button opens it). The server renders no messages, so
 * the first paint needs none of it. One chunk, not several: each chunk is gzipped alone, so
 * small ones would save nothing.
 *
 * @module
 */
export { default as MessageList } from "./MessageList.tsx";
export { default as AttachmentDrafts } from "./AttachmentDrafts.tsx";
export { default as CompletionList } from "./CompletionList.tsx";
export { default as ReplyBanner } from "./ReplyBanner.tsx";
export { default as TypingIndicator } from "./TypingIndicator.tsx";
export { default as ConfirmDialog } from "./ConfirmDialog.tsx";
export { default as SearchLauncher } from "./SearchLauncher.tsx";
export { default as NotifyMenu } from "./NotifyMenu.tsx";
export { default as RoomCallBar } from "./RoomCallBar.tsx";
