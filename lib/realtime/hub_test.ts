import assert from "node:assert/strict";
import fc from "fast-check";
import { systemClock } from "../common/clock.ts";
import { BATCH_MAX_CHARS, CLOSE_SESSION_ENDED, Hub, type HubOptions, type Peer } from "./hub.ts";
import type { MessageStore } from "../messages/message_store.ts";
import { KvMessageStore } from "../messages/message_store_kv.ts";
import {
  type ChatMessage,
  CLOSE_SERVICE_RESTART,
  RESUME_MAX,
  type ServerFrame,
} from "../common/protocol.ts";
import { Metrics } from "../server/metrics.ts";
import { CLOSE_TRY_AGAIN, HELD_FRAMES_MAX } from "./held_events.ts";

/** A peer that records what the hub does to it. */
class FakePeer implements Peer {
  readonly frames: ServerFrame[] = [];
  readonly revoked: string[] = [];
  closed: { code: number; reason: string } | undefined;
  lastSeenAt = 0;

  readonly sessionExpiresAt = Number.MAX_SAFE_INTEGER;
  /** Every WebSocket frame as sent (a batch is one). */
  readonly sent: string[] = [];
  batches = false;
  constructor(readonly userId: string, readonly sessionId = `session-of-${userId}`) {}

  /** While set, the peer's socket counts as full until `drain()`. */
  #full: { promise: Promise<void>; resolve: () => void } | undefined;

  whenWritable(): Promise<void> | undefined {
    return this.#full?.promise;
  }

  /** From now on the socket counts as full: a replay waits. */
  fill(): void {
    this.#full = Promise.withResolvers<void>();
  }

  /** The socket drained: a waiting replay goes on. */
  drain(): void {
    this.#full?.resolve();
    this.#full = undefined;
  }

  /** Rooms passed to `rightsChanged`, `"*"` for a call without one. */
  readonly rightsChecks: string[] = [];

  rightsChanged(room?: string): void {
    this.rightsChecks.push(room ?? "*");
  }

  send(frame: string): void {
    this.sent.push(frame);
    // A batch holds one frame per line, as a client that asked for batches reads it.
    const lines = this.batches ? frame.split("\n") : [frame];
    for (const line of lines) this.frames.push(JSON.parse(line));
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }

  roomRevoked(room: string): void {
    this.revoked.push(room);
  }

  /** Seqs of the message frames received for `room`, in arrival order. */
  seqs(room = "room"): number[] {
    return this.frames.flatMap((f) => f.type === "message" && f.room === room ? [f.seq] : []);
  }

  /** The `subscribed` frames received. */
  subscriptions(): Extract<ServerFrame, { type: "subscribed" }>[] {
    return this.frames.flatMap((f) => f.type === "subscribed" ? [f] : []);
  }
}

interface Setup {
  hub: Hub;
  store: MessageStore;
  /** Appends `count` messages to `room` through the store and returns them. */
  append(count: number, room?: string): Promise<ChatMessage[]>;
  /** Connects a new peer to the hub. */
  peer(userId?: string, sessionId?: string): FakePeer;
}

/** Runs `fn` with a hub on a real KV store; the reconcile check is off unless asked for. */
async function withHub(
  fn: (setup: Setup) => void | Promise<void>,
  options: HubOptions = {},
): Promise<void> {
  const kv = await Deno.openKv(":memory:");
  const store = new KvMessageStore(kv, systemClock);
  const hub = new Hub(store, { reconcileDelayMs: 3_600_000, ...options });
  let sent = 0;
  const append = async (count: number, room = "room") => {
    const drafts = Array.from({ length: count }, () => {
      const n = sent++;
      return { room, from: "sender", author: "Sender", clientId: `client-${n}`, text: `text ${n}` };
    });
    return (await store.append(drafts)).map((result) => result.message);
  };
  const peer = (userId = "u1", sessionId?: string) => {
    const created = new FakePeer(userId, sessionId);
    hub.addPeer(created);
    return created;
  };
  try {
    await fn({ hub, store, append, peer });
  } finally {
    await hub.idle();
    hub.close();
    kv.close();
  }
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Polls until `condition` holds; fails after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

Deno.test("Hub.subscribe() without after sends subscribed with the room's head and no messages", async () => {
  await withHub(async ({ hub, append, peer }) => {
    await append(3);
    const alice = peer();
    await hub.subscribe(alice, "room", undefined, "ref-1");
    assert.deepEqual(alice.frames, [{
      type: "subscribed",
      ref: "ref-1",
      room: "room",
      head: 3,
      reset: false,
    }]);
    const bob = peer("u2");
    await hub.subscribe(bob, "empty", undefined);
    assert.deepEqual(bob.frames, [{ type: "subscribed", room: "empty", head: 0, reset: false }]);
  });
});

Deno.test("Hub.subscribe() with after replays exactly the missed messages in order, then live ones", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const stored = await append(5);
    const alice = peer();
    await hub.subscribe(alice, "room", 2);
    await hub.idle();
    assert.deepEqual(alice.subscriptions(), [{
      type: "subscribed",
      room: "room",
      head: 5,
      reset: false,
    }]);
    assert.deepEqual(alice.seqs(), [3, 4, 5]);
    assert.deepEqual(alice.frames[1], { type: "message", ...stored[2]! });
    const live = await append(2);
    hub.handle({ kind: "messages", room: "room", messages: live });
    await hub.idle();
    assert.deepEqual(alice.seqs(), [3, 4, 5, 6, 7]);
  });
});

