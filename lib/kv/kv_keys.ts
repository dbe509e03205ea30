/**
 * The one place that spells Deno KV keys. Layout:
 *
 * | key                                         | value                       |
 * | ------------------------------------------- | --------------------------- |
 * | `["user", userId]`                          | {@linkcode UserRecord}      |
 * | `["user_by_name", lowercaseName]`           | userId                      |
 * | `["account_deletion", userId]`              | `DeletionClaim`: under way  |
 * | `["session", sha256(token) hex]`            | `SessionRecord` (expires)   |
 * | `["login_fail", "user" or "addr", subject]` | failure window (expires)    |
 * | `["rooms_created", userId]`                 | creation window (expires)   |
 * | `["room", roomId]`                          | `RoomRecord`                |
 * | `["room_member", roomId, userId]`           | `Membership`                |
 * | `["user_room", userId, roomId]`             | `Membership`                |
 * | `["rooms_mark", userId]`                    | `true`: last list or level change |
 * | `["room_head", roomId]`                     | `RoomHead`: seq and summary |
 * | `["room_last", roomId]`                     | old layout: `LastMessage`   |
 * | `["room_members_rev", roomId]`              | `Deno.KvU64`: bumped (sum)  |
 * | `["user_activity", userId, activity, roomId]` | `true` (conversation order) |
 * | `["user_big_room", userId, roomId]`         | `true`: room not indexed    |
 * | `["user_activity_built", userId]`           | `true`: index backfilled    |
 * | `["msg", roomId, seq]`                      | `ChatMessage`               |
 * | `["msg_client", roomId, userId, clientId]`  | `{ id, seq, at }` of a send |
 * | `["msg_sent", clientId, roomId, userId]`    | the same, timed clientId (expires) |
 * | `["msg_version", roomId, seq, n]`           | `MessageVersion` (edits)    |
 * | `["profile", userId]`                       | `ProfileRecord`             |
 * | `["friend", userId, friendId]`              | `{ since }` (both ways)     |
 * | `["friend_ids", userId]`                    | `FriendDigest`: friend ids  |
 * | `["friend_out", fromId, toId]`              | `FriendRequestRecord`       |
 * | `["friend_in", toId, fromId]`               | `FriendRequestRecord`       |
 * | `["block", blockerId, blockedId]`           | `{ at }`                    |
 * | `["friend_declined", fromId, toId]`         | `{ at }` (expires)          |
 * | `["friend_requests_sent", userId]`          | request window (expires)    |
 * | `["room_ban", roomId, userId]`              | `RoomBan`                   |
 * | `["invite", token]`                         | `InviteRecord` (expires)    |
 * | `["room_invite", roomId, token]`            | `InviteRecord` (expires)    |
 * | `["user_invite", userId, token]`            | roomId, of a link it made   |
 * | `["presence", userId, nodeId]`              | `PresenceRecord` (expires)  |
 * | `["user_avatar", userId]`                   | `StoredAvatar` (≤ 60 KiB)   |
 * | `["room_avatar", roomId]`                   | `StoredAvatar` (≤ 60 KiB)   |
 * | `["public_room", createdAt, roomId]`        | `RoomSummary` (Discover)    |
 * | `["public_room_index"]`                     | `{ at }`: index backfilled  |
 * | `["file", fileId]`                          | `FileRecord` (by SHA-256)   |
 * | `["file_chunk", blobId, n]`                 | bytes (≤ 60 KiB)            |
 * | `["file_ref", fileId, roomId, seq]`         | `{ at }`: a message uses it |
 * | `["file_claim", userId, fileId]`            | `FileClaim` (expires)       |
 * | `["author_file", userId, roomId, seq]`      | `{ at }`: its msg has files |
 * | `["author_file_index"]`                     | `{ at }`: backfill ended    |
 * | `["upload", uploadId]`                      | `UploadSession`             |
 * | `["upload_part", uploadId, index]`          | `{ bytes }`: part stored    |
 * | `["user_upload", userId, uploadId]`         | `{ at }`: upload in flight  |
 * | `["uploads_started", userId]`               | upload window (expires)     |
 * | `["read", userId, roomId]`                  | last seq read (a number)    |
 * | `["receipts_off", userId]`                  | `true`: sends no receipts   |
 * | `["user_dir", term, userId]`                | `true` (people directory)   |
 * | `["user_dir_index"]`                        | `{ at }`: index backfilled  |
 * | `["last_seen", userId]`                     | `LastSeenRecord`            |
 * | `["first_account"]`                         | userId of the first (admin) |
 * | `["report", reportId]`                      | `ReportRecord` (open)       |
 * | `["reports_made", userId]`                  | report window (expires)     |
 * | `["handshake_report", roomId, seq]`         | reportId: its open report   |
 * | `["search_pending", at, id]`                | `PendingPostings` (search)  |
 * | `["search_block", term, newestAt, id]`      | `PostingBlock` (search)     |
 * | `["search_retired", term, at, id]`          | `RetiredBlocks` (search)    |
 * | `["search_compacted", term]`                | time of its last compaction |
 * | `["health_probe"]`                          | none: `/healthz` reads it   |
 * | `["notify_level", userId, roomId]`          | `NotifyLevel` (not default) |
 * | `["call", callId]`                          | `CallRecord` (expires)      |
 * | `["user_call", userId]`                     | callId: in a call (expires) |
 * | `["e2e_device", userId, deviceId]`          | `DeviceRecord`              |
 * | `["e2e_removed", userId, deviceId]`         | `{ at }`: removed for good  |
 * | `["e2e_kp", userId, deviceId, packageId]`   | `{ data }`: one KeyPackage  |
 * | `["e2e_kp_uploads", userId]`                | upload window (expires)     |
 * | `["e2e_kp_claims", userId]`                 | claim window (expires)      |
 * | `["e2e_add_asks", userId]`                  | add-request window (expires)|
 * | `["room_call", roomId]`                     | callId: group call, expires |
 *
 * A friendship is written as two `friend` entries and a request as its `friend_out` and
 * `friend_in` entries, always in one atomic commit; that commit also checks and rewrites both
 * users' `friend_ids` digests (so does a block's, an unblock's, and a request's: the digest's
 * versionstamp dates the user's friend lists). A direct conversation is an ordinary `room` (visibility
 * `"direct"`, id `dm_…` derived from the two user ids) with two members.
 *
 * A membership's `role` and `muted` flag live in both of its entries (`room_member` and
 * `user_room`), always written together, and only by `lib/rooms/memberships.ts`, whose every
 * write also sets the user's `rooms_mark`: its versionstamp dates the user's conversation list
 * and notification levels (every level change sets it too; a room's new name, topic or picture, and a deleted room, set its members' marks after their
 * commit, before they are told: `lib/rooms/rooms_mark.ts`). A socket's `welcome` carries it, and
 * the friend digest's versionstamp, which every change of the user's friends, requests or blocks
 * rewrites (`lib/social/friends.ts`). An invite link
 * is stored under its token (a random 128-bit id) and again under its room for listing, both
 * with the same KV expiry; a use, or a revoke, changes both in one commit. Since 2026-12-03 its
 * creation also writes `user_invite` (same expiry), so an account deletion finds the links the
 * account made, in rooms it has left too; a revoke deletes it with the link. An older link of a
 * deleted maker is deleted by the room's list of links when it finds it (`InviteLinks.list`).
 *
 * An uploaded avatar is one value (its bytes, sniffed type and random version), written in the
 * same commit as the version it gets in the `profile` or `room` record, so a record never names
 * an image that is not stored. The 64 KiB KV value limit is why uploads stop at 60 KiB.
 * Every public room has one `public_room` entry holding its summary, written in the same
 * commit as the room record (create, rename or topic, delete: see `lib/rooms/public_rooms.ts`), so
 * Discover pages through it newest first by key range and never scans `room`.
 *
 * A room's head holds its last seq and the `LastMessage` summary of its newest message that is
 * not an action, one value written by the commit that appends to the room (one scattered set per
 * message instead of two). Until 2026-12-03 the head was a bare seq and the summary was
 * `room_last`: such data is read as it is, and the room's next commit rewrites its head and
 * deletes its `room_last` (see `lib/messages/room_head.ts`).
 *
 * The conversation list reads a per-user activity index, newest first, instead of every room's
 * summary (see `lib/rooms/conversation_index.ts`). The commit that appends a message to a room
 * of at most `INDEXED_ROOM_MAX_MEMBERS` members sets `["user_activity", member, at, roomId]` for
 * each member (and deletes the entry of the room's previous activity when the store knows it),
 * checked against `room_members_rev`, which every membership added or removed bumps, so no member
 * is left out; a store does so only once per `ACTIVITY_REFRESH_MS` per room, so an entry may be
 * up to `ACTIVITY_INDEX_LAG_MS` behind its room's activity. A new membership writes its entry at `joinedAt`. The members of a bigger room
 * each get a `user_big_room` entry instead (written before the room's next message is
 * committed), and the list reads those rooms' heads directly. Entries left behind (an older
 * activity, a room the user left) are skipped by the reader, which checks every entry it uses
 * against the membership and the room's summary, and deletes them. `user_activity_built` marks that a
 * user's memberships from before the index were added to it.
 *
 * End-to-end encryption (`lib/devices/`) stores public material only: a user's devices and
 * each device's unused one-time MLS KeyPackages. A claim deletes the KeyPackage it hands out
 * in a commit checked against the read, so no KeyPackage is ever given twice.
 *
 * A user is online while any `presence` entry of theirs is live: each node writes one per user
 * with open sockets there, refreshes it while they stay, and deletes it when they leave; an
 * entry of a crashed node expires (see `presence_kv.ts`).
 *
 * Files (`lib/files/`) are stored once per content: `file` is keyed by the SHA-256 of the bytes,
 * which live in `file_chunk` values under a blob id (the id of the upload that brought them),
 * so a second upload of the same bytes is checked and then dropped. An upload writes its parts'
 * chunks and `upload_part` markers in one commit per part. A message with attachments writes a
 * `file_ref` per file in the commit that appends it, and (since 2026-12-03) one `author_file`
 * entry under its author, which the release of a deleted message's files deletes, so an account
 * deletion finds its messages with files in rooms it has left too (older messages are listed once
 * from their `file_ref` entries, in the background of a node's start, and `author_file_index` set
 * when that ended: `lib/messages/author_files.ts`); a `file_claim` (the uploader
 * may attach the file) is written when an upload finishes. The sweeper deletes a file with no live
 * `file_ref` once its last claim is old.
 * A read marker only moves forward and never past the room's head: `lib/reads/read_markers.ts`
 * writes it checked against the marker and the head it read. Listing `["read", userId]` gives
 * every marker of a user in one range read (the conversation list needs them all).
 *
 * The people directory has one `user_dir` entry per search term of a user (the case-folded
 * username, display name and each later word of the display name; see
 * `lib/social/user_directory.ts`), written in the same commit as the account or the profile,
 * so a prefix search is one key-range read from `["user_dir", q]` and a renamed user is found
 * by the new name only.
 *
 * Message search (`lib/search/`): the commit that appends or edits messages also writes one
 * `search_pending` entry listing their postings (room, seq, time, sender, new terms; see
 * `lib/common/search_text.ts`), so a message is searchable exactly when it is acknowledged; a
 * merger in any process folds pending entries into `search_block` entries, one per term and
 * merge, listing that term's messages of every room newest first. Blocks sort by their newest
 * time inside a term, so a search reads a term newest first. Nothing is removed by an edit, a
 * delete or a room deletion: a search checks each candidate against the message as stored.
 * A compaction (`lib/search/block_compactor.ts`) folds a term's small blocks into large ones and
 * lists the folded blocks in a `search_retired` entry, deleted with them a minute later.
 *
 * Messages sort by seq inside `["msg", roomId]`, so history pages are key-range reads.
 * An edit, delete or reaction is a `msg` entry of its own (text never stored in it) and, in
 * the same commit, rewrites the `msg` it targets; an edit keeps the text it replaced as the
 * next `msg_version`, and a delete erases them all (see `lib/messages/message_store_kv.ts`).
 *
 * The KV-only broker (`lib/realtime/broker/broker_kv.ts`) fans events out through a few shards
 * per channel: a publish appends entries after the shard's `broker_head` and moves the head in
 * the same checked commit, so a reader that sees a head can list every entry up to it. Entries
 * expire; the heads (one per shard) are the only keys that stay.
 *
 * The first account ever registered claims `first_account` in the commit that creates it (checked
 * absent), so two concurrent first sign-ups cannot both become the administrator. A deleted
 * account keeps its `user_by_name` entry (the name stays reserved) while its `user` record goes.
 * A report id starts with its creation time in base 36, so `report` lists oldest first.
 *
 * A send's idempotency record is filed by room (`msg_client`) unless its clientId is of the
 * timed form (`lib/common/client_id.ts`, what the browser client sends, and the server's own
 * messages since 2026-12-03: system messages, the deletes of an account deletion or a moderator,
 * `serverClientId`): then by the clientId first (`msg_sent`), so a group commit's new records land side by side at the end of the
 * range, not on a page of each room, and they expire a little over a year after the send
 * (`CLIENT_ID_RECORD_MS` in `lib/messages/message_store_kv.ts`).
 *
 * A key read back from a listing is taken apart by {@linkcode decode}, beside the builders,
 * never by position at the call site.
 *
 * @module
 */
