/**
 * Everything a route needs from the node, created once by `createChatServer`.
 *
 * @module
 */
import type { Accounts } from "./accounts.ts";
import type { Assets } from "./assets.ts";
import type { AuthService } from "./auth_service.ts";
import type { Broker } from "./broker.ts";
import type { Config } from "./config.ts";
import type { ConnectionDeps } from "./connection.ts";
import type { ConnectionLimiter } from "./connection_limiter.ts";
import type { Conversations } from "./conversations.ts";
import type { DirectMessages } from "./direct_messages.ts";
import type { Friends } from "./friends.ts";
import type { InviteLinks } from "./invite_links.ts";
import type { Moderation } from "./moderation.ts";
import type { PostSystemMessage } from "./room_events.ts";
import type { Profiles } from "./profiles.ts";
import type { RoomAvatars } from "./room_avatars.ts";
import type { Rooms } from "./rooms.ts";
import type { Sessions } from "./sessions.ts";
import type { WindowCounter } from "./window_counter.ts";

/** The node's parts, as routes see them. */
export interface Services {
  config: Config;
  accounts: Accounts;
  sessions: Sessions;
  auth: AuthService;
  rooms: Rooms;
  profiles: Profiles;
  friends: Friends;
  directMessages: DirectMessages;
  /** Room roles, member list, invites, kicks, bans, mutes, rename, transfer, delete. */
  moderation: Moderation;
  inviteLinks: InviteLinks;
  /** Pictures of group rooms: set by owners and admins, seen by whoever may see the room. */
  roomAvatars: RoomAvatars;
  /** Appends a system message (join, leave, …) to a room's log. */
  postSystemMessage: PostSystemMessage;
  /** Group rooms and direct conversations together, by last activity. */
  conversations: Conversations;
  broker: Broker;
  assets: Assets;
  /** What each WebSocket connection is given. */
  connection: ConnectionDeps;
  /** Open sockets per user and address on this node. */
  connectionLimiter: ConnectionLimiter;
  /** Rooms created per user per hour. */
  roomCreations: WindowCounter;
}