Deno.test("Hub.subscribe() with after equal to the head replays nothing", async () => {
  await withHub(async ({ hub, append, peer }) => {
    await append(4);
    const alice = peer();
    await hub.subscribe(alice, "room", 4);
    assert.deepEqual(alice.subscriptions(), [{
      type: "subscribed",
      room: "room",
      head: 4,
      reset: false,
    }]);
    assert.deepEqual(alice.seqs(), []);
  });
});

Deno.test("Hub.subscribe() replays exactly RESUME_MAX missed messages, and resets past that", async () => {
  await withHub(async ({ hub, append, peer }) => {
    await append(RESUME_MAX + 2);
    const exact = peer("u1");
    await hub.subscribe(exact, "room", 2);
    await hub.idle();
    assert.equal(exact.subscriptions()[0]!.reset, false);
    assert.deepEqual(exact.seqs(), range(3, RESUME_MAX + 2));
    const tooFar = peer("u2");
    await hub.subscribe(tooFar, "room", 1);
    assert.deepEqual(tooFar.subscriptions(), [
      { type: "subscribed", room: "room", head: RESUME_MAX + 2, reset: true },
    ]);
    assert.deepEqual(tooFar.seqs(), []);
  });
});

Deno.test("Hub.subscribe() with after beyond the room's head answers reset without replay", async () => {
  await withHub(async ({ hub, append, peer }) => {
    await append(3);
    const alice = peer();
    await hub.subscribe(alice, "room", 10);
    assert.deepEqual(alice.subscriptions(), [{
      type: "subscribed",
      room: "room",
      head: 3,
      reset: true,
    }]);
    assert.deepEqual(alice.seqs(), []);
  });
});

Deno.test("Hub.handle() delivers broker events to every subscriber once, in seq order", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const alice = peer("u1");
    const bob = peer("u2");
    const other = peer("u3");
    await hub.subscribe(alice, "room", undefined);
    await hub.subscribe(bob, "room", undefined);
    await hub.subscribe(other, "elsewhere", undefined);
    for (const size of [1, 3, 2]) {
      hub.handle({ kind: "messages", room: "room", messages: await append(size) });
    }
    await hub.idle();
    assert.deepEqual(alice.seqs(), range(1, 6));
    assert.deepEqual(bob.seqs(), range(1, 6));
    assert.deepEqual(other.frames.filter((f) => f.type === "message"), []);
  });
});

Deno.test("Hub.handle() sends a peer that takes batches an event's messages in one frame, in seq order, and other peers one frame each", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const batching = peer("u1");
    batching.batches = true;
    const plain = peer("u2");
    await hub.subscribe(batching, "room", undefined);
    await hub.subscribe(plain, "room", undefined);
    const sentBefore = { batching: batching.sent.length, plain: plain.sent.length };
    hub.handle({ kind: "messages", room: "room", messages: await append(3) });
    hub.handle({ kind: "messages", room: "room", messages: await append(1) });
    await hub.idle();
    assert.deepEqual(batching.seqs(), range(1, 4));
    assert.deepEqual(plain.seqs(), range(1, 4));
    // One frame for the event of three, one for the event of one.
    assert.equal(batching.sent.length - sentBefore.batching, 2);
    assert.equal(plain.sent.length - sentBefore.plain, 4);
  });
});

