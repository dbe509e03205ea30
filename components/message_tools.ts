/**
 * The message tools, fetched together as one lazy chunk right after the first paint (see
 * `lazy_parts.ts`): the hover/long-press menu, the inline editor, the earlier-versions dialog
 * the upload drafts and the reply banner over the composer, the typing line, the image
 * lightbox, the dialog frame and the confirmation dialog, and message search (its launcher
 * renders nothing until Ctrl+K, `/` or the search button opens it), and the message list with
 * every message's body (text, files, reactions, quoted reply, read receipt): the server renders
 * no messages, so the first paint needs none of it. One chunk, not several:
 * each chunk is gzipped alone, so small ones would save nothing.
 *
 * @module
 */
export { default as MessageMenu } from "./MessageMenu.tsx";
export { default as MessageEditor } from "./MessageEditor.tsx";
export { default as VersionsDialog } from "./VersionsDialog.tsx";
export { default as AttachmentDrafts } from "./AttachmentDrafts.tsx";
export { default as ReplyBanner } from "./ReplyBanner.tsx";
export { default as TypingIndicator } from "./TypingIndicator.tsx";
export { default as ImageLightbox } from "./ImageLightbox.tsx";
export { default as Dialog } from "./Dialog.tsx";
export { default as ConfirmDialog } from "./ConfirmDialog.tsx";
export { default as SearchLauncher } from "./SearchLauncher.tsx";
export { default as MessageList } from "./MessageList.tsx";
export { default as MessageBody } from "./MessageItem.tsx";
export { default as MessageText } from "./MessageText.tsx";
export { default as AttachmentList } from "./AttachmentList.tsx";
export { default as SeenReceipt } from "./SeenReceipt.tsx";