import { isTimedClientId } from "../common/client_id.ts";

/** Key builders for every record the app persists. */
export const keys = {
  /** A user account by id. */
  user: (userId: string): Deno.KvKey => ["user", userId],
  /** Prefix of every account, for the one-time directory backfill. */
  users: (): Deno.KvKey => ["user"],
  /**
   * An account deletion under way (written with the account's `deleting` mark, deleted with
   * the account record), so one that a crash cut off is found and finished.
   */
  accountDeletion: (userId: string): Deno.KvKey => ["account_deletion", userId],
  /** Prefix of every account deletion under way. */
  accountDeletions: (): Deno.KvKey => ["account_deletion"],
  /** Index from the case-folded username to the user id (makes names unique). */
  userByName: (lowercaseName: string): Deno.KvKey => ["user_by_name", lowercaseName],
  /** A session, addressed by the SHA-256 hex of its token (the token itself is never stored). */
  session: (tokenHash: string): Deno.KvKey => ["session", tokenHash],
  /** Failed-login counter for an account name or a client address. */
  loginFailures: (kind: "user" | "addr", subject: string): Deno.KvKey => [
    "login_fail",
    kind,
    subject,
  ],
  /** Rooms a user created in the current window. */
  roomsCreated: (userId: string): Deno.KvKey => ["rooms_created", userId],
  /** A room record. */
  room: (roomId: string): Deno.KvKey => ["room", roomId],
  /** Prefix of all room records, for listing. */
  rooms: (): Deno.KvKey => ["room"],
  /** Membership of a user in a room, addressed from the room. */
  roomMember: (roomId: string, userId: string): Deno.KvKey => ["room_member", roomId, userId],
  /** Membership of a user in a room, addressed from the user (lists a user's rooms). */
  userRoom: (userId: string, roomId: string): Deno.KvKey => ["user_room", userId, roomId],
  /** Prefix of a user's memberships. */
  userRooms: (userId: string): Deno.KvKey => ["user_room", userId],
  /**
   * Rewritten by every change of `userId`'s conversation list (a membership added, changed or
   * removed, in its commit; a room's record changed or deleted, before the members are told)
   * and of their notification levels (in its commit, a return to the default too, which leaves
   * no entry to date it): its versionstamp dates the list and the levels a page holds
   * (`lib/rooms/rooms_mark.ts`, `lib/notify/notify_settings.ts`).
   */
  roomsMark: (userId: string): Deno.KvKey => ["rooms_mark", userId],
  /**
   * The room's `RoomHead` (`lib/messages/room_head.ts`): its last seq and the summary of its
   * newest non-action message, written by every commit that appends to it; absent means no
   * message. Data of the old layout holds the bare seq here.
   */
  roomHead: (roomId: string): Deno.KvKey => ["room_head", roomId],
  /**
   * Old layout only (before 2026-12-03): the summary of the room's newest message, beside a
   * head that is a bare seq. Read as a fallback; the room's next commit deletes it.
   */
  roomLast: (roomId: string): Deno.KvKey => ["room_last", roomId],
  /** Bumped (a KV sum) by every membership added to or removed from the room. */
  roomMembersRev: (roomId: string): Deno.KvKey => ["room_members_rev", roomId],
  /** `roomId` had activity (a message, or the user joining) at `activity`, for `userId`. */
  userActivity: (userId: string, activity: number, roomId: string): Deno.KvKey => [
    "user_activity",
    userId,
    activity,
    roomId,
  ],
  /** Prefix of a user's activity index. */
  userActivities: (userId: string): Deno.KvKey => ["user_activity", userId],
  /** Where a user's activity entries after `activity` start: a newest-first read ends here. */
  userActivityAfter: (userId: string, activity: number): Deno.KvKey => [
    "user_activity",
    userId,
    activity + 1,
  ],
  /** `userId` is a member of `roomId`, a room too big for the per-member activity index. */
  userBigRoom: (userId: string, roomId: string): Deno.KvKey => ["user_big_room", userId, roomId],
  /** Prefix of a user's big rooms. */
  userBigRooms: (userId: string): Deno.KvKey => ["user_big_room", userId],
  /** Marks that a user's memberships from before the activity index have been added to it. */
  userActivityBuilt: (userId: string): Deno.KvKey => ["user_activity_built", userId],
  /** One stored message. */
  message: (roomId: string, seq: number): Deno.KvKey => ["msg", roomId, seq],
  /** An earlier version of an edited message: `n` counts from 0 (the text as sent). */
  messageVersion: (roomId: string, seq: number, n: number): Deno.KvKey => [
    "msg_version",
    roomId,
    seq,
    n,
  ],
  /** Prefix of the earlier versions of one message. */
  messageVersions: (roomId: string, seq: number): Deno.KvKey => ["msg_version", roomId, seq],
  /** Prefix of a room's messages. */
  messages: (roomId: string): Deno.KvKey => ["msg", roomId],
  /** Prefix of a room's idempotency records (deleted with the room). */
  roomClientIds: (roomId: string): Deno.KvKey => ["msg_client", roomId],
  /**
   * Idempotency record of a send: one per (room, sender, clientId). A clientId of the timed
   * form (`lib/common/client_id.ts`) files it by the clientId first, so new records gather at
   * the end of the range (they expire, `CLIENT_ID_RECORD_MS`: a room's deletion cannot list
   * them); any other clientId by room, deleted with the room.
   */
  messageByClientId: (roomId: string, userId: string, clientId: string): Deno.KvKey =>
    isTimedClientId(clientId)
      ? ["msg_sent", clientId, roomId, userId]
      : ["msg_client", roomId, userId, clientId],
  /** A user's display name and status; absent means the defaults. */
  profile: (userId: string): Deno.KvKey => ["profile", userId],
  /** One side of a friendship; both sides are written together. */
  friend: (userId: string, friendId: string): Deno.KvKey => ["friend", userId, friendId],
  /** Prefix of a user's friends. */
  friends: (userId: string): Deno.KvKey => ["friend", userId],
  /**
   * A user's friend ids in one value (`lib/social/friend_digest.ts`), rewritten by every commit
   * that adds or removes one of their `friend` entries.
   */
  friendDigest: (userId: string): Deno.KvKey => ["friend_ids", userId],
  /** A friend request, addressed from its sender. */
  friendRequestOut: (fromId: string, toId: string): Deno.KvKey => ["friend_out", fromId, toId],
  /** Prefix of the requests a user sent. */
  friendRequestsOut: (fromId: string): Deno.KvKey => ["friend_out", fromId],
  /** The same friend request, addressed from its recipient. */
  friendRequestIn: (toId: string, fromId: string): Deno.KvKey => ["friend_in", toId, fromId],
  /** Prefix of the requests a user received. */
  friendRequestsIn: (toId: string): Deno.KvKey => ["friend_in", toId],
  /** `toId` declined a request from `fromId`: a cool-down before `fromId` may ask again. */
  friendDeclined: (fromId: string, toId: string): Deno.KvKey => [
    "friend_declined",
    fromId,
    toId,
  ],
  /** Friend requests a user sent in the current window. */
  friendRequestsSent: (userId: string): Deno.KvKey => ["friend_requests_sent", userId],
  /** `blockerId` blocked `blockedId`. */
  block: (blockerId: string, blockedId: string): Deno.KvKey => ["block", blockerId, blockedId],
  /** Prefix of the users someone blocked. */
  blocks: (blockerId: string): Deno.KvKey => ["block", blockerId],
  /** Prefix of a room's memberships. */
  roomMembers: (roomId: string): Deno.KvKey => ["room_member", roomId],
  /** `userId` is banned from `roomId`: cannot join, be invited or use a link. */
  roomBan: (roomId: string, userId: string): Deno.KvKey => ["room_ban", roomId, userId],
  /** Prefix of a room's bans. */
  roomBans: (roomId: string): Deno.KvKey => ["room_ban", roomId],
  /** An invite link, addressed by its token. */
  invite: (token: string): Deno.KvKey => ["invite", token],
  /** The same invite link, addressed from its room (lists a room's links). */
  roomInvite: (roomId: string, token: string): Deno.KvKey => ["room_invite", roomId, token],
  /** Prefix of a room's invite links. */
  roomInvites: (roomId: string): Deno.KvKey => ["room_invite", roomId],
  /** `userId` made the invite link `token` (its value is the link's room id). */
  userInvite: (userId: string, token: string): Deno.KvKey => ["user_invite", userId, token],
  /** Prefix of the invite links a user made. */
  userInvites: (userId: string): Deno.KvKey => ["user_invite", userId],
  /** `userId` has an open chat socket on node `nodeId` (expires unless refreshed). */
  presence: (userId: string, nodeId: string): Deno.KvKey => ["presence", userId, nodeId],
  /** A voice or video call that is ringing or under way (`lib/calls/call_service.ts`). */
  call: (callId: string): Deno.KvKey => ["call", callId],
  /** Prefix of every call record, for the sweep of overdue calls. */
  calls: (): Deno.KvKey => ["call"],
  /** The call a user is in (ringing or under way): makes them busy for other calls. */
  userCall: (userId: string): Deno.KvKey => ["user_call", userId],
  /** The id of a room's group call under way: one per room. */
  roomCall: (roomId: string): Deno.KvKey => ["room_call", roomId],
  /** Prefix of a user's presence entries, one per node. */
  presenceOf: (userId: string): Deno.KvKey => ["presence", userId],
  /** A user's uploaded avatar image; absent means the generated default. */
  userAvatar: (userId: string): Deno.KvKey => ["user_avatar", userId],
  /** A group room's uploaded picture; absent means the generated default. */
  roomAvatar: (roomId: string): Deno.KvKey => ["room_avatar", roomId],
  /** A public room in the Discover index, ordered by creation time, then id. */
  publicRoom: (createdAt: number, roomId: string): Deno.KvKey => [
    "public_room",
    createdAt,
    roomId,
  ],
  /** Prefix of the Discover index. */
  publicRooms: (): Deno.KvKey => ["public_room"],
  /** Marks that rooms created before the Discover index have been added to it. */
  publicRoomIndexBuilt: (): Deno.KvKey => ["public_room_index"],
  /** A stored file, addressed by the SHA-256 hex of its bytes. */
  file: (fileId: string): Deno.KvKey => ["file", fileId],
  /** Prefix of every stored file (the sweeper walks it). */
  files: (): Deno.KvKey => ["file"],
  /** Chunk `n` (from 0) of the bytes of a blob (an upload, and the file it became). */
  fileChunk: (blobId: string, n: number): Deno.KvKey => ["file_chunk", blobId, n],
  /** Prefix of a blob's chunks. */
  fileChunks: (blobId: string): Deno.KvKey => ["file_chunk", blobId],
  /** The message at `seq` in `roomId` has the file attached (or as a thumbnail). */
  fileRef: (fileId: string, roomId: string, seq: number): Deno.KvKey => [
    "file_ref",
    fileId,
    roomId,
    seq,
  ],
  /** Prefix of the messages that use a file. */
  fileRefs: (fileId: string): Deno.KvKey => ["file_ref", fileId],
  /** Prefix of every `file_ref` entry (the `author_file` backfill walks it). */
  allFileRefs: (): Deno.KvKey => ["file_ref"],
  /** `userId` uploaded the file and may attach it (expires). */
  fileClaim: (userId: string, fileId: string): Deno.KvKey => ["file_claim", userId, fileId],
  /**
   * `userId` wrote the message at `seq` in `roomId`, which had files when it was sent (the
   * message may have been deleted since, or its room).
   */
  authorFile: (userId: string, roomId: string, seq: number): Deno.KvKey => [
    "author_file",
    userId,
    roomId,
    seq,
  ],
  /** Prefix of a user's messages with files. */
  authorFiles: (userId: string): Deno.KvKey => ["author_file", userId],
  /** Marks that messages with files stored before `author_file` existed have been listed. */
  authorFileIndexBuilt: (): Deno.KvKey => ["author_file_index"],
  /** Prefix of a user's file claims. */
  fileClaims: (userId: string): Deno.KvKey => ["file_claim", userId],
  /** An upload in progress. */
  upload: (uploadId: string): Deno.KvKey => ["upload", uploadId],
  /** Prefix of every upload in progress (the sweeper expires abandoned ones). */
  uploads: (): Deno.KvKey => ["upload"],
  /** Part `index` of an upload is stored. */
  uploadPart: (uploadId: string, index: number): Deno.KvKey => ["upload_part", uploadId, index],
  /** Prefix of an upload's stored parts. */
  uploadParts: (uploadId: string): Deno.KvKey => ["upload_part", uploadId],
  /** An upload of `userId` in progress (counts against their in-flight limit). */
  userUpload: (userId: string, uploadId: string): Deno.KvKey => ["user_upload", userId, uploadId],
  /** Uploads a user started in the current window. */
  uploadsStarted: (userId: string): Deno.KvKey => ["uploads_started", userId],
  /** Prefix of a user's uploads in progress. */
  userUploads: (userId: string): Deno.KvKey => ["user_upload", userId],
  // Read state (unread counts and receipts).
  /** The last seq `userId` has read in `roomId`; absent: see `lib/reads/read_markers.ts`. */
  readMarker: (userId: string, roomId: string): Deno.KvKey => ["read", userId, roomId],
  /** Prefix of a user's read markers. */
  readMarkers: (userId: string): Deno.KvKey => ["read", userId],
  /** Present when the user turned read receipts off: they send none and see none. */
  receiptsOff: (userId: string): Deno.KvKey => ["receipts_off", userId],
  /** One search term of a user in the people directory (terms are case-folded). */
  userDirectory: (term: string, userId: string): Deno.KvKey => ["user_dir", term, userId],
  /** Where a directory search for terms starting with `prefix` starts reading (inclusive). */
  userDirectoryFrom: (prefix: string): Deno.KvKey => ["user_dir", prefix],
  /** Where that search stops (exclusive): after every term that starts with `prefix`. */
  userDirectoryUntil: (prefix: string): Deno.KvKey => ["user_dir", prefix + "\u{10FFFF}"],
  /** Marks that accounts created before the directory have been added to it. */
  userDirectoryBuilt: (): Deno.KvKey => ["user_dir_index"],
  /** When a user was last connected (for "last seen"); see `lib/realtime/presence/`. */
  lastSeen: (userId: string): Deno.KvKey => ["last_seen", userId],
  // The KV-only broker.
  /** Seq of the newest entry of one broker shard (absent: 0). Subscribers watch or poll it. */
  brokerHead: (channel: string, shard: number): Deno.KvKey => ["broker_head", channel, shard],
  /** One entry of a broker shard: the events of one commit of one node (expires). */
  brokerEntry: (channel: string, shard: number, seq: number): Deno.KvKey => [
    "broker_entry",
    channel,
    shard,
    seq,
  ],
  // Administration.
  /** Who registered first (the administrator); written once, checked absent. */
  firstAccount: (): Deno.KvKey => ["first_account"],
  /** Where a listing of usernames starting with `prefix` starts (inclusive). */
  userNamesFrom: (prefix: string): Deno.KvKey => ["user_by_name", prefix],
  /** Where that listing stops (exclusive). */
  userNamesUntil: (prefix: string): Deno.KvKey => ["user_by_name", prefix + "\u{10FFFF}"],
  /** An open report of a message. */
  report: (reportId: string): Deno.KvKey => ["report", reportId],
  /** Prefix of every open report. */
  reports: (): Deno.KvKey => ["report"],
  /** Reports a user made in the current window. */
  reportsMade: (userId: string): Deno.KvKey => ["reports_made", userId],
  /** The one open report of the MLS commit at `seq` of `roomId` (whoever reported it). */
  handshakeReport: (roomId: string, seq: number): Deno.KvKey => ["handshake_report", roomId, seq],
  // Message search.
  /**
   * The postings one commit of messages added, not merged yet (`lib/search/search_pending.ts`):
   * `at` is the commit's time, `id` tells apart commits of one millisecond.
   */
  searchPending: (at: number, id: string): Deno.KvKey => ["search_pending", at, id],
  /** Prefix of every pending entry, oldest first. */
  searchPendings: (): Deno.KvKey => ["search_pending"],
  /**
   * A posting block of `term` (`lib/search/search_merger.ts`): the messages of every room that
   * one merge found with `term`, the newest sent at `newestAt`.
   */
  searchBlock: (term: string, newestAt: number, id: string): Deno.KvKey => [
    "search_block",
    term,
    newestAt,
    id,
  ],
  /** Prefix of every posting block, by term. */
  searchBlocksAll: (): Deno.KvKey => ["search_block"],
  /** Prefix of the posting blocks of `term`, oldest first. */
  searchBlocks: (term: string): Deno.KvKey => ["search_block", term],
  /**
   * The blocks of `term` a compaction folded at `at` (`lib/search/block_compactor.ts`), to be
   * deleted once no search can be reading them.
   */
  searchRetired: (term: string, at: number, id: string): Deno.KvKey => [
    "search_retired",
    term,
    at,
    id,
  ],
  /** Written by every compaction of `term` and checked by the next: one at a time commits. */
  searchCompacted: (term: string): Deno.KvKey => ["search_compacted", term],
  /** Prefix of the retired-block lists of `term`. */
  searchRetiredOf: (term: string): Deno.KvKey => ["search_retired", term],
  /** Prefix of every retired-block list. */
  searchRetiredAll: (): Deno.KvKey => ["search_retired"],
  /** Read by `GET /healthz` to see that KV answers; nothing writes it. */
  healthProbe: (): Deno.KvKey => ["health_probe"],
  /** What `userId` chose to be notified of in `roomId`; absent: the default for its kind. */
  notifyLevel: (userId: string, roomId: string): Deno.KvKey => ["notify_level", userId, roomId],
  /** Prefix of a user's notification choices. */
  notifyLevels: (userId: string): Deno.KvKey => ["notify_level", userId],

  // End-to-end encryption: public key material only.
  /** A device of a user that published MLS KeyPackages. */
  e2eDevice: (userId: string, deviceId: string): Deno.KvKey => ["e2e_device", userId, deviceId],
  /** Prefix of a user's devices. */
  e2eDevices: (userId: string): Deno.KvKey => ["e2e_device", userId],
  /**
   * A device its user removed (`DELETE /api/e2e/devices/:device`): its id may not publish
   * KeyPackages again, so a stale tab of it cannot bring it back into the directory.
   */
  e2eRemovedDevice: (userId: string, deviceId: string): Deno.KvKey => [
    "e2e_removed",
    userId,
    deviceId,
  ],
  /** Prefix of a user's removed devices. */
  e2eRemovedDevices: (userId: string): Deno.KvKey => ["e2e_removed", userId],
  /** One unused KeyPackage of a device. */
  e2eKeyPackage: (userId: string, deviceId: string, packageId: string): Deno.KvKey => [
    "e2e_kp",
    userId,
    deviceId,
    packageId,
  ],
  /** Prefix of a device's unused KeyPackages. */
  e2eKeyPackages: (userId: string, deviceId: string): Deno.KvKey => ["e2e_kp", userId, deviceId],
  /** Prefix of the unused KeyPackages of all a user's devices. */
  e2eUserKeyPackages: (userId: string): Deno.KvKey => ["e2e_kp", userId],
  /** KeyPackage uploads of a user in the current window. */
  e2eUploads: (userId: string): Deno.KvKey => ["e2e_kp_uploads", userId],
  /** KeyPackage claims made by a user in the current window. */
  e2eClaims: (userId: string): Deno.KvKey => ["e2e_kp_claims", userId],
  /** Requests to be added to an encrypted room's group made by a user in the current window. */
  e2eAddAsks: (userId: string): Deno.KvKey => ["e2e_add_asks", userId],
};