Deno.test("Hub.handle() splits a batch of long messages into frames of at most BATCH_MAX_CHARS, in seq order", async () => {
  await withHub(async ({ hub, store, peer }) => {
    const batching = peer("u1");
    batching.batches = true;
    await hub.subscribe(batching, "room", undefined);
    const drafts = Array.from({ length: 10 }, (_, i) => ({
      room: "room",
      from: "sender",
      author: "Sender",
      clientId: `long-${i}`,
      text: "x".repeat(16_000),
    }));
    const messages = (await store.append(drafts)).map((result) => result.message);
    const sentBefore = batching.sent.length;
    hub.handle({ kind: "messages", room: "room", messages });
    await hub.idle();
    assert.deepEqual(batching.seqs(), range(1, 10));
    const frames = batching.sent.slice(sentBefore);
    assert.ok(frames.length >= 3 && frames.length < 10, `${frames.length} frames`);
    for (const frame of frames) assert.ok(frame.length <= BATCH_MAX_CHARS);
  });
});

Deno.test("Hub.handle() fills a gap in an event's seqs from the store", async () => {
  await withHub(async ({ hub, append, peer }) => {
    await append(3);
    const alice = peer();
    await hub.subscribe(alice, "room", undefined);
    const later = await append(3);
    hub.handle({ kind: "messages", room: "room", messages: later.slice(1) });
    await hub.idle();
    assert.deepEqual(alice.seqs(), [4, 5, 6]);
    assert.deepEqual(alice.frames.at(1), { type: "message", ...later[0]! });
  });
});

Deno.test("Hub.handle() delivers events that arrive out of order once, in seq order", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const alice = peer();
    await hub.subscribe(alice, "room", undefined);
    const first = await append(2);
    const second = await append(2);
    hub.handle({ kind: "messages", room: "room", messages: second });
    hub.handle({ kind: "messages", room: "room", messages: first });
    await hub.idle();
    assert.deepEqual(alice.seqs(), [1, 2, 3, 4]);
  });
});

Deno.test("Hub delivers every seq once, in order, when the broker drops events (reconcile check)", async () => {
  await withHub(async ({ hub, append, peer }) => {
    await append(2);
    const alice = peer();
    await hub.subscribe(alice, "room", undefined);
    const delivered = await append(2);
    await append(2); // Its event is dropped.
    await append(1); // So is this one.
    hub.handle({ kind: "messages", room: "room", messages: delivered });
    await waitFor(() => alice.seqs().length >= 5);
    await hub.idle();
    assert.deepEqual(alice.seqs(), [3, 4, 5, 6, 7]);
  }, { reconcileDelayMs: 1 });
});

Deno.test("Hub.handle() of this node's own events reads no head later: they are never dropped", async () => {
  await withHub(async ({ hub, store, append, peer }) => {
    let headReads = 0;
    const head = store.head.bind(store);
    store.head = (room) => {
      headReads++;
      return head(room);
    };
    const alice = peer();
    await hub.subscribe(alice, "room", undefined);
    const readsAfterSubscribe = headReads;
    hub.handle({ kind: "messages", room: "room", messages: await append(2) }, true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await hub.idle();
    assert.deepEqual(alice.seqs(), [1, 2]);
    assert.equal(headReads, readsAfterSubscribe);
    hub.handle({ kind: "messages", room: "room", messages: await append(1) }, false);
    await waitFor(() => headReads > readsAfterSubscribe);
    await hub.idle();
    assert.deepEqual(alice.seqs(), [1, 2, 3]);
  }, { reconcileDelayMs: 1 });
});

Deno.test("Hub's periodic sweep reads nothing while no other node was ever heard from", async () => {
  await withHub(async ({ hub, store, peer }) => {
    let reads = 0;
    const heads = store.heads.bind(store);
    store.heads = (rooms) => {
      reads++;
      return heads(rooms);
    };
    await hub.subscribe(peer(), "room", undefined);
    hub.handle({ kind: "typing", room: "room", user: "u9", name: "me" }, true);
    hub.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(reads, 0);
    hub.handle({ kind: "typing", room: "room", user: "u9", name: "other" }, false);
    await waitFor(() => reads > 0);
  }, { sweepIntervalMs: 10 });
});

Deno.test("Hub.handle() does not resend messages of repeated or out-of-date events", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const alice = peer();
    await hub.subscribe(alice, "room", undefined);
    const messages = await append(3);
    hub.handle({ kind: "messages", room: "room", messages });
    hub.handle({ kind: "messages", room: "room", messages });
    hub.handle({ kind: "messages", room: "room", messages: messages.slice(0, 1) });
    await hub.idle();
    hub.handle({ kind: "messages", room: "room", messages: messages.slice(1, 2) });
    hub.handle({ kind: "messages", room: "room", messages: [] });
    await hub.idle();
    assert.deepEqual(alice.seqs(), [1, 2, 3]);
  });
});

