/**
 * The Lucide icons the UI uses, each imported from its own module: the package's root module
 * lists all of its ~2,000 icons and the bundler keeps them (31.6 KB gzipped islands against
 * 27.9 KB this way), so every icon comes in by its file.
 *
 * @module
 */
import type { IconNode } from "lucide";
import chevronLeft from "lucide/dist/esm/icons/chevron-left.mjs";
import ellipsis from "lucide/dist/esm/icons/ellipsis.mjs";
import file from "lucide/dist/esm/icons/file.mjs";
import paperclip from "lucide/dist/esm/icons/paperclip.mjs";
import plus from "lucide/dist/esm/icons/plus.mjs";
import settings from "lucide/dist/esm/icons/settings.mjs";
import x from "lucide/dist/esm/icons/x.mjs";

/** ‹ back: from the chat to the conversation list on a phone. */
export const ChevronLeft: IconNode = chevronLeft;
/** ⋯ more actions. */
export const Ellipsis: IconNode = ellipsis;
/** A document: a file attached to a message. */
export const FileIcon: IconNode = file;
/** A paperclip: attach files. */
export const Paperclip: IconNode = paperclip;
/** + new. */
export const Plus: IconNode = plus;
/** ⚙ settings. */
export const Settings: IconNode = settings;
/** × close. */
export const X: IconNode = x;
