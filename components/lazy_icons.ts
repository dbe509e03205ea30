/**
 * The icons only lazy parts use (the message menu, the members panel, the friend list, the
 * attachment cards, the call view, the notification bell), apart
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
import refreshCw from "lucide/dist/esm/icons/refresh-cw.mjs";
import file from "lucide/dist/esm/icons/file.mjs";
import phoneOff from "lucide/dist/esm/icons/phone-off.mjs";
import videoOff from "lucide/dist/esm/icons/video-off.mjs";
import mic from "lucide/dist/esm/icons/mic.mjs";
import micOff from "lucide/dist/esm/icons/mic-off.mjs";
import bell from "lucide/dist/esm/icons/bell.mjs";
import bellOff from "lucide/dist/esm/icons/bell-off.mjs";
import atSign from "lucide/dist/esm/icons/at-sign.mjs";
import shieldCheck from "lucide/dist/esm/icons/shield-check.mjs";
import shieldAlert from "lucide/dist/esm/icons/shield-alert.mjs";

/** Retry: upload a file that failed again. */
export const RefreshCw: IconNode = refreshCw;
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

/** A document: a file attached to a message. */
export const FileIcon: IconNode = file;
/** A crossed-out phone: hang up, decline. */
export const PhoneOff: IconNode = phoneOff;
/** A crossed-out camera: turn the camera off. */
export const VideoOff: IconNode = videoOff;
/** A microphone: unmuted. */
export const Mic: IconNode = mic;
/** A crossed-out microphone: muted. */
export const MicOff: IconNode = micOff;
/** A bell: the conversation's notification menu (notified of every message). */
export const Bell: IconNode = bell;
/** A crossed-out bell: the conversation notifies of nothing. */
export const BellOff: IconNode = bellOff;
/** @: the conversation notifies only of mentions. */
export const AtSign: IconNode = atSign;
/** A shield with a check: a secret chat whose safety number the user verified. */
export const ShieldCheck: IconNode = shieldCheck;
/** A shield with "!": a secret chat whose safety number changed since it was seen or verified. */
export const ShieldAlert: IconNode = shieldAlert;