Deno.test("Hub.subscribe() with after never interleaves its replay with live messages", async () => {
  await withHub(async ({ hub, append, peer }) => {
    await append(5);
    const watcher = peer("u1");
    await hub.subscribe(watcher, "room", undefined);
    const live = await append(3);
    const resumer = peer("u2");
    const subscribed = hub.subscribe(resumer, "room", 3);
    hub.handle({ kind: "messages", room: "room", messages: live });
    await subscribed;
    await hub.idle();
    assert.deepEqual(resumer.seqs(), [4, 5, 6, 7, 8]);
    assert.equal(resumer.frames[0]!.type, "subscribed");
    assert.deepEqual(watcher.seqs(), [6, 7, 8]);
  });
});

Deno.test("Hub.subscribe() replays at the pace the peer's socket drains, while live messages reach the room, then gives the peer each seq once", async () => {
  await withHub(async ({ hub, append, peer }) => {
    await append(5);
    const watcher = peer("u1");
    await hub.subscribe(watcher, "room", undefined);
    const resumer = peer("u2");
    resumer.fill();
    await hub.subscribe(resumer, "room", 1);
    assert.deepEqual(resumer.seqs(), [], "nothing is sent while the socket is full");
    const live = await append(3);
    hub.handle({ kind: "messages", room: "room", messages: live });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(watcher.seqs(), [6, 7, 8], "the room was not held up by the replay");
    assert.deepEqual(resumer.seqs(), []);
    resumer.drain();
    await hub.idle();
    assert.deepEqual(resumer.seqs(), [2, 3, 4, 5, 6, 7, 8]);
    hub.handle({ kind: "messages", room: "room", messages: await append(1) });
    await hub.idle();
    assert.deepEqual(resumer.seqs(), [2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(watcher.seqs(), [6, 7, 8, 9]);
  });
});

Deno.test("Hub.unsubscribe() during a paced replay stops it, and a new subscribe replays afresh", async () => {
  await withHub(async ({ hub, append, peer }) => {
    await append(4);
    const resumer = peer("u2");
    resumer.fill();
    await hub.subscribe(resumer, "room", 0);
    hub.unsubscribe(resumer, "room");
    resumer.drain();
    await hub.idle();
    assert.deepEqual(resumer.seqs(), []);
    await hub.subscribe(resumer, "room", 2);
    await hub.idle();
    assert.deepEqual(resumer.seqs(), [3, 4]);
  });
});

Deno.test("Hub.subscribe() during a delivery sends subscribed first and no message up to its head", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const watcher = peer("u1");
    await hub.subscribe(watcher, "room", undefined);
    hub.handle({ kind: "messages", room: "room", messages: await append(2) });
    const late = peer("u2");
    await hub.subscribe(late, "room", undefined);
    hub.handle({ kind: "messages", room: "room", messages: await append(1) });
    await hub.idle();
    assert.deepEqual(late.frames.map((f) => f.type), ["subscribed", "message"]);
    assert.deepEqual(late.subscriptions()[0]?.head, 2);
    assert.deepEqual(late.seqs(), [3]);
    assert.deepEqual(watcher.seqs(), [1, 2, 3]);
  });
});

Deno.test("Hub.unsubscribe() stops delivery of that room to that peer only", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const alice = peer("u1");
    const bob = peer("u2");
    await hub.subscribe(alice, "room", undefined);
    await hub.subscribe(bob, "room", undefined);
    hub.handle({ kind: "messages", room: "room", messages: await append(1) });
    await hub.idle();
    assert.equal(hub.unsubscribe(alice, "room"), true);
    assert.equal(hub.unsubscribe(alice, "room"), false);
    hub.handle({ kind: "messages", room: "room", messages: await append(1) });
    await hub.idle();
    assert.deepEqual(alice.seqs(), [1]);
    assert.deepEqual(bob.seqs(), [1, 2]);
    assert.equal(hub.unsubscribe(bob, "room"), true);
    assert.equal(hub.roomCount, 0);
  });
});

