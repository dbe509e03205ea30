/**
 * The icons only lazy parts use (the message menu, the members panel, the friend list), apart
 * from `icons.ts` so that they load with those parts: the bundler splits code by module, and
 * `icons.ts` is first-load JS.
 *
 * @module
 */
import type { IconNode } from "lucide";
import check from "lucide/dist/esm/icons/check.mjs";
import ellipsis from "lucide/dist/esm/icons/ellipsis.mjs";
import userPlus from "lucide/dist/esm/icons/user-plus.mjs";
import copy from "lucide/dist/esm/icons/copy.mjs";
import flag from "lucide/dist/esm/icons/flag.mjs";
import link from "lucide/dist/esm/icons/link.mjs";
import pencil from "lucide/dist/esm/icons/pencil.mjs";
import reply from "lucide/dist/esm/icons/reply.mjs";
import smilePlus from "lucide/dist/esm/icons/face-slightly-smiling-plus.mjs";
import trash from "lucide/dist/esm/icons/trash.mjs";

/** Copied: the tick a copy button shows for a moment. */
export const Check: IconNode = check;
/** Copy a message's text. */
export const Copy: IconNode = copy;
/** Copy a link to a message. */
export const Link: IconNode = link;
/** Edit a message. */
export const Pencil: IconNode = pencil;
/** Reply to a message. */
export const Reply: IconNode = reply;
/** More emoji (the full picker). */
export const SmilePlus: IconNode = smilePlus;
/** Delete a message. */
export const Trash: IconNode = trash;
/** Report a message to the administrator. */
export const Flag: IconNode = flag;
/** ⋯ more actions. */
export const Ellipsis: IconNode = ellipsis;
/** 👤+ invite people. */
export const UserPlus: IconNode = userPlus;
