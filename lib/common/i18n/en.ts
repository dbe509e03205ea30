/**
 * The English catalogue, and the master list of message keys: every string a person reads in
 * the UI, by key. `{name}` is a placeholder filled by `t(key, { name })`; an entry that is an
 * object is a plural, chosen by `Intl.PluralRules` from the `count` parameter. Other
 * catalogues must have exactly these keys (`zh_cn.ts` is type-checked against it, and
 * `catalogue_test.ts` compares keys and placeholders).
 *
 * Not here yet: refusals the server sends (API errors) and system messages (stored as
 * English text); they get codes in a later step.
 *
 * @module
 */
import type { CatalogueEntry } from "./translate.ts";

/** The English UI strings. */
export const en = {
  "app.name": "Deno Chat",
  "app.title": "{page} · Deno Chat",
  "layout.logout": "Log out",

  "auth.loginTitle": "Log in",
  "auth.registerTitle": "Sign up",
  "auth.loginHeading": "Welcome back",
  "auth.registerHeading": "Create your account",
  "auth.inviteLogin": "Log in to use your invite link.",
  "auth.inviteRegister": "Sign up to use your invite link.",
  "auth.username": "Username",
  "auth.usernameRule": "{min}–{max} characters: letters, digits, _ or -",
  "auth.password": "Password",
  "auth.passwordRule": { one: "At least {count} character", other: "At least {count} characters" },
  "auth.logIn": "Log in",
  "auth.signUp": "Sign up",
  "auth.haveAccount": "Have an account?",
  "auth.newHere": "New here?",
  "auth.createAccount": "Create an account",

  "join.title": "Join a room",
  "join.heading": "Join “{room}”",
  "join.button": "Join room",

  "common.loading": "Loading…",
  "common.save": "Save",
  "common.cancel": "Cancel",
  "common.close": "Close",
  "common.online": "Online",

  "chat.closeRoomList": "Close the room list",
  "chat.unsentConfirm": {
    one: "You have {count} unsent message in #{room}. Leave and discard it?",
    other: "You have {count} unsent messages in #{room}. Leave and discard them?",
  },
  "chat.rooms": "Rooms",
  "chat.editProfile": "{name} — edit your profile",

  "status.online": "Online",
  "status.offline": "Offline",
  "status.connecting": "Connecting…",
  "status.reconnecting": "Reconnecting…",
  "status.reconnectingIn": { one: "Reconnecting in {count} s", other: "Reconnecting in {count} s" },
  "status.retryNow": "Retry now",

  "conversations.heading": "Conversations",
  "conversations.empty": "No conversations yet: join a room or message a friend.",
  "conversations.you": "You",
  "conversations.preview": "{author}: {text}",
  "conversations.unread": { one: "{count} unread", other: "{count} unread" },
  "conversations.loadMore": "Load more",

  "discover.heading": "Discover",
  "discover.empty": "No other public rooms.",
  "discover.join": "Join",
  "discover.joining": "Joining…",
  "discover.more": "More rooms",

  "newRoom.heading": "New room",
  "newRoom.nameRequired": "Give the room a name.",
  "newRoom.nameTooLong": "Names are at most {max} characters.",
  "newRoom.topicTooLong": "Topics are at most {max} characters.",
  "newRoom.nameLabel": "Room name",
  "newRoom.namePlaceholder": "Name",
  "newRoom.topic": "Topic (optional)",
  "newRoom.visibility": "Who can join",
  "newRoom.public": "Public: anyone can find and join",
  "newRoom.private": "Private: invite only",
  "newRoom.creating": "Creating…",
  "newRoom.create": "Create room",

  "profile.displayName": "Display name",
  "profile.status": "Status",
  "profile.language": "Language",
  "profile.languageAuto": "Automatic (browser)",
  "language.en": "English",
  "language.zh-CN": "简体中文",

  "room.settings": "Room settings",
  "room.leave": "Leave",
  "room.offline":
    "You are offline. Messages you send now are kept and delivered when the connection returns.",
  "room.empty": "No conversations yet — create a room, join one, or message a friend",

  "composer.placeholder": "Message {room}",
  "composer.send": "Send",
  "composer.empty": "Type a message first.",
  "composer.tooLong": "Message is too long: {length} of {max} characters.",

  "messages.loading": "Loading messages…",
  "messages.waiting": "Messages will load once connected.",
  "messages.loadOlder": "Load older messages",
  "messages.start": "Beginning of the room",
  "messages.empty": "No messages yet — say hi",
  "messages.you": "(you)",
  "messages.newBelow": "New messages ↓",
  "messages.retry": "Retry",
  "messages.discard": "Discard",
  "delivery.pending": "pending",
  "delivery.sent": "sent",
  "delivery.failed": "failed",

  "friends.heading": "Friends",
  "friends.search": "Add friend by username",
  "friends.find": "Find",
  "friends.notePlaceholder": "Add a note (optional)",
  "friends.note": "Note",
  "friends.sendRequest": "Send request",
  "friends.requests": "Requests",
  "friends.accept": "Accept",
  "friends.decline": "Decline",
  "friends.sent": "Sent",
  "friends.message": "Message",
  "friends.more": "More",
  "friends.remove": "Remove",
  "friends.block": "Block",
  "friends.blocked": "Blocked ({count})",
  "friends.unblock": "Unblock",

  "settings.headingPublic": "Room settings · public",
  "settings.headingPrivate": "Room settings · private",
  "settings.topic": "Topic",
  "settings.inviteLabel": "Friend's username",
  "settings.invitePlaceholder": "Invite a friend (username)",
  "settings.invite": "Invite",
  "settings.hours": "Hours",
  "settings.uses": "Uses",
  "settings.newLink": "New invite link",
  "settings.linkUsage": "{uses}/{max} · until {date}",
  "settings.revoke": "Revoke",
  "settings.members": "Members",
  "settings.roleMuted": "{role} · muted",
  "settings.makeOwner": "Make owner",
  "settings.transferConfirm": "Make {name} the owner? You become an admin.",
  "settings.banned": "banned",
  "settings.delete": "Delete room",
  "settings.deleteConfirm": "Delete #{room} for everyone?",
  "role.owner": "owner",
  "role.admin": "admin",
  "role.member": "member",
  "mod.kick": "Kick",
  "mod.ban": "Ban",
  "mod.unban": "Unban",
  "mod.mute": "Mute",
  "mod.unmute": "Unmute",
  "mod.promote": "Make admin",
  "mod.demote": "Remove admin",

  "avatar.crop": "Crop: drag or use the arrow keys to move the picture",
  "avatar.zoom": "Zoom",
  "avatar.saving": "Saving…",
  "avatar.save": "Save picture",
  "avatar.upload": "Upload picture…",
  "avatar.remove": "Remove",
  "avatar.tooLarge": "That image is too large (over {max} MB)",
  "avatar.notImage": "That file is not an image this browser can read",
  "avatar.cannotShrink": "Could not make the picture small enough",

  "error.network": "Network error: check your connection and try again.",
  "error.requestFailed": "Request failed ({status}).",
  "error.serverUpdated": "The server was updated; reload the page.",
  "error.notMember": "You are no longer a member of this room.",
} as const satisfies Record<string, CatalogueEntry>;