Deno.test("Hub.removePeer() stops every delivery to that peer", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const alice = peer("u1");
    const bob = peer("u2");
    await hub.subscribe(alice, "room", undefined);
    await hub.subscribe(alice, "other", undefined);
    await hub.subscribe(bob, "room", undefined);
    hub.removePeer(alice);
    assert.equal([...hub.peers].includes(alice), false);
    assert.equal(hub.roomCount, 1);
    hub.handle({ kind: "messages", room: "room", messages: await append(1) });
    hub.handle({ kind: "messages", room: "other", messages: await append(1, "other") });
    await hub.idle();
    assert.deepEqual(alice.frames.filter((f) => f.type === "message"), []);
    assert.deepEqual(bob.seqs(), [1]);
  });
});

Deno.test("Hub.handle() of a left event unsubscribes that user's peers and tells them", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const aliceTab1 = peer("alice", "s1");
    const aliceTab2 = peer("alice", "s2");
    const bob = peer("bob");
    for (const each of [aliceTab1, aliceTab2, bob]) await hub.subscribe(each, "room", undefined);
    await hub.subscribe(aliceTab1, "kept", undefined);
    hub.handle({ kind: "left", room: "room", user: "alice" });
    assert.deepEqual(aliceTab1.revoked, ["room"]);
    assert.deepEqual(aliceTab2.revoked, ["room"]);
    assert.deepEqual(bob.revoked, []);
    hub.handle({ kind: "messages", room: "room", messages: await append(1) });
    hub.handle({ kind: "messages", room: "kept", messages: await append(1, "kept") });
    await hub.idle();
    assert.deepEqual(aliceTab1.seqs("room"), []);
    assert.deepEqual(aliceTab2.seqs("room"), []);
    assert.deepEqual(aliceTab1.seqs("kept"), [1]);
    assert.deepEqual(bob.seqs("room"), [1]);
  });
});

Deno.test("Hub.handle() of session_ended closes that session's peers with code 4001", async () => {
  await withHub(async ({ hub, peer }) => {
    const ended = peer("alice", "s1");
    const sameSession = peer("alice", "s1");
    const otherSession = peer("alice", "s2");
    const otherUser = peer("bob", "s3");
    for (const each of [ended, sameSession, otherSession, otherUser]) {
      await hub.subscribe(each, "room", undefined);
    }
    hub.handle({ kind: "session_ended", session: "s1" });
    assert.equal(CLOSE_SESSION_ENDED, 4001);
    assert.equal(ended.closed?.code, 4001);
    assert.equal(sameSession.closed?.code, 4001);
    assert.equal(otherSession.closed, undefined);
    assert.equal(otherUser.closed, undefined);
  });
});

Deno.test("Hub's periodic sweep brings a quiet room up to date when every event of it was lost", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const alice = peer();
    await hub.subscribe(alice, "room", undefined);
    // Another node exists: it was heard from once, in another room.
    hub.handle({ kind: "typing", room: "elsewhere", user: "u9", name: "someone" }, false);
    await append(3); // No event of this room reaches the hub (a broker outage).
    hub.start();
    await waitFor(() => alice.seqs().length >= 3);
    await hub.idle();
    assert.deepEqual(alice.seqs(), [1, 2, 3]);
  }, { reconcileDelayMs: 1, sweepIntervalMs: 10 });
});

Deno.test("Hub's periodic sweep delivers a lost reaction that is the room's newest entry", async () => {
  await withHub(async ({ hub, store, append, peer }) => {
    const alice = peer();
    await hub.subscribe(alice, "room", undefined);
    // Another node exists; the message's event reaches the hub, the reaction's does not.
    hub.handle({ kind: "messages", room: "room", messages: await append(1) }, false);
    await waitFor(() => alice.seqs().length === 1);
    // The room's newest message is still seq 1; its head is 2.
    await store.append([{
      room: "room",
      from: "u2",
      author: "Bob",
      clientId: "react-0001",
      text: "",
      kind: "reaction",
      target: 1,
      emoji: "👍",
      on: true,
    }]);
    hub.start();
    await waitFor(() => alice.seqs().length >= 2);
    await hub.idle();
    assert.deepEqual(alice.seqs(), [1, 2]);
  }, { reconcileDelayMs: 1, sweepIntervalMs: 10 });
});

