/**
 * The room and social services on an in-memory Deno KV, wired as `lib/server/chat_server.ts`
 * wires them, for unit tests that call the services directly instead of going through HTTP.
 * Time is a {@linkcode FakeClock}; what the services publish and post is recorded instead of
 * delivered, so a test can check who was told what.
 *
 * @module
 */
import { Accounts } from "../../lib/accounts/accounts.ts";
import { Profiles } from "../../lib/accounts/profiles.ts";
import type { PublicUser, UserEvent } from "../../lib/common/api_types.ts";
import type { RoomEvent } from "../../lib/common/protocol.ts";
import { FakeClock } from "../../lib/common/testing/fake_clock.ts";
import type { PostSystemMessage } from "../../lib/messages/room_events.ts";
import type { Broker, BrokerEvent } from "../../lib/realtime/broker/broker.ts";
import { PresenceViews } from "../../lib/realtime/presence/presence_views.ts";
import { KvPresence } from "../../lib/realtime/presence/presence_kv.ts";
import { InviteLinks } from "../../lib/rooms/invite_links.ts";
import { MemberModeration } from "../../lib/rooms/member_moderation.ts";
import { RoomAvatars } from "../../lib/rooms/room_avatars.ts";
import { RoomDetailsReader } from "../../lib/rooms/room_details.ts";
import { RoomEdits } from "../../lib/rooms/room_edits.ts";
import { RoomLifecycle } from "../../lib/rooms/room_lifecycle.ts";
import { RoomNotices } from "../../lib/rooms/room_notices.ts";
import { Rooms } from "../../lib/rooms/rooms.ts";
import { Friends, type Notify } from "../../lib/social/friends.ts";

/** A live notice as the services hand it to the broker: the users told and the event. */
export interface RecordedNotice {
  users: string[];
  event: UserEvent;
}

/** The services of one test, on one fresh in-memory KV. */
export interface KvServices {
  kv: Deno.Kv;
  clock: FakeClock;
  accounts: Accounts;
  profiles: Profiles;
  presence: KvPresence;
  rooms: Rooms;
  friends: Friends;
  memberModeration: MemberModeration;
  roomDetails: RoomDetailsReader;
  roomEdits: RoomEdits;
  roomLifecycle: RoomLifecycle;
  roomAvatars: RoomAvatars;
  inviteLinks: InviteLinks;
  /** Every broker event published so far except `user_event`s (`left`, `rights_changed`). */
  published: BrokerEvent[];
  /** Every live notice sent so far (`user_event`s on the broker), in order. */
  notices: RecordedNotice[];
  /** Every system message posted so far, in order, as the event it tells. */
  posted: { room: string; event: RoomEvent }[];
}

/** The password of every user {@linkcode withKvServices} registers. */
export const KV_SERVICES_PASSWORD = "correct horse battery";

/**
 * Runs `fn` with the services on a fresh `:memory:` KV and the users named in `usernames`
 * registered (concurrently: each costs one full-strength password hash), closing the KV
 * afterwards even when `fn` throws.
 *
 * @example
 * ```ts
 * await withKvServices(["alice", "bob"], async ({ friends }, { alice, bob }) => {
 *   await friends.request(alice.id, bob.name);
 * });
 * ```
 */
export async function withKvServices<const N extends string>(
  usernames: readonly N[],
  fn: (services: KvServices, users: Record<N, PublicUser>) => Promise<void>,
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  try {
    const clock = new FakeClock();
    const published: BrokerEvent[] = [];
    const notices: RecordedNotice[] = [];
    const posted: { room: string; event: RoomEvent }[] = [];
    const broker: Broker = {
      publish(event) {
        if (event.kind === "user_event") {
          notices.push({ users: event.users, event: event.event });
        } else published.push(event);
      },
      subscribe: () => () => {},
      connected: () => true,
      close: () => Promise.resolve(),
    };
    const notify: Notify = (users, event) => broker.publish({ kind: "user_event", users, event });
    const post: PostSystemMessage = (room, event) => {
      posted.push({ room, event });
      return Promise.resolve();
    };
    const accounts = new Accounts(kv, clock);
    const profiles = new Profiles(kv, accounts);
    const presence = new KvPresence(kv, clock);
    const roomNotices = new RoomNotices(kv, accounts, broker, notify, post);
    const roomEdits = new RoomEdits(kv, roomNotices);
    const services: KvServices = {
      kv,
      clock,
      accounts,
      profiles,
      presence,
      rooms: new Rooms(kv, clock),
      friends: new Friends(
        kv,
        clock,
        accounts,
        profiles,
        notify,
        new PresenceViews(presence, (users) => profiles.lastSeenHidden(users)),
      ),
      memberModeration: new MemberModeration(kv, clock, accounts, roomNotices),
      roomDetails: new RoomDetailsReader(kv, profiles),
      roomEdits,
      roomLifecycle: new RoomLifecycle(kv, roomNotices),
      roomAvatars: new RoomAvatars(kv, roomEdits),
      inviteLinks: new InviteLinks(kv, clock, post),
      published,
      notices,
      posted,
    };
    const registered = await Promise.all(usernames.map(async (name) => {
      const result = await accounts.register(name, KV_SERVICES_PASSWORD);
      if (!result.ok) throw new Error(`register ${name}: ${result.error}`);
      return [name, result.user] as const;
    }));
    await fn(services, Object.fromEntries(registered) as Record<N, PublicUser>);
  } finally {
    kv.close();
  }
}