/**
 * Decoders for the keys read back from a listing: each returns the part that varies under the
 * listed prefix (for `["user_room", userId, roomId]`, the room id), named after its builder in
 * {@linkcode keys}. A key of another kind, or whose part is not a string, throws: reading a
 * wrong prefix is a bug, not a record to skip.
 */
export const decode = {
  /** The user id of a {@linkcode keys.user} key. */
  user: (key: Deno.KvKey): string => secondPart(key, "user"),
  /** The room id of a {@linkcode keys.userRoom} key (a room the user is in). */
  userRoom: (key: Deno.KvKey): string => lastPart(key, "user_room"),
  /** The activity and room id of a {@linkcode keys.userActivity} key. */
  userActivity: (key: Deno.KvKey): { activity: number; room: string } => {
    const [kind, , activity, room] = key;
    if (kind !== "user_activity" || typeof activity !== "number" || typeof room !== "string") {
      throw new Error(`not a "user_activity" key: ${JSON.stringify(key.map(String))}`);
    }
    return { activity, room };
  },
  /** The room id of a {@linkcode keys.userBigRoom} key. */
  userBigRoom: (key: Deno.KvKey): string => lastPart(key, "user_big_room"),
  /** The user id of a {@linkcode keys.roomMember} key (a member of the room). */
  roomMember: (key: Deno.KvKey): string => lastPart(key, "room_member"),
  /** The banned user's id of a {@linkcode keys.roomBan} key. */
  roomBan: (key: Deno.KvKey): string => lastPart(key, "room_ban"),
  /** The link token of a {@linkcode keys.roomInvite} key. */
  roomInvite: (key: Deno.KvKey): string => lastPart(key, "room_invite"),
  /** The link token of a {@linkcode keys.userInvite} key. */
  userInvite: (key: Deno.KvKey): string => lastPart(key, "user_invite"),
  /** The friend's id of a {@linkcode keys.friend} key. */
  friend: (key: Deno.KvKey): string => lastPart(key, "friend"),
  /** The recipient's id of a {@linkcode keys.friendRequestOut} key. */
  friendRequestOut: (key: Deno.KvKey): string => lastPart(key, "friend_out"),
  /** The sender's id of a {@linkcode keys.friendRequestIn} key. */
  friendRequestIn: (key: Deno.KvKey): string => lastPart(key, "friend_in"),
  /** The blocked user's id of a {@linkcode keys.block} key. */
  block: (key: Deno.KvKey): string => lastPart(key, "block"),
  /** The user id of a {@linkcode keys.userDirectory} key. */
  userDirectory: (key: Deno.KvKey): string => lastPart(key, "user_dir"),
  /** The node id of a {@linkcode keys.presence} key. */
  presence: (key: Deno.KvKey): string => lastPart(key, "presence"),
  /** The upload id of a {@linkcode keys.userUpload} key. */
  userUpload: (key: Deno.KvKey): string => lastPart(key, "user_upload"),
  /** The part index of a {@linkcode keys.uploadPart} key. */
  uploadPart: (key: Deno.KvKey): number => numberPart(key, "upload_part", 3),
  /** The room and seq of a {@linkcode keys.fileRef} key. */
  fileRef: (key: Deno.KvKey): { room: string; seq: number } => roomAndSeq(key, "file_ref"),
  /** The room and seq of a {@linkcode keys.authorFile} key. */
  authorFile: (key: Deno.KvKey): { room: string; seq: number } => roomAndSeq(key, "author_file"),
  /** The file id of a {@linkcode keys.file} key. */
  file: (key: Deno.KvKey): string => secondPart(key, "file"),
  /** The lowercase username of a {@linkcode keys.userByName} key. */
  userByName: (key: Deno.KvKey): string => secondPart(key, "user_by_name"),
  /** The room id of a {@linkcode keys.room} key. */
  room: (key: Deno.KvKey): string => secondPart(key, "room"),
  /** The report id of a {@linkcode keys.report} key. */
  report: (key: Deno.KvKey): string => secondPart(key, "report"),
  /** The room id of a {@linkcode keys.readMarker} key. */
  readMarker: (key: Deno.KvKey): string => lastPart(key, "read"),
  /** The seq of a {@linkcode keys.brokerEntry} key. */
  brokerEntry: (key: Deno.KvKey): number => numberPart(key, "broker_entry", 4),

  /** The room id of a {@linkcode keys.notifyLevel} key. */
  notifyLevel: (key: Deno.KvKey): string => lastPart(key, "notify_level"),
  /** The device id of a {@linkcode keys.e2eDevice} key. */
  e2eDevice: (key: Deno.KvKey): string => lastPart(key, "e2e_device"),
};