/** Types of the frames a peer received. */
function typesOf(peer: FakePeer): string[] {
  return peer.frames.map((frame) => frame.type);
}

Deno.test("Hub.handle() of a user_event reaches every socket of the named users once, and no other", async () => {
  await withHub(({ hub, peer }) => {
    const aliceTab1 = peer("alice", "s1");
    const aliceTab2 = peer("alice", "s2");
    const bob = peer("bob");
    const carol = peer("carol");
    hub.handle({
      kind: "user_event",
      users: ["alice", "bob", "alice", "nobody"],
      event: { kind: "friends_changed" },
    });
    for (const reached of [aliceTab1, aliceTab2, bob]) {
      assert.deepEqual(typesOf(reached), ["user_event"]);
      assert.deepEqual(reached.rightsChecks, ["*"]);
    }
    assert.deepEqual(typesOf(carol), []);
    assert.deepEqual(carol.rightsChecks, []);
    hub.handle({
      kind: "user_event",
      users: ["carol"],
      event: { kind: "presence", user: "alice", online: true },
    });
    assert.deepEqual(carol.frames, [{
      type: "user_event",
      event: { kind: "presence", user: "alice", online: true },
    }]);
    assert.deepEqual(carol.rightsChecks, [], "only friends_changed checks posting rights again");
  });
});

Deno.test("Hub.hold() keeps a user's events until addPeer() hands them to the socket in order, and release() drops them", async () => {
  await withHub(({ hub }) => {
    const event = (roomId: string) => ({
      kind: "user_event" as const,
      users: ["alice"],
      event: { kind: "room_removed" as const, roomId },
    });
    const held = hub.hold("alice");
    hub.handle(event("r1"));
    hub.handle({ kind: "messages", room: "r2", messages: [], activityFor: ["alice"] });
    assert.equal(hub.peerCount, 0, "a hold is no peer");
    const alice = new FakePeer("alice");
    hub.addPeer(alice, held);
    held.replay(alice);
    hub.handle(event("r3"));
    assert.deepEqual(alice.frames, [
      { type: "user_event", event: { kind: "room_removed", roomId: "r1" } },
      { type: "user_event", event: { kind: "activity", roomId: "r2" } },
      { type: "user_event", event: { kind: "room_removed", roomId: "r3" } },
    ]);
    const dropped = hub.hold("alice");
    hub.release(dropped);
    hub.handle(event("r4"));
    const late = new FakePeer("alice", "s2");
    dropped.replay(late);
    assert.deepEqual(late.frames, [], "a released hold keeps nothing");
    hub.removePeer(alice);
    assert.deepEqual(hub.indexSizes, { users: 0, sessions: 0 });
  });
});

Deno.test("Hub.hold() closes the socket after its welcome when the account closed, or too much was held", async () => {
  await withHub(({ hub }) => {
    const closedAccount = hub.hold("alice");
    hub.handle({ kind: "account_closed", user: "alice" });
    const alice = new FakePeer("alice");
    hub.addPeer(alice, closedAccount);
    closedAccount.replay(alice);
    assert.equal(alice.closed?.code, CLOSE_SESSION_ENDED);
    const flooded = hub.hold("bob");
    for (let i = 0; i <= HELD_FRAMES_MAX; i++) {
      hub.handle({ kind: "user_event", users: ["bob"], event: { kind: "friends_changed" } });
    }
    const bob = new FakePeer("bob");
    hub.addPeer(bob, flooded);
    flooded.replay(bob);
    assert.equal(bob.frames.length, HELD_FRAMES_MAX);
    assert.equal(bob.closed?.code, CLOSE_TRY_AGAIN, "the reconnect reads the lists again");
  });
});

