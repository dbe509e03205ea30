/**
 * The setup most live-room tests start from: these users in one room, each with an open socket
 * subscribed to it. One copy here instead of one per integration test file.
 *
 * @module
 */
import type { RoomSummary } from "../../lib/common/api_types.ts";
import {
  createRoom,
  openSocket,
  registerUser,
  type TestSocket,
  type TestUser,
} from "./chat_client.ts";

/** What {@linkcode withRoom} hands to the test. */
export interface RoomFixture<N extends string> {
  room: RoomSummary;
  /** Each user by the name given to {@linkcode withRoom} (their username starts with it). */
  users: Record<N, TestUser>;
  /** The open, subscribed socket of each user that connected (all of them by default). */
  sockets: Record<N, TestSocket>;
  /**
   * The room's head when the sockets subscribed: the seq of the last "X joined" message of the
   * setup, so the first message a test sends gets `head + 1`.
   */
  head: number;
}

/** Options of {@linkcode withRoom}. */
export interface WithRoomOptions<N extends string> {
  /** Who opens a socket (and subscribes), in this order; every user by default. */
  connect?: readonly N[];
  /** The room's name; "general" by default. */
  name?: string;
}

/**
 * Subscribes each socket to `room`, one after the other, and returns the head the last one was
 * told (the same for all, unless something was posted meanwhile).
 */
export async function subscribeAll(sockets: readonly TestSocket[], room: string): Promise<number> {
  let head = 0;
  for (const socket of sockets) head = (await socket.subscribe(room)).head;
  return head;
}

/**
 * Registers a user per name (the first one creates the room, the others join it through the
 * API), opens a socket for each user in `options.connect` and subscribes it to the room, then
 * runs `fn`. The sockets are closed afterwards, even when `fn` throws; a test may close some
 * itself first.
 *
 * @example
 * ```ts
 * await withRoom(server.url, ["alice", "bob"], async ({ room, sockets: { alice, bob } }) => {
 *   alice.send({ type: "send", room: room.id, clientId: "hello-0001", text: "hi" });
 *   await bob.next("message");
 * });
 * ```
 */
export async function withRoom<const N extends string>(
  baseUrl: string,
  names: readonly [N, ...N[]],
  fn: (fixture: RoomFixture<N>) => Promise<void>,
  options: WithRoomOptions<N> = {},
): Promise<void> {
  const users = {} as Record<N, TestUser>;
  for (const name of names) users[name] = await registerUser(baseUrl, name);
  const [owner, ...members] = names.map((name) => users[name]);
  const room = await createRoom(baseUrl, owner!, members, options.name);
  const sockets = {} as Record<N, TestSocket>;
  try {
    for (const name of options.connect ?? names) {
      sockets[name] = await openSocket(baseUrl, users[name]);
    }
    const head = await subscribeAll(Object.values<TestSocket>(sockets), room.id);
    await fn({ room, users, sockets, head });
  } finally {
    for (const socket of Object.values<TestSocket>(sockets)) await socket.close();
  }
}
