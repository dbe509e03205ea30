/**
 * Everything a route needs from the node, created once by `createChatServer`.
 *
 * @module
 */
import type { KeyPackages } from "../devices/key_packages.ts";
import type { Assets } from "./assets.ts";
import type { AuthService } from "../accounts/auth_service.ts";
import type { Broker } from "../realtime/broker/broker.ts";
import type { Config } from "./config.ts";
import type { ConnectionDeps } from "../realtime/connection.ts";
import type { ConnectionLimiter } from "../limits/connection_limiter.ts";
import type { Conversations } from "../rooms/conversations.ts";
import type { NotifySettings } from "../notify/notify_settings.ts";
import type { DirectMessages } from "../social/direct_messages.ts";
import type { Friends } from "../social/friends.ts";
import type { InviteLinks } from "../rooms/invite_links.ts";
import type { MemberModeration } from "../rooms/member_moderation.ts";
import type { RoomDetailsReader } from "../rooms/room_details.ts";
import type { RoomEdits } from "../rooms/room_edits.ts";
import type { RoomLifecycle } from "../rooms/room_lifecycle.ts";
import type { PostSystemMessage } from "../messages/room_events.ts";
import type { Profiles } from "../accounts/profiles.ts";
import type { RoomAvatars } from "../rooms/room_avatars.ts";
import type { Rooms } from "../rooms/rooms.ts";
import type { ReadReceipts } from "../reads/read_receipts.ts";
import type { SendBudget } from "../realtime/send_budget.ts";
import type { WindowCounter } from "../limits/window_counter.ts";
import type { AddRequests } from "../devices/add_requests.ts";
import type { FileAccess } from "../files/file_access.ts";
import type { FileSweeper } from "../files/file_sweeper.ts";
import type { Uploads } from "../files/uploads.ts";
import type { UserDirectory } from "../social/user_directory.ts";
import type { AccountDeletion } from "../accounts/account_deletion.ts";
import type { AdminRooms } from "../admin/admin_rooms.ts";
import type { Reports } from "../admin/reports.ts";
import type { UserAdmin } from "../admin/user_admin.ts";
import type { MessageSearch } from "../search/message_search.ts";
import type { HealthCheck } from "./health.ts";
import type { Metrics } from "./metrics.ts";

/**
 * The node's parts, as routes see them. Each route factory takes a `Pick` of the ones it uses.
 * Accounts and sessions are not here: only `loadSession` reads them, and `createChatServer`
 * hands them to it directly.
 */
export interface Services {
  config: Config;
  auth: AuthService;
  rooms: Rooms;
  profiles: Profiles;
  friends: Friends;
  /** The people directory (prefix search over names). */
  directory: UserDirectory;
  directMessages: DirectMessages;
  /** Devices and one-time MLS KeyPackages for end-to-end encrypted rooms. */
  keyPackages: KeyPackages;
  /** Devices asking an encrypted room's members to add them to its group. */
  addRequests: AddRequests;
  /** A room's member list and role, for its members. */
  roomDetails: RoomDetailsReader;
  /** Kicks, bans, mutes, roles, ownership transfer and direct invites. */
  memberModeration: MemberModeration;
  /** Rename and topic (and, through it, the room picture). */
  roomEdits: RoomEdits;
  /** Leaving and deleting rooms. */
  roomLifecycle: RoomLifecycle;
  inviteLinks: InviteLinks;
  /** Pictures of group rooms: set by owners and admins, seen by whoever may see the room. */
  roomAvatars: RoomAvatars;
  /** Appends a system message (join, leave, …) to a room's log. */
  postSystemMessage: PostSystemMessage;
  /** Group rooms and direct conversations together, by last activity. */
  conversations: Conversations;
  /** Read receipt settings (`/api/me/receipts`). */
  receipts: ReadReceipts;
  /** Notification levels per conversation (`/api/me/notifications`). */
  notifySettings: NotifySettings;
  broker: Broker;
  assets: Assets;
  /** What each WebSocket connection is given. */
  connection: ConnectionDeps;
  /** Open sockets per user and address on this node. */
  connectionLimiter: ConnectionLimiter;
  /** Unsent bytes of all this node's sockets together (`UNSENT_BYTES_BUDGET`). */
  sendBudget: SendBudget;
  /** Rooms created per user per hour. */
  roomCreations: WindowCounter;
  /** Chunked uploads of files to attach. */
  uploads: Uploads;
  /** Who may download an attached file. */
  fileAccess: FileAccess;
  /** Deletes files no message uses and abandoned uploads. */
  fileSweeper: FileSweeper;
  /** Friend requests sent per user and hour (`FRIEND_REQUESTS_PER_HOUR`). */
  friendRequests: WindowCounter;
  /** The administrator's list of accounts, and disabling them. */
  userAdmin: UserAdmin;
  /** The administrator's list of rooms, and deleting them. */
  adminRooms: AdminRooms;
  /** Reported messages: made by members, handled by the administrator. */
  reports: Reports;
  /** A user's own data as a JSON stream (`lib/accounts/account_export.ts`); null: no account. */
  accountExport: (userId: string) => Promise<ReadableStream<Uint8Array> | null>;
  /** Deleting one's own account. */
  accountDeletion: AccountDeletion;
  /** Full-text search over the messages a user can read (`GET /api/search`). */
  messageSearch: MessageSearch;
  /** KV, broker and shutdown state, for `GET /healthz`. */
  health: HealthCheck;
  /** This node's Prometheus metrics, for `GET /metrics`. */
  metrics: Metrics;
}