Deno.test("Hub.handle() of messages naming members tells their sockets that do not follow the room, once each, and no other socket", async () => {
  await withHub(async ({ hub, append, peer }) => {
    const aliceIdle = peer("alice", "s1");
    const aliceFollowing = peer("alice", "s2");
    const bob = peer("bob");
    const carol = peer("carol");
    await hub.subscribe(aliceFollowing, "room", undefined);
    const messages = await append(1);
    hub.handle({ kind: "messages", room: "room", messages, activityFor: ["alice", "bob"] });
    await hub.idle();
    const notice = { type: "user_event", event: { kind: "activity", roomId: "room" } };
    assert.deepEqual(aliceIdle.frames, [notice]);
    assert.deepEqual(bob.frames, [notice]);
    assert.deepEqual(typesOf(aliceFollowing), ["subscribed", "message"]);
    assert.deepEqual(carol.frames, []);

    // Without members named (the store refreshes their entries at most once a second), nobody.
    hub.handle({ kind: "messages", room: "room", messages: await append(1) });
    await hub.idle();
    assert.deepEqual(aliceIdle.frames, [notice]);
    assert.deepEqual(bob.frames, [notice]);
  });
});

Deno.test("Hub.handle() of rights_changed tells that user's sockets only", async () => {
  await withHub(({ hub, peer }) => {
    const aliceTab1 = peer("alice", "s1");
    const aliceTab2 = peer("alice", "s2");
    const bob = peer("bob");
    hub.handle({ kind: "rights_changed", room: "room", user: "alice" });
    assert.deepEqual(aliceTab1.rightsChecks, ["room"]);
    assert.deepEqual(aliceTab2.rightsChecks, ["room"]);
    assert.deepEqual(bob.rightsChecks, []);
  });
});

Deno.test("Hub.handle() of session_ended closes every socket of the session when each leaves the hub as it closes", async () => {
  await withHub(({ hub, peer }) => {
    const tabs = [peer("alice", "s1"), peer("alice", "s1"), peer("alice", "s1")];
    const other = peer("alice", "s2");
    // A transport that reports the close at once: the peer leaves the index being walked.
    for (const tab of tabs) {
      tab.close = (code, reason) => {
        tab.closed = { code, reason };
        hub.removePeer(tab);
      };
    }
    hub.handle({ kind: "session_ended", session: "s1" });
    assert.deepEqual(tabs.map((tab) => tab.closed?.code), [4001, 4001, 4001]);
    assert.equal(other.closed, undefined);
    assert.deepEqual(hub.indexSizes, { users: 1, sessions: 1 });
  });
});

Deno.test("Hub.removePeer() of a closed socket takes it out of every event's reach", async () => {
  await withHub(({ hub, peer }) => {
    const gone = peer("alice", "s1");
    const kept = peer("alice", "s1");
    hub.removePeer(gone);
    hub.removePeer(gone);
    hub.handle({ kind: "user_event", users: ["alice"], event: { kind: "friends_changed" } });
    hub.handle({ kind: "rights_changed", room: "room", user: "alice" });
    hub.handle({ kind: "left", room: "room", user: "alice" });
    hub.handle({ kind: "session_ended", session: "s1" });
    assert.deepEqual(gone.frames, []);
    assert.deepEqual(gone.rightsChecks, []);
    assert.deepEqual(gone.revoked, []);
    assert.equal(gone.closed, undefined);
    assert.deepEqual(typesOf(kept), ["user_event"]);
    assert.deepEqual(kept.revoked, ["room"]);
    assert.equal(kept.closed?.code, 4001);
  });
});

Deno.test("Hub.indexSizes are back to 0 once every peer is removed, in any order", async () => {
  await withHub(async ({ hub, peer }) => {
    assert.deepEqual(hub.indexSizes, { users: 0, sessions: 0 });
    // 3,000 sockets of 500 users, 2 sessions each, 3 sockets per session.
    const peers = range(0, 2_999).map((i) => peer(`u${i % 500}`, `s${i % 1_000}`));
    peer("u0", "s0"); // Another socket, removed with its session below.
    hub.addPeer(peers[0]!); // Added twice: still one entry.
    assert.deepEqual(hub.indexSizes, { users: 500, sessions: 1_000 });
    for (const each of peers.slice(0, 10)) await hub.subscribe(each, "room", undefined);
    const all = [...hub.peers] as FakePeer[];
    // Interleaved removal: sets shrink, empty, and keys go while others still have peers.
    for (const each of all.filter((_, i) => i % 2 === 0)) hub.removePeer(each);
    for (const each of all.filter((_, i) => i % 2 === 1).reverse()) hub.removePeer(each);
    assert.deepEqual(hub.indexSizes, { users: 0, sessions: 0 });
    assert.equal(hub.roomCount, 0);
  });
});

