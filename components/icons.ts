/**
 * The Lucide icons the UI uses, each imported from its own module: the package's root module
 * lists all of its ~2,000 icons and the bundler keeps them (31.6 KB gzipped islands against
 * 27.9 KB this way), so every icon comes in by its file. The icons only lazy parts use are in
 * `lazy_icons.ts`: the bundler splits code by module, so an icon listed here is first-load JS.
 *
 * @module
 */
import type { IconNode } from "lucide";
import chevronLeft from "lucide/dist/esm/icons/chevron-left.mjs";
import paperclip from "lucide/dist/esm/icons/paperclip.mjs";
import plus from "lucide/dist/esm/icons/plus.mjs";
import settings from "lucide/dist/esm/icons/settings.mjs";
import smile from "lucide/dist/esm/icons/face-slightly-smiling-plus.mjs";
import users from "lucide/dist/esm/icons/users.mjs";
import lock from "lucide/dist/esm/icons/lock.mjs";
import x from "lucide/dist/esm/icons/x.mjs";
import search from "lucide/dist/esm/icons/search.mjs";
import phone from "lucide/dist/esm/icons/phone.mjs";
import video from "lucide/dist/esm/icons/video.mjs";
import ellipsisVertical from "lucide/dist/esm/icons/ellipsis-vertical.mjs";

/** ‹ back: from the chat to the conversation list on a phone. */
export const ChevronLeft: IconNode = chevronLeft;
/** A paperclip: attach files. */
export const Paperclip: IconNode = paperclip;
/** + new. */
export const Plus: IconNode = plus;
/** A magnifier: search messages. */
export const Search: IconNode = search;
/** ⚙ settings. */
export const Settings: IconNode = settings;
/** ☺+ open the emoji picker. */
export const Smile: IconNode = smile;
/** × close. */
export const X: IconNode = x;
/** 👥 members. */
export const Users: IconNode = users;
/** ⋮ more: the room header's actions that do not fit a phone's width. */
export const MoreVertical: IconNode = ellipsisVertical;
/** A padlock: an end-to-end encrypted conversation. */
export const Lock: IconNode = lock;

/** A phone: start a voice call; accept a call. */
export const Phone: IconNode = phone;
/** A camera: start a video call; turn the camera on. */
export const Video: IconNode = video;
