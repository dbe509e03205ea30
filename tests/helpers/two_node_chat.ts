/**
 * The cross-node chat check shared by the fan-out tests (Redis between processes, Deno KV
 * between workers or processes): two users on two different nodes of one chat talk in one
 * room, and each must see every message once, in seq order, live.
 *
 * @module
 */
import assert from "node:assert/strict";
import { api, createRoom, registerUser, TestSocket, type TestUser } from "./chat_client.ts";

/** What {@linkcode chatAcrossNodes} sends each way. */
export interface CrossNodeChat {
  /** Numbered messages Alice (on the first node) sends first. */
  forward: number;
  /** Numbered messages Bob (on the other node) sends once Alice's have all arrived. */
  back: number;
}

/**
 * Alice connects to `urlA`, Bob to `urlB`, both subscribe to one room; Alice sends `forward`
 * messages, then Bob `back`, and both sockets must receive all of them, each seq once, in order.
 * With `urlA === urlB` (the workers of one `deno serve --parallel`), Bob's socket is opened
 * again until it lands on another worker than Alice's. Sockets are closed afterwards.
 */
export async function chatAcrossNodes(
  urlA: string,
  urlB: string,
  { forward, back }: CrossNodeChat,
): Promise<void> {
  const sockets: TestSocket[] = [];
  const connect = async (url: string, user: TestUser) => {
    const socket = new TestSocket(url, user);
    sockets.push(socket);
    return { socket, node: (await socket.next("welcome")).node };
  };
  try {
    const alice = await registerUser(urlA, "alice");
    const bob = await registerUser(urlB, "bob");
    const room = await createRoom(urlA, alice);
    assert.equal((await api(urlB, bob, "POST", `/api/rooms/${room.id}/join`)).status, 200);
    const onA = await connect(urlA, alice);
    let onB = await connect(urlB, bob);
    for (let attempt = 0; attempt < 50 && onB.node === onA.node; attempt++) {
      onB = await connect(urlB, bob);
    }
    assert.notEqual(onB.node, onA.node, "both sockets landed on one node");
    await onA.socket.subscribe(room.id);
    // Seqs of the messages follow what the setup stored (Bob's join message).
    const base = (await onB.socket.subscribe(room.id)).head;

    sendNumbered(onA.socket, room.id, 1, forward);
    await onB.socket.waitForMessages(room.id, forward, 60_000);
    assertNumbered(onB.socket, room.id, base, forward);

    const total = forward + back;
    sendNumbered(onB.socket, room.id, forward + 1, total);
    await onA.socket.waitForMessages(room.id, total, 60_000);
    await onB.socket.waitForMessages(room.id, total, 60_000);
    // A late duplicate of an early seq would have arrived before the later seqs: each room is
    // delivered in seq order.
    assertNumbered(onA.socket, room.id, base, total);
    assertNumbered(onB.socket, room.id, base, total);
  } finally {
    for (const socket of sockets) await socket.close();
  }
}

function sendNumbered(socket: TestSocket, room: string, from: number, to: number): void {
  for (let i = from; i <= to; i++) {
    socket.send({ type: "send", room, clientId: `cross-${100000 + i}`, text: `#${i}` });
  }
}

/** The socket holds exactly messages `#1`…`#count`, at seqs `base + 1`… */
function assertNumbered(socket: TestSocket, room: string, base: number, count: number): void {
  const received = socket.messages(room);
  const numbers = Array.from({ length: count }, (_, i) => i + 1);
  assert.deepEqual(received.map((m) => m.seq), numbers.map((i) => base + i));
  assert.deepEqual(received.map((m) => m.text), numbers.map((i) => `#${i}`));
}