Deno.test("Hub.handle() reaches, for any sequence of connects and closes, exactly the open sockets of the user or session", async () => {
  const steps = fc.array(
    fc.oneof(
      fc.record({ add: fc.constant(true), user: fc.nat(3), session: fc.nat(5) }),
      fc.record({ add: fc.constant(false), which: fc.nat() }),
    ),
    { maxLength: 40 },
  );
  await fc.assert(
    fc.asyncProperty(steps, fc.nat(3), fc.nat(5), async (sequence, user, session) => {
      await withHub(({ hub, peer }) => {
        const open: FakePeer[] = [];
        const everyone: FakePeer[] = [];
        for (const step of sequence) {
          if (step.add) {
            const added = peer(`u${step.user}`, `s${step.session}`);
            open.push(added);
            everyone.push(added);
          } else if (open.length > 0) {
            hub.removePeer(open.splice(step.which % open.length, 1)[0]!);
          }
        }
        hub.handle({ kind: "user_event", users: [`u${user}`], event: { kind: "friends_changed" } });
        hub.handle({ kind: "session_ended", session: `s${session}` });
        for (const each of everyone) {
          const isOpen = open.includes(each);
          assert.equal(each.frames.length, isOpen && each.userId === `u${user}` ? 1 : 0);
          assert.equal(each.closed !== undefined, isOpen && each.sessionId === `s${session}`);
        }
        const users = new Set(open.map((each) => each.userId));
        const sessions = new Set(open.map((each) => each.sessionId));
        assert.deepEqual(hub.indexSizes, { users: users.size, sessions: sessions.size });
      });
    }),
    { numRuns: 100 },
  );
});

/** The value of a metric without labels, from the registry `GET /metrics` renders. */
async function metricValue(metrics: Metrics, name: string): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  assert.ok(metric, `no metric ${name}`);
  return (await metric.get()).values[0]?.value ?? 0;
}

Deno.test("Hub counts every message frame it sends, live and replayed, and each gap it repairs once", async () => {
  const metrics = new Metrics();
  await withHub(async ({ hub, append, peer }) => {
    await append(3);
    const alice = peer("alice");
    const bob = peer("bob");
    await hub.subscribe(alice, "room", undefined);
    await hub.subscribe(bob, "room", undefined);
    const later = await append(3);
    // The event of seq 4 was dropped: the hub reads it from the store.
    hub.handle({ kind: "messages", room: "room", messages: later.slice(1) }, false);
    await hub.idle();
    assert.equal(await metricValue(metrics, "chat_gaps_repaired_total"), 1);
    assert.equal(await metricValue(metrics, "chat_messages_out_total"), 2 * 3);
    const carol = peer("carol");
    await hub.subscribe(carol, "room", 2);
    await hub.idle();
    assert.deepEqual(carol.seqs(), [3, 4, 5, 6]);
    assert.equal(await metricValue(metrics, "chat_messages_out_total"), 2 * 3 + 4);
    assert.equal(await metricValue(metrics, "chat_gaps_repaired_total"), 1, "a replay is no gap");
  }, { metrics });
});

Deno.test("Hub.closeAll() closes every peer with the code and resolves once the transport removed them", async () => {
  await withHub(async ({ hub, peer }) => {
    const peers = [peer("alice"), peer("bob"), peer("bob", "second-tab")];
    let resolved = false;
    const closing = hub.closeAll(CLOSE_SERVICE_RESTART, "server restarting", 3_600_000).then(
      () => resolved = true,
    );
    assert.deepEqual(
      peers.map((p) => p.closed),
      peers.map(() => ({ code: CLOSE_SERVICE_RESTART, reason: "server restarting" })),
    );
    hub.removePeer(peers[0]!);
    hub.removePeer(peers[1]!);
    await Promise.resolve();
    assert.equal(resolved, false, "one peer is still connected");
    hub.removePeer(peers[2]!);
    await closing;
    assert.equal(hub.peerCount, 0);
  });
});

Deno.test("Hub.closeAll() gives up on peers that never finish closing after its timeout", async () => {
  await withHub(async ({ hub, peer }) => {
    const silent = peer("alice");
    await hub.closeAll(CLOSE_SERVICE_RESTART, "server restarting", 1);
    assert.equal(silent.closed?.code, CLOSE_SERVICE_RESTART);
    assert.equal(hub.peerCount, 1, "the unanswered peer is left to the transport");
  });
});
