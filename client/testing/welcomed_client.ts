/**
 * A {@linkcode ChatClient} on fake sockets, for tests of what a page does on a `welcome`: the
 * test welcomes its socket with the marks it chooses and drops and reconnects it.
 *
 * @module
 */
import type { ListMarks } from "../../lib/common/api_types.ts";
import { PROTOCOL_VERSION } from "../../lib/common/protocol.ts";
import { FakeClock } from "../../lib/common/testing/fake_clock.ts";
import { ChatClient } from "../chat_client.ts";
import { fakeSockets, type FakeWebSocket } from "./fake_web_socket.ts";
import { MemoryStorage } from "./memory_storage.ts";

/** The marks a test's `welcome` carries; "" for those it leaves out. */
export interface WelcomeMarks {
  lists?: Partial<ListMarks>;
}

/** A client of user `u1` and the functions that drive its socket. */
export interface WelcomedClient {
  client: ChatClient;
  /** Opens the latest socket and sends it a `welcome` with `marks`. */
  welcome(marks?: WelcomeMarks): void;
  /** Drops the socket, lets the backoff run out, and welcomes the next one with `marks`. */
  reconnect(marks?: WelcomeMarks): void;
  /** The latest socket (the frames the client sent on it). */
  socket(): FakeWebSocket;
  /** The client's fake clock. */
  clock: FakeClock;
}

/**
 * Makes a {@linkcode WelcomedClient} (on `storage`, with ids from `newId` when given); the test
 * calls `client.connect()` first.
 *
 * @example
 * ```ts
 * const { client, welcome } = welcomedClient();
 * client.connect();
 * welcome({ lists: { rooms: V2 } });
 * ```
 */
export function welcomedClient(
  { storage = new MemoryStorage(), newId }: { storage?: MemoryStorage; newId?: () => string } = {},
): WelcomedClient {
  const clock = new FakeClock();
  const { Socket, sockets } = fakeSockets();
  const client = new ChatClient({
    user: { id: "u1", name: "ada" },
    url: "ws://chat.test/ws?v=2",
    WebSocket: Socket,
    storage,
    clock,
    events: new EventTarget(),
    random: () => 0.5,
    isOnline: () => true,
    ...(newId ? { newId } : {}),
  });
  const welcome = ({ lists = {} }: WelcomeMarks = {}) => {
    const socket = sockets.at(-1) as FakeWebSocket;
    socket.open();
    socket.receive({
      type: "welcome",
      v: PROTOCOL_VERSION,
      user: { id: "u1", name: "ada" },
      node: "n1",
      heartbeatMs: 1_000,
      socket: "s1",
      lists: { rooms: lists.rooms ?? "", friends: lists.friends ?? "" },
    });
  };
  const reconnect = (marks?: WelcomeMarks) => {
    (sockets.at(-1) as FakeWebSocket).drop();
    const status = client.status.value;
    if (status.state !== "reconnecting") throw new Error(`not reconnecting: ${status.state}`);
    clock.advance(status.retryAt - clock.now());
    welcome(marks);
  };
  return { client, welcome, reconnect, socket: () => sockets.at(-1) as FakeWebSocket, clock };
}