/** The string second part of a two-part key of `kind`; throws for any other key. */
function secondPart(key: Deno.KvKey, kind: string): string {
  const part = key[1];
  if (key.length !== 2 || key[0] !== kind || typeof part !== "string") {
    throw new Error(`not a "${kind}" key: ${JSON.stringify(key.map(String))}`);
  }
  return part;
}

/** The number last part of a `length`-part key of `kind`; throws for any other key. */
function numberPart(key: Deno.KvKey, kind: string, length: number): number {
  const part = key[length - 1];
  if (key.length !== length || key[0] !== kind || typeof part !== "number") {
    throw new Error(`not a "${kind}" key: ${JSON.stringify(key.map(String))}`);
  }
  return part;
}

/** The room (third part) and seq (fourth) of a four-part key of `kind`; throws for any other. */
function roomAndSeq(key: Deno.KvKey, kind: string): { room: string; seq: number } {
  const room = key[2];
  if (typeof room !== "string") throw new Error(`not a "${kind}" key`);
  return { room, seq: numberPart(key, kind, 4) };
}

/** The string third part of a three-part key of `kind`; throws for any other key. */
function lastPart(key: Deno.KvKey, kind: string): string {
  const part = key[2];
  if (key.length !== 3 || key[0] !== kind || typeof part !== "string") {
    throw new Error(`not a "${kind}" key: ${JSON.stringify(key.map(String))}`);
  }
  return part;
}
